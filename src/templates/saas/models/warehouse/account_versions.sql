/*---
materialized: view
description: >
  dim_account prepared for fact lookups: a fact at time t takes the version with
  applies_from <= t < valid_to. An account's first version also answers for everything before it
  (applies_from null), so a subscription stamped before its account record still finds it.
columns:
  account_sk: Surrogate key of the version.
  account_id: Natural key.
  country: Country of the version.
  industry: Industry of the version.
  company_size: Employees band of the version.
  applies_from: Start of the time the version answers for; null for the first version.
  valid_to: End of the version; null while current.
---*/
select
  account_sk,
  account_id,
  country,
  industry,
  company_size,
  case
    when row_number() over (partition by account_id order by valid_from) = 1 then null
    else valid_from
  end as applies_from,
  valid_to
from {{ ref('dim_account') }}
