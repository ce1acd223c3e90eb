/*---
materialized: view
description: >
  The price list as each day's snapshot gave it. Prices are per seat: monthly_price per month on
  monthly billing, annual_price per year on annual billing.
columns:
  plan_id: free, starter, pro or enterprise.
  plan_name: Display name.
  tier: Rank 0-3; upgrades go up, downgrades down.
  monthly_price: Per seat per month, USD.
  annual_price: Per seat per year, USD.
  max_seats: Seat limit; null when unlimited.
  trial_days: Length of the free trial.
  features: Features included, as the JSON array the export gave.
  updated_at: When the price list was exported.
  load_date: Load date of the snapshot.
---*/
select
  plan_id,
  trim(name) as plan_name,
  tier,
  monthly_price,
  annual_price,
  max_seats,
  trial_days,
  features,
  updated_at,
  load_date
from {{ ref('plans') }}
