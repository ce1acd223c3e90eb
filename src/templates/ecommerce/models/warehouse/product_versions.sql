/*---
materialized: view
description: >
  dim_product prepared for fact lookups: a fact at time t takes the version with
  applies_from <= t < valid_to. applies_from is valid_from except for a product's first version,
  which applies to everything before it too (null).
columns:
  product_sk: Surrogate key of the version.
  product_id: Natural key.
  price: List price of the version, USD.
  cost: Unit cost of the version, USD.
  applies_from: Start of the time the version answers for; null for the first version.
  valid_to: End of the version; null while current.
---*/
select
  product_sk,
  product_id,
  price,
  cost,
  case
    when row_number() over (partition by product_id order by valid_from) = 1 then null
    else valid_from
  end as applies_from,
  valid_to
from {{ ref('dim_product') }}
