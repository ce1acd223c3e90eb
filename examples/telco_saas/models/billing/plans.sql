/*---
materialized: table
description: >
  The pack's price list (the "plans" feed), one plan per Telco contract type, so the pack's MRR by
  plan answers per-contract questions. Telco prices each customer by the services taken (phone,
  internet, streaming ...), not by the contract, so a plan has no list price: monthly_price and
  annual_price are null and each subscription carries what its customer pays (unit_price).
  Billing is monthly on every contract; a one- or two-year contract is a commitment, not an
  annual invoice. Tier ranks the commitment, so moving to a longer contract would count as an
  upgrade.
columns:
  plan_id: month-to-month, one-year or two-year.
  name: The contract type as the Telco file spells it (Month-to-month, One year, Two year).
  tier: Rank of the commitment, 0-2.
  monthly_price: Null (no list price).
  annual_price: Null (no list price).
  max_seats: Null (a subscription is one customer, one seat).
  trial_days: 0 (no trials).
  features: Null.
  updated_at: The snapshot date, as a timestamp.
  load_date: The snapshot date (load date of the Telco file).
---*/
with contracts (plan_id, name, tier) as (
  values ('month-to-month', 'Month-to-month', 0), ('one-year', 'One year', 1), ('two-year', 'Two year', 2)
),

snapshot as (
  select max(load_date) as load_date from {{ ref('telco') }}
)

select
  c.plan_id,
  c.name,
  cast(c.tier as integer) as tier,
  cast(null as decimal(12, 2)) as monthly_price,
  cast(null as decimal(12, 2)) as annual_price,
  cast(null as integer) as max_seats,
  0 as trial_days,
  cast(null as varchar) as features,
  cast(s.load_date as timestamp) as updated_at,
  s.load_date
from contracts as c
cross join snapshot as s
