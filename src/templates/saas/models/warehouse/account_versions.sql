/*---
materialized: view
description: >
  dim_account prepared for fact lookups: a fact at time t takes the version with
  applies_from <= t < applies_until. An account's first version also answers for everything before
  it (applies_from -infinity), so a subscription stamped before its account record still finds it;
  applies_until is valid_to, infinity while current. Closed bounds (no nulls) keep the lookup a
  plain range join, which the engines run fast.
columns:
  account_sk: Surrogate key of the version.
  account_id: Natural key.
  country: Country of the version.
  industry: Industry of the version.
  company_size: Employees band of the version.
  applies_from: Start of the time the version answers for; -infinity for the first version.
  applies_until: End of the version; infinity while current.
---*/
select
  account_sk,
  account_id,
  country,
  industry,
  company_size,
  case
    when row_number() over (partition by account_id order by valid_from) = 1 then cast('-infinity' as timestamp)
    else valid_from
  end as applies_from,
  coalesce(valid_to, cast('infinity' as timestamp)) as applies_until
from {{ ref('dim_account') }}
