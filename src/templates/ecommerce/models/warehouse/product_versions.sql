/*---
materialized: view
description: >
  dim_product prepared for fact lookups: a fact at time t takes the version with
  applies_from <= t < applies_until. applies_from is valid_from except for a product's first
  version, which applies to everything before it too (-infinity); applies_until is valid_to,
  infinity while current. Closed bounds (no nulls) keep the lookup a plain range join.
columns:
  product_sk: Surrogate key of the version.
  product_id: Natural key.
  price: List price of the version, USD.
  cost: Unit cost of the version, USD.
  applies_from: Start of the time the version answers for; -infinity for the first version.
  applies_until: End of the version; infinity while current.
---*/
select
  product_sk,
  product_id,
  price,
  cost,
  case
    when row_number() over (partition by product_id order by valid_from) = 1 then cast('-infinity' as timestamp)
    else valid_from
  end as applies_from,
  coalesce(valid_to, cast('infinity' as timestamp)) as applies_until
from {{ ref('dim_product') }}
