/*---
materialized: table
unique_key: plan_id
description: >
  One row per plan, as the newest price list gives it, plus the UNKNOWN plan for subscriptions on
  a plan the price list does not hold. Prices are per seat.
columns:
  plan_sk: Surrogate key (md5 of plan_id).
  plan_id: free, starter, pro, enterprise; 'UNKNOWN' for the unknown member.
  plan_name: Display name.
  tier: Rank 0-3 (-1 for UNKNOWN).
  monthly_price: Per seat per month, USD.
  annual_price: Per seat per year, USD.
  annual_monthly_equivalent: annual_price / 12, USD.
  max_seats: Seat limit; null when unlimited.
  trial_days: Length of the free trial.
  features: Features included (JSON array).
  updated_at: When the price list was exported.
checks:
  - unique: plan_id
---*/
with ranked as (
  select
    p.*,
    row_number() over (partition by p.plan_id order by p.load_date desc, p.updated_at desc) as newest
  from {{ ref('stg_plans') }} as p
)

select
  md5(plan_id) as plan_sk,
  plan_id,
  plan_name,
  tier,
  monthly_price,
  annual_price,
  cast(annual_price / 12 as decimal(14, 4)) as annual_monthly_equivalent,
  max_seats,
  trial_days,
  features,
  updated_at
from ranked
where newest = 1
union all
select
  md5('UNKNOWN'), 'UNKNOWN', 'Unknown', -1, null, null, null, null, null, null, null
