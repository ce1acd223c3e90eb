/*---
materialized: view
description: >
  Each recorded state of a subscription and the days it is the state the warehouse knows. A change
  counts from the day it took effect, or from the day its file was loaded when it arrived late
  (known_from); it stays the known state until a later change becomes known (known_until, the
  first day it no longer is). So the state of a day depends only on what had been loaded by that
  day: loading day by day and rebuilding everything give the same daily snapshots, and a late
  change shows from the day it arrived. A state superseded before it became known has no days.
  The same change delivered twice (in two files) counts once, from its first load.
columns:
  subscription_id: Subscription.
  account_id: Owning account.
  plan_id: Plan of the state.
  billing_cycle: monthly or annual.
  seats: Seats.
  status: trialing, active, past_due or canceled.
  change_type: The change that led to the state.
  unit_price: Per seat per billing period, USD.
  mrr: Monthly recurring revenue of the state, USD.
  effective_at: When the change took effect.
  cancel_reason: Why it was canceled, for canceled states.
  known_from: First day the state is known.
  known_until: First day it no longer is; null while it is the newest.
---*/
with changes as (
  select
    s.*,
    row_number() over (
      partition by s.subscription_id, s.change_type, s.effective_at order by s.load_date
    ) as delivery
  from {{ ref('stg_subscriptions') }} as s
),

ordered as (
  select
    c.*,
    greatest(cast(c.effective_at as date), c.load_date) as known_from,
    -- Changes at the same instant apply in the order a subscription's life goes through them.
    case c.change_type
      when 'initial_load' then 0 when 'created' then 1 when 'trial_started' then 2
      when 'trial_converted' then 3 when 'trial_expired' then 4 when 'renewed' then 6
      when 'payment_failed' then 7 when 'payment_recovered' then 8 when 'canceled' then 9
      when 'reactivated' then 10 else 5
    end as change_rank
  from changes as c
  where c.delivery = 1
),

superseded as (
  select
    o.*,
    min(o.known_from) over (
      partition by o.subscription_id
      order by o.effective_at desc, o.change_rank desc
      rows between unbounded preceding and 1 preceding
    ) as known_until
  from ordered as o
)

select
  subscription_id, account_id, plan_id, billing_cycle, seats, status, change_type, unit_price, mrr,
  effective_at, cancel_reason, known_from, known_until
from superseded
where known_until is null or known_until > known_from
