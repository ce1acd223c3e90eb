/*---
materialized: view
description: >
  The subscription change log: one row per change, holding the full state after it, and the MRR
  that state is worth. MRR is the monthly value of a paying state: unit price × seats, an annual
  price divided by 12. Trials and canceled subscriptions are worth 0; past_due still counts (the
  customer has not left until the retries give up and the subscription is canceled).

  Subscription periods (the subscription_periods feed) are read as changes too: each period is a
  subscription of its own (named by its subscription id, or its account, and its start), created
  on its start day (active, monthly, one seat at the monthly amount) and canceled on its end day
  once that day is loaded (an end is exclusive: the account no longer pays that day). A period
  that follows another on the day it ends moves the account's MRR from one amount to the next.
  The first periods export is history: its starts and ends count from their own day (load_date
  is that day, or the export's for a start after it). A later export's changes count from its load date at the earliest, like any late
  change (a change it repeats keeps its first delivery), so loading exports one by one and
  rebuilding give the same days.
columns:
  subscription_id: Natural key of the subscription (of a period, its id or account, '/', its start).
  account_id: Owning account.
  plan_id: Plan after the change.
  billing_cycle: monthly or annual.
  seats: Seats after the change.
  status: trialing, active, past_due or canceled.
  change_type: What changed (created, trial_converted, upgraded, canceled, reactivated, ...).
  unit_price: Per seat per billing period, USD.
  mrr: Monthly recurring revenue of the state after the change, USD.
  effective_at: When the change took effect (UTC).
  started_at: Day the subscription was first created.
  trial_end: Last trial day, for trials.
  canceled_at: When it was canceled.
  cancel_reason: voluntary, payment_failed or trial_expired; null for periods (an export says no reason).
  load_date: Load date of the file that brought the change; for a period's change, see above.
---*/
with periods as (
  select
    p.*,
    concat(coalesce(p.subscription_id, p.account_id), '/', cast(p.start_date as varchar)) as period_id,
    (select min(f.load_date) from {{ ref('subscription_periods') }} as f) as first_load
  from {{ ref('subscription_periods') }} as p
),

changes as (
  select
    subscription_id, account_id, plan_id, billing_cycle, seats, status, change_type, unit_price,
    effective_at, started_at, trial_end, canceled_at, cancel_reason, load_date
  from {{ ref('subscriptions') }}
  union all
  select
    period_id, account_id, plan_id, 'monthly', 1, 'active', 'created', monthly_amount,
    cast(start_date as timestamp), start_date, cast(null as date), cast(null as timestamp),
    cast(null as varchar),
    case when load_date = first_load then least(start_date, load_date) else load_date end
  from periods
  union all
  select
    period_id, account_id, plan_id, 'monthly', 1, 'canceled', 'canceled', monthly_amount,
    cast(end_date as timestamp), start_date, cast(null as date), cast(end_date as timestamp),
    cast(null as varchar),
    case when load_date = first_load then least(end_date, load_date) else load_date end
  from periods
  where end_date <= load_date
)

select
  subscription_id,
  account_id,
  plan_id,
  billing_cycle,
  seats,
  status,
  change_type,
  unit_price,
  cast(
    case
      when status in ('active', 'past_due') and billing_cycle = 'annual' then unit_price * seats / 12
      when status in ('active', 'past_due') then unit_price * seats
      else 0
    end as decimal(14, 4)
  ) as mrr,
  effective_at,
  started_at,
  trial_end,
  canceled_at,
  cancel_reason,
  load_date
from changes
