/*---
materialized: table
description: >
  Revenue (quantity × unit price, postage included) per country and month, cancellations
  excluded.
unique_key: [country, month]
---*/
select
  country,
  cast(date_trunc('month', invoice_date) as date) as month,
  count(distinct invoice_no) as invoices,
  count(distinct customer_id) as customers,
  count(*) as lines,
  sum(quantity) as units,
  sum(line_amount) as revenue
from {{ ref('fct_sales') }}
where not is_cancellation
group by country, cast(date_trunc('month', invoice_date) as date)
