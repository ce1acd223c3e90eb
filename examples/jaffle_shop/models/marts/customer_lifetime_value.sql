/*---
materialized: table
description: Per customer, first and latest order, number of orders and lifetime value (all payments on their orders).
unique_key: customer_id
---*/
select
  c.customer_id,
  c.display_name,
  min(o.order_date) as first_order_date,
  max(o.order_date) as most_recent_order_date,
  count(o.order_id) as orders,
  coalesce(sum(o.amount), 0) as lifetime_value
from {{ ref('dim_customers') }} as c
left join {{ ref('fct_orders') }} as o on o.customer_id = c.customer_id
group by c.customer_id, c.display_name
