/*---
materialized: table
description: Revenue per order day from the latest status of each order; cancelled orders excluded.
columns:
  order_date: Day the orders were placed.
  orders: Orders placed that day and not cancelled.
  revenue: Sum of their amounts.
---*/
select
  cast(f.ordered_at as date) as order_date,
  count(*) as orders,
  sum(s.amount) as revenue
from {{ ref('order_status') }} as s
join (select distinct order_id, ordered_at from {{ ref('fact_orders') }}) as f using (order_id)
where s.status <> 'cancelled'
group by 1
order by 1
