/*---
materialized: table
description: >
  Sales per calendar month, by the same definitions as daily_sales (customers and new customers
  are distinct within the month, not sums of days).
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
  select s.*, cast(date_trunc('month', s.sale_date) as date) as month_start
  from {{ ref('sales_lines') }} as s
  where s.counts_as_sale
),

first_purchase as (
  select customer_id, min(month_start) as first_month from counted group by customer_id
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
    cast(date_trunc('month', order_date) as date) as month_start,
    sum(case when is_cancelled then 1 else 0 end) as cancelled_orders,
    sum(case when is_returned then 1 else 0 end) as returned_orders
  from {{ ref('fact_orders') }}
  group by cast(date_trunc('month', order_date) as date)
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
