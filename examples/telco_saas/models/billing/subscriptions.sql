/*---
materialized: table
description: >
  The pack's subscription change log (the "subscriptions" feed) made from subscription periods:
  a 'created' record (active, monthly, one seat at the period's monthly amount) when a period
  starts, and a 'canceled' record when it ends by the export date (an end after it is not known
  yet, so the period stays active). A period is one subscription; an account with consecutive
  periods moves from one to the next, which the pack sees as the account's MRR changing.

  Each change is dated the day it took effect and counted as loaded that day (load_date), so the
  export is a backfill of history: the pack's daily snapshots (subscription_states,
  fact_subscription_daily) show every day as it was, not everything arriving on the export date.
columns:
  subscription_id: The period's id.
  account_id: Owning account.
  plan_id: The period's plan.
  billing_cycle: Always monthly.
  seats: Always 1 (one customer, one seat).
  status: active after 'created', canceled after 'canceled'.
  change_type: created or canceled.
  unit_price: The period's monthly amount, USD (MRR = unit_price × seats).
  effective_at: Midnight (UTC) of the start or end day.
  started_at: First day of the period.
  trial_end: Null (no trials).
  canceled_at: Midnight of the end day, on the canceled record.
  cancel_reason: voluntary on the canceled record (the export says nothing of failed payments).
  load_date: The day of effective_at.
---*/
select
  period_id as subscription_id,
  account_id,
  plan_id,
  'monthly' as billing_cycle,
  1 as seats,
  'active' as status,
  'created' as change_type,
  monthly_amount as unit_price,
  cast(started_on as timestamp) as effective_at,
  started_on as started_at,
  cast(null as date) as trial_end,
  cast(null as timestamp) as canceled_at,
  cast(null as varchar) as cancel_reason,
  started_on as load_date
from {{ ref('periods') }}
union all
select
  period_id,
  account_id,
  plan_id,
  'monthly',
  1,
  'canceled',
  'canceled',
  monthly_amount,
  cast(ended_on as timestamp),
  started_on,
  null,
  cast(ended_on as timestamp),
  'voluntary',
  ended_on
from {{ ref('periods') }}
where ended_on is not null and ended_on <= exported_on
