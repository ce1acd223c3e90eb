/*---
materialized: incremental
unique_key: sale_date
description: >
  Each customer's counted purchases per day, online and in store together (counted sales only, as
  in daily_sales). Distinct customers over any period are counted from here without reading every
  sold line again: the dashboards' customer figures for a chosen period read it. A run recomputes
  the days of the orders with a record in its dates (by the record's load date) and of the store
  sales it loaded.
touched: |
  select o.order_date as sale_date from {{ ref('fact_orders') }} as o
  where o.order_id in (
    select order_id from {{ ref('stg_orders') }} where load_date between {{ date_from }} and {{ date_to }}
  )
  union
  select sale_date from {{ ref('fact_store_sales') }}
  where load_date between {{ date_from }} and {{ date_to }}
columns:
  sale_date: The day.
  customer_id: The buyer (null for sales without a known customer, kept so revenue adds up).
  orders: Counted orders and store transactions of the customer that day.
  net_revenue: Their net revenue, USD.
checks:
  - unique: [sale_date, customer_id]
---*/
select
  sale_date,
  customer_id,
  count(distinct sale_id) as orders,
  sum(net_revenue) as net_revenue
from {{ ref('sales_lines_base') }}
where counts_as_sale and sale_date in (select sale_date from {{ touched }} as t)
group by sale_date, customer_id
