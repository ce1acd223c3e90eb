/*---
materialized: table
description: Employees with their manager's name.
unique_key: employee_id
---*/
select
  e.employee_id,
  e.first_name || ' ' || e.last_name as employee_name,
  e.title,
  e.hire_date,
  e.city,
  e.country,
  e.reports_to,
  m.first_name || ' ' || m.last_name as manager_name
from {{ ref('employees') }} as e
left join {{ ref('employees') }} as m on m.employee_id = e.reports_to
