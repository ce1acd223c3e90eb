/*---
materialized: incremental
unique_key: month_start
description: >
  Sales per calendar month, by the same definitions as daily_sales (customers and new customers
  are distinct within the month, not sums of days). A run recomputes the months its dates touched,
  as daily_sales does its days: the months of the orders with a record in its dates and of the
  store sales it loaded, and for a customer with such a sale before their first other purchase,
  the month of that purchase.
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
    where l.customer_id in (select customer_id from customers)
      or (l.customer_id is null and exists (select 1 from customers where customer_id is null))
  ),
  firsts as (
    select
      min(case when touched then sale_date end) as first_touched,
      min(case when counts_as_sale and not touched then sale_date end) as first_untouched
    from their_sales
    group by customer_id
  )
  select distinct cast(date_trunc('month', cast(d as timestamp)) as date) as month_start
  from (
    select order_date as d from orders_touched
    union select sale_date from store_touched
    union select first_untouched from firsts where first_touched < first_untouched
  ) as days
columns:
  month_start: First day of the month.
  orders: Counted online orders + store transactions.
  customers: Distinct customers with a counted purchase in the month.
  new_customers: Customers whose first counted purchase falls in the month.
  returning_customers: customers − new_customers.
  units: Units sold.
  gross_revenue: Σ quantity × unit price, USD.
  discounts: Σ discounts, USD.
  net_revenue: gross_revenue − discounts, USD.
  average_order_value: net_revenue / orders, USD.
  cancelled_orders: Online orders placed in the month and later cancelled.
  returned_orders: Online orders placed in the month and later returned.
checks:
  - unique: month_start
---*/
with counted as (
  select s.*, cast(date_trunc('month', cast(s.sale_date as timestamp)) as date) as month_start
  from {{ ref('sales_lines_base') }} as s
  where s.counts_as_sale
    and s.sale_date >= (select min(month_start) from {{ touched }} as t)
    and cast(date_trunc('month', cast(s.sale_date as timestamp)) as date) in (select month_start from {{ touched }} as t)
),

-- The first purchase of each customer buying in the months recomputed, over all their history.
buyers as (
  select distinct customer_id from counted
),

first_purchase as (
  select l.customer_id, cast(date_trunc('month', cast(min(l.sale_date) as timestamp)) as date) as first_month
  from {{ ref('sales_lines_base') }} as l
  where l.counts_as_sale
    and (l.customer_id in (select customer_id from buyers)
      or (l.customer_id is null and exists (select 1 from buyers where customer_id is null)))
  group by l.customer_id
),

per_month as (
  select
    month_start,
    count(distinct sale_id) as orders,
    count(distinct customer_id) as customers,
    sum(quantity) as units,
    sum(gross_revenue) as gross_revenue,
    sum(discount_amount) as discounts,
    sum(net_revenue) as net_revenue
  from counted
  group by month_start
),

new_per_month as (
  select first_month as month_start, count(*) as new_customers from first_purchase group by first_month
),

not_counted as (
  select
    cast(date_trunc('month', cast(order_date as timestamp)) as date) as month_start,
    sum(case when is_cancelled then 1 else 0 end) as cancelled_orders,
    sum(case when is_returned then 1 else 0 end) as returned_orders
  from {{ ref('fact_orders') }}
  where order_date >= (select min(month_start) from {{ touched }} as t)
    and cast(date_trunc('month', cast(order_date as timestamp)) as date) in (select month_start from {{ touched }} as t)
  group by cast(date_trunc('month', cast(order_date as timestamp)) as date)
)

select
  p.month_start,
  p.orders,
  p.customers,
  coalesce(n.new_customers, 0) as new_customers,
  p.customers - coalesce(n.new_customers, 0) as returning_customers,
  p.units,
  p.gross_revenue,
  p.discounts,
  p.net_revenue,
  round(cast(p.net_revenue / p.orders as decimal(18, 6)), 2) as average_order_value,
  coalesce(c.cancelled_orders, 0) as cancelled_orders,
  coalesce(c.returned_orders, 0) as returned_orders
from per_month as p
left join new_per_month as n on n.month_start = p.month_start
left join not_counted as c on c.month_start = p.month_start
