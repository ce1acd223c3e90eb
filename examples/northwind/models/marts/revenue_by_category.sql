/*---
materialized: table
description: Net revenue, units and orders per product category, over every order line.
unique_key: category_id
---*/
select
  p.category_id,
  p.category_name,
  count(distinct l.order_id) as orders,
  sum(l.quantity) as units,
  sum(l.gross_revenue) as gross_revenue,
  sum(l.revenue) as revenue
from {{ ref('fct_order_lines') }} as l
join {{ ref('dim_products') }} as p on p.product_id = l.product_id
group by p.category_id, p.category_name
