/*---
materialized: incremental
unique_key: cohort_month
description: >
  Customers grouped by the month of their first counted purchase (the cohort); for each later
  month k, the share of the cohort that bought again in that month. Month 0 is the cohort month
  itself (100%). A run recomputes the cohorts of the customers whose sales its dates touched (orders
  with a record in them, by the record's load date, and the store sales loaded): each customer's
  cohort, and for one with such a sale before their first other purchase the cohort of that
  purchase too (a customer whose first purchase moves changes both cohorts).
touched: |
  with orders_in as (
    select distinct order_id from {{ ref('stg_orders') }}
    where load_date between {{ date_from }} and {{ date_to }}
  ),
  orders_touched as (
    select o.order_id, o.order_date, o.customer_id from {{ ref('fact_orders') }} as o
    where o.order_id in (select order_id from orders_in)
  ),
  store_touched as (
    select transaction_id, sale_date, customer_id from {{ ref('fact_store_sales') }}
    where load_date between {{ date_from }} and {{ date_to }}
  ),
  customers as (
    select customer_id from orders_touched union select customer_id from store_touched
  ),
  their_sales as (
    select l.customer_id, l.sale_date, l.counts_as_sale,
      l.sale_id in (select order_id from orders_touched union all select transaction_id from store_touched) as touched
    from {{ ref('sales_lines_base') }} as l
    where l.customer_id <> 'UNKNOWN' and l.customer_id in (select customer_id from customers)
  ),
  firsts as (
    select
      min(case when counts_as_sale then sale_date end) as first_purchase,
      min(case when touched then sale_date end) as first_touched,
      min(case when counts_as_sale and not touched then sale_date end) as first_untouched
    from their_sales
    group by customer_id
  )
  select distinct cast(date_trunc('month', cast(d as timestamp)) as date) as cohort_month
  from (
    select first_purchase as d from firsts
    union select first_untouched from firsts where first_touched < first_untouched
  ) as cohorts
columns:
  cohort_month: First day of the month of the first purchase.
  months_since_first: k, 0 for the cohort month.
  activity_month: cohort_month + k months.
  cohort_size: Customers in the cohort.
  active_customers: Of them, customers with a counted purchase in month k.
  retention_rate: active_customers / cohort_size.
checks:
  - unique: [cohort_month, months_since_first]
---*/
-- Every member of a recomputed cohort bought in its cohort month.
with members as (
  select distinct customer_id
  from {{ ref('sales_lines_base') }}
  where counts_as_sale and customer_id <> 'UNKNOWN'
    and sale_date >= (select min(cohort_month) from {{ touched }} as t)
    and cast(date_trunc('month', cast(sale_date as timestamp)) as date) in (select cohort_month from {{ touched }} as t)
),

purchases as (
  select distinct customer_id, cast(date_trunc('month', cast(sale_date as timestamp)) as date) as activity_month
  from {{ ref('sales_lines_base') }}
  where counts_as_sale and customer_id <> 'UNKNOWN'
    and customer_id in (select customer_id from members)
),

cohorts as (
  select customer_id, min(activity_month) as cohort_month from purchases group by customer_id
),

sizes as (
  select cohort_month, count(*) as cohort_size from cohorts group by cohort_month
),

activity as (
  select
    c.cohort_month,
    p.activity_month,
    cast(
      (extract(year from p.activity_month) - extract(year from c.cohort_month)) * 12
      + extract(month from p.activity_month) - extract(month from c.cohort_month)
      as integer
    ) as months_since_first,
    count(*) as active_customers
  from purchases as p
  inner join cohorts as c on c.customer_id = p.customer_id
  group by c.cohort_month, p.activity_month
)

select
  a.cohort_month,
  a.months_since_first,
  a.activity_month,
  s.cohort_size,
  a.active_customers,
  round(cast(cast(a.active_customers as decimal(18, 4)) / s.cohort_size as decimal(18, 6)), 4) as retention_rate
from activity as a
inner join sizes as s on s.cohort_month = a.cohort_month
