/*---
materialized: incremental
unique_key: month_start
description: >
  MRR movements per account and month, end of month against end of the previous month:
  new (from zero, first MRR ever), reactivation (from zero, had MRR before), expansion (up),
  contraction (down, not to zero), churn (to zero). Exactly one movement per row, so
  mrr_end = mrr_start + new + reactivation + expansion − contraction − churn holds row by row.
  A trial converting is new MRR; a mid-month upgrade counts once, in its month, as the difference
  of the two month ends; an annual plan counts a twelfth of its price every month. A run
  recomputes the months account_mrr_monthly recomputes (every month from the one of the first day
  it changes on).
touched: |
  select distinct d.month_start
  from {{ ref('dim_date') }} as d
  where d.month_start >= cast(date_trunc('month', coalesce(
      (select max(f.snapshot_date) from {{ ref('fact_subscription_daily') }} as f
       where f.snapshot_date < {{ date_from }}) + 1,
      {{ date_from }})) as date)
    or exists (
      select 1 from {{ ref('stg_subscriptions') }} as s
      where s.load_date between {{ date_from }} and {{ date_to }}
        and s.status = 'canceled' and s.cancel_reason in ('voluntary', 'payment_failed')
        and s.effective_at < (select min(x.snapshot_date) from {{ ref('fact_subscription_daily') }} as x)
    )
columns:
  month_start: First day of the month.
  account_id: Account.
  movement: new, reactivation, expansion, contraction, churn or none.
  mrr_start: MRR at the end of the previous month, USD.
  mrr_end: MRR at the end of the month, USD.
  new_mrr: MRR of a new account, USD.
  reactivation_mrr: MRR of an account coming back, USD.
  expansion_mrr: Increase, USD.
  contraction_mrr: Decrease of an account that stays, USD.
  churned_mrr: MRR lost by an account going to zero, USD.
checks:
  - unique: [month_start, account_id]
  - expression: mrr_end = mrr_start + new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churned_mrr
    name: mrr_identity_per_account
---*/
with classified as (
  select
    a.*,
    case
      when a.mrr_start = 0 and a.mrr_end > 0 and a.first_paid_date >= a.month_start and not a.paid_before_loading
        then 'new'
      when a.mrr_start = 0 and a.mrr_end > 0 then 'reactivation'
      when a.mrr_start > 0 and a.mrr_end = 0 then 'churn'
      when a.mrr_end > a.mrr_start then 'expansion'
      when a.mrr_end < a.mrr_start then 'contraction'
      else 'none'
    end as movement
  from {{ ref('account_mrr_monthly') }} as a
  where a.month_start in (select month_start from {{ touched }} as t)
)

select
  month_start,
  account_id,
  movement,
  mrr_start,
  mrr_end,
  case when movement = 'new' then mrr_end else 0 end as new_mrr,
  case when movement = 'reactivation' then mrr_end else 0 end as reactivation_mrr,
  case when movement = 'expansion' then mrr_end - mrr_start else 0 end as expansion_mrr,
  case when movement = 'contraction' then mrr_start - mrr_end else 0 end as contraction_mrr,
  case when movement = 'churn' then mrr_start else 0 end as churned_mrr
from classified
