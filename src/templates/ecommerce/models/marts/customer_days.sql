/*---
materialized: table
description: >
  Each customer's counted purchases per day, online and in store together (counted sales only, as
  in daily_sales). Distinct customers over any period are counted from here without reading every
  sold line again: the dashboards' customer figures for a chosen period read it.
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
from {{ ref('sales_lines') }}
where counts_as_sale
group by sale_date, customer_id
