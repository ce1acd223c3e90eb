/*---
materialized: table
description: >
  Customers grouped by the month of their first counted purchase (the cohort); for each later
  month k, the share of the cohort that bought again in that month. Month 0 is the cohort month
  itself (100%).
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
with purchases as (
  select distinct customer_id, cast(date_trunc('month', sale_date) as date) as activity_month
  from {{ ref('sales_lines') }}
  where counts_as_sale and customer_id <> 'UNKNOWN'
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
