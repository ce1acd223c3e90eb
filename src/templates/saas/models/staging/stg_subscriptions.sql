/*---
materialized: view
description: >
  The subscription change log: one row per change, holding the full state after it, and the MRR
  that state is worth. MRR is the monthly value of a paying state: unit price × seats, an annual
  price divided by 12. Trials and canceled subscriptions are worth 0; past_due still counts (the
  customer has not left until the retries give up and the subscription is canceled).
columns:
  subscription_id: Natural key of the subscription.
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
  cancel_reason: voluntary, payment_failed or trial_expired.
  load_date: Load date of the file that brought the change.
---*/
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
from {{ ref('subscriptions') }}
