/*---
materialized: incremental
unique_key: month_start
description: >
  The monthly SaaS scorecard: MRR, ARR, active (paying) accounts, ARPA and the churn and
  retention rates from mrr_movements; trial conversion by the month trials started; payments
  (failed-payment rate, cash collected, refunds) by the month they happened; and churn split
  into voluntary and involuntary (canceled after failed payments). A run recomputes the months
  mrr_movements recomputes (every month from the one of the first day it changes on), the months
  in which the trials of the subscriptions whose trial records it loaded started (a conversion
  counts in the trial's month), and the months of the payments it loaded.
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
  union
  select cast(date_trunc('month', t.effective_at) as date)
  from {{ ref('stg_subscriptions') }} as t
  where t.change_type = 'trial_started'
    and t.subscription_id in (
      select c.subscription_id from {{ ref('stg_subscriptions') }} as c
      where c.load_date between {{ date_from }} and {{ date_to }}
        and c.change_type in ('trial_started', 'trial_converted')
    )
  union
  select cast(date_trunc('month', x.transaction_date) as date)
  from {{ ref('fact_transactions') }} as x
  where x.load_date between {{ date_from }} and {{ date_to }}
columns:
  month_start: First day of the month.
  mrr: MRR at the end of the month, USD.
  arr: 12 × mrr, USD.
  active_accounts: Paying accounts at the end of the month.
  arpa: mrr / active_accounts, USD.
  logo_churn_rate: Churned accounts / paying accounts at the opening.
  gross_revenue_churn_rate: (churned + contraction MRR) / opening MRR.
  net_revenue_retention: (opening MRR + expansion − contraction − churn) / opening MRR.
  gross_revenue_retention: (opening MRR − contraction − churn) / opening MRR.
  trials_started: Trials that started in the month.
  trials_converted: Of those, how many converted to a paid plan (at any time since).
  trial_conversion_rate: trials_converted / trials_started.
  charges_attempted: Charges attempted in the month.
  charges_failed: Of those, how many failed.
  failed_payment_rate: charges_failed / charges_attempted.
  cash_collected: Succeeded charges − refunds, USD.
  refunds: Money refunded, USD (positive).
  churned_accounts: Accounts whose MRR went to zero.
  involuntary_churned_accounts: Of those, canceled because payments failed.
  involuntary_churned_mrr: MRR lost to involuntary churn, USD.
checks:
  - unique: month_start
  - range: { column: trial_conversion_rate, min: 0, max: 1 }
---*/
with months as (
  select month_start from {{ touched }} as t
),

trials as (
  select
    cast(date_trunc('month', t.effective_at) as date) as month_start,
    count(distinct t.subscription_id) as trials_started,
    count(distinct c.subscription_id) as trials_converted
  from {{ ref('stg_subscriptions') }} as t
  left join {{ ref('stg_subscriptions') }} as c
    on c.subscription_id = t.subscription_id
   and c.change_type = 'trial_converted'
   and c.effective_at >= t.effective_at
  where t.change_type = 'trial_started'
    and cast(date_trunc('month', t.effective_at) as date) in (select month_start from months)
  group by cast(date_trunc('month', t.effective_at) as date)
),

payments as (
  select
    cast(date_trunc('month', transaction_date) as date) as month_start,
    count(case when transaction_type = 'charge' then 1 end) as charges_attempted,
    count(case when is_failed_charge then 1 end) as charges_failed,
    sum(amount) as cash_collected,
    -sum(case when transaction_type = 'refund' then amount else 0 end) as refunds
  from {{ ref('fact_transactions') }}
  where transaction_date in (
    select d.date_day from {{ ref('dim_date') }} as d where d.month_start in (select month_start from months)
  )
  group by cast(date_trunc('month', transaction_date) as date)
),

churn as (
  select
    month_start,
    count(case when is_involuntary then 1 end) as involuntary_churned_accounts,
    sum(case when is_involuntary then mrr_lost else 0 end) as involuntary_churned_mrr
  from {{ ref('churned_accounts') }}
  where month_start in (select month_start from months)
  group by month_start
)

select
  m.month_start,
  m.mrr_end as mrr,
  cast(m.mrr_end * 12 as decimal(16, 4)) as arr,
  m.accounts_end as active_accounts,
  m.arpa,
  m.logo_churn_rate,
  m.gross_revenue_churn_rate,
  m.net_revenue_retention,
  m.gross_revenue_retention,
  cast(coalesce(t.trials_started, 0) as integer) as trials_started,
  cast(coalesce(t.trials_converted, 0) as integer) as trials_converted,
  cast(t.trials_converted as double precision) / nullif(t.trials_started, 0) as trial_conversion_rate,
  cast(coalesce(p.charges_attempted, 0) as integer) as charges_attempted,
  cast(coalesce(p.charges_failed, 0) as integer) as charges_failed,
  cast(p.charges_failed as double precision) / nullif(p.charges_attempted, 0) as failed_payment_rate,
  cast(coalesce(p.cash_collected, 0) as decimal(16, 2)) as cash_collected,
  cast(coalesce(p.refunds, 0) as decimal(16, 2)) as refunds,
  m.churned_accounts,
  cast(coalesce(c.involuntary_churned_accounts, 0) as integer) as involuntary_churned_accounts,
  cast(coalesce(c.involuntary_churned_mrr, 0) as decimal(16, 4)) as involuntary_churned_mrr
from {{ ref('mrr_movements') }} as m
left join trials as t on t.month_start = m.month_start
left join payments as p on p.month_start = m.month_start
left join churn as c on c.month_start = m.month_start
where m.month_start in (select month_start from months)
