/*---
materialized: view
description: >
  dim_customer prepared for fact lookups: a fact at time t takes the version with
  applies_from <= t < applies_until. applies_from is valid_from except for a customer's first
  version, which applies to everything before it too (-infinity), so an event stamped just before
  the customer record still finds its customer; applies_until is valid_to, infinity while current.
  Closed bounds (no nulls) keep the lookup a plain range join, which the engines run fast.
columns:
  customer_sk: Surrogate key of the version.
  customer_id: Natural key.
  region: Sales region of the version.
  applies_from: Start of the time the version answers for; -infinity for the first version.
  applies_until: End of the version; infinity while current.
---*/
select
  customer_sk,
  customer_id,
  region,
  case
    when row_number() over (partition by customer_id order by valid_from) = 1 then cast('-infinity' as timestamp)
    else valid_from
  end as applies_from,
  coalesce(valid_to, cast('infinity' as timestamp)) as applies_until
from {{ ref('dim_customer') }}
