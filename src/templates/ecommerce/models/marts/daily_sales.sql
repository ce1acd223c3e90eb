/*---
materialized: incremental
unique_key: sale_date
description: >
  Sales per day, online orders and store sales together. Only orders neither cancelled nor
  returned count (orders, customers, revenue); cancelled_orders and returned_orders count the others
  by the day they were placed. A customer is new on the day of their first counted purchase in any
  channel, returning on every later day they buy. A run recomputes the days its dates touched: the
  days of the orders with a record in them (by the record's load date: an order updated today is
  recounted on the day it was placed) and of the store sales loaded, and for a customer with such a
  sale before their first other purchase, the day of that purchase (their first purchase may have
  moved from it or to it).
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
  select order_date as sale_date from orders_touched
  union select sale_date from store_touched
  union select first_untouched from firsts where first_touched < first_untouched
columns:
  sale_date: The day.
  orders: Counted online orders + store transactions.
  online_orders: Counted online orders.
  store_transactions: Store transactions.
  customers: Distinct customers with a counted purchase.
  new_customers: Customers whose first counted purchase is this day.
  returning_customers: customers − new_customers.
  units: Units sold.
  gross_revenue: Σ quantity × unit price, USD.
  discounts: Σ discounts, USD.
  net_revenue: gross_revenue − discounts, USD.
  average_order_value: net_revenue / orders, USD.
  cancelled_orders: Online orders placed this day and later cancelled.
  returned_orders: Online orders placed this day and later returned.
checks:
  - unique: sale_date
---*/
with counted as (
  select * from {{ ref('sales_lines_base') }}
  where counts_as_sale and sale_date in (select sale_date from {{ touched }} as t)
),

-- The first purchase of each customer buying on the days recomputed, over all their history.
buyers as (
  select distinct customer_id from counted
),

first_purchase as (
  select l.customer_id, min(l.sale_date) as first_date
  from {{ ref('sales_lines_base') }} as l
  where l.counts_as_sale
    and (l.customer_id in (select customer_id from buyers)
      or (l.customer_id is null and exists (select 1 from buyers where customer_id is null)))
  group by l.customer_id
),

per_day as (
  select
    sale_date,
    count(distinct sale_id) as orders,
    count(distinct case when channel <> 'store' then sale_id end) as online_orders,
    count(distinct case when channel = 'store' then sale_id end) as store_transactions,
    count(distinct customer_id) as customers,
    sum(quantity) as units,
    sum(gross_revenue) as gross_revenue,
    sum(discount_amount) as discounts,
    sum(net_revenue) as net_revenue
  from counted
  group by sale_date
),

new_per_day as (
  select first_date as sale_date, count(*) as new_customers from first_purchase group by first_date
),

not_counted as (
  select
    order_date as sale_date,
    sum(case when is_cancelled then 1 else 0 end) as cancelled_orders,
    sum(case when is_returned then 1 else 0 end) as returned_orders
  from {{ ref('fact_orders') }}
  where order_date in (select sale_date from {{ touched }} as t)
  group by order_date
),

days as (
  select sale_date from per_day
  union
  select sale_date from not_counted
)

select
  d.sale_date,
  coalesce(p.orders, 0) as orders,
  coalesce(p.online_orders, 0) as online_orders,
  coalesce(p.store_transactions, 0) as store_transactions,
  coalesce(p.customers, 0) as customers,
  coalesce(n.new_customers, 0) as new_customers,
  coalesce(p.customers, 0) - coalesce(n.new_customers, 0) as returning_customers,
  coalesce(p.units, 0) as units,
  coalesce(p.gross_revenue, 0) as gross_revenue,
  coalesce(p.discounts, 0) as discounts,
  coalesce(p.net_revenue, 0) as net_revenue,
  case when p.orders > 0 then round(cast(p.net_revenue / p.orders as decimal(18, 6)), 2) end as average_order_value,
  coalesce(c.cancelled_orders, 0) as cancelled_orders,
  coalesce(c.returned_orders, 0) as returned_orders
from days as d
left join per_day as p on p.sale_date = d.sale_date
left join new_per_day as n on n.sale_date = d.sale_date
left join not_counted as c on c.sale_date = d.sale_date
