/*---
materialized: table
description: Cancelled invoices with the amount they took back (a positive number).
unique_key: invoice_no
---*/
select
  invoice_no,
  min(invoiced_at) as cancelled_at,
  min(customer_id) as customer_id,
  min(country) as country,
  count(*) as lines,
  -sum(line_amount) as amount_cancelled
from {{ ref('fct_sales') }}
where is_cancellation
group by invoice_no
