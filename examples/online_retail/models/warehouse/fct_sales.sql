/*---
materialized: table
description: >
  One row per invoice line, flagged: cancellations (invoice number starting with C, negative
  quantity) and non-product lines (postage, discounts, manual adjustments).
---*/
select
  invoice_no,
  stock_code,
  description,
  quantity,
  unit_price,
  quantity * unit_price as line_amount,
  invoiced_at,
  cast(invoiced_at as date) as invoice_date,
  customer_id,
  country,
  invoice_no like 'C%' as is_cancellation,
  stock_code in ('POST', 'DOT', 'D', 'M', 'C2', 'CRUK', 'BANK CHARGES', 'AMAZONFEE', 'PADS') as is_non_product
from {{ ref('invoice_lines') }}
