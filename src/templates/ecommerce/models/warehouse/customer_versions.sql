/*---
materialized: view
description: >
  dim_customer prepared for fact lookups: a fact at time t takes the version with
  applies_from <= t < valid_to. applies_from is valid_from except for a customer's first version,
  which applies to everything before it too (null), so an event stamped just before the customer
  record still finds its customer.
columns:
  customer_sk: Surrogate key of the version.
  customer_id: Natural key.
  region: Sales region of the version.
  applies_from: Start of the time the version answers for; null for the first version.
  valid_to: End of the version; null while current.
---*/
select
  customer_sk,
  customer_id,
  region,
  case
    when row_number() over (partition by customer_id order by valid_from) = 1 then null
    else valid_from
  end as applies_from,
  valid_to
from {{ ref('dim_customer') }}
