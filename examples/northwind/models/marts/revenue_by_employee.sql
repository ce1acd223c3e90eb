/*---
materialized: table
description: >
  Net revenue and orders per sales employee, over the order lines whose order was staged
  (an order line whose order was quarantined has no employee).
unique_key: employee_id
---*/
select
  e.employee_id,
  e.employee_name,
  e.title,
  count(distinct l.order_id) as orders,
  sum(l.revenue) as revenue,
  min(l.order_date) as first_order_date,
  max(l.order_date) as last_order_date
from {{ ref('fct_order_lines') }} as l
join {{ ref('dim_employees') }} as e on e.employee_id = l.employee_id
group by e.employee_id, e.employee_name, e.title
