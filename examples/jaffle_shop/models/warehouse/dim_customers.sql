/*---
materialized: table
description: One row per customer.
unique_key: customer_id
---*/
select
  customer_id,
  first_name,
  last_initial,
  first_name || ' ' || coalesce(last_initial, '') as display_name
from {{ ref('customers') }}
