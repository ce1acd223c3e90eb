/*---
materialized: table
description: >
  One row per order line. Revenue is unit price × quantity × (1 − discount). Order columns are
  null for lines whose order was quarantined (see audit.bad_records).
unique_key: [order_id, product_id]
---*/
select
  d.order_id,
  d.product_id,
  o.customer_id,
  o.employee_id,
  o.order_date,
  d.unit_price,
  d.quantity,
  d.discount,
  d.unit_price * d.quantity as gross_revenue,
  d.unit_price * d.quantity * (1 - d.discount) as revenue
from {{ ref('order_details') }} as d
left join {{ ref('orders') }} as o on o.order_id = d.order_id
