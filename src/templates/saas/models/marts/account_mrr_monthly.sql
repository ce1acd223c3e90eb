/*---
materialized: incremental
unique_key: month_start
description: >
  Account × month: MRR at the end of the month and at the end of the month before, the base of
  every movement. A month ends on its last day, or for the month still running on the last day
  loaded (of any SaaS export, see snapshot_days: a day on which every remaining subscription has
  ended still counts, its MRR 0); the first month loaded opens with the first day loaded (the
  opening balance). An account has a row for every month it ends or starts with MRR.
  first_paid_date, with paid_before_loading, tells a new account from one coming back.
  A run recomputes every month from the one of the first day it changes on: the days its dates
  built in fact_subscription_daily, and the days the calendar gained before them (a new last day
  loaded moves the running month's end, a month's end is the next one's opening). Every month
  when its subscription records hold a paid cancellation from before the first day loaded (it
  makes the account one that paid before loading, in all its months). first_paid_date is still
  read from the account's whole paying history (one aggregate over the paying snapshot rows of
  the accounts recomputed).
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
  month_end: The day whose snapshot ends the month.
  opening_day: "The day whose snapshot opens it: the previous month's end, or the first day loaded."
  account_id: Account.
  mrr_start: MRR at the opening day, USD (0 when none).
  mrr_end: MRR at the end of this month, USD (0 when none).
  first_paid_date: First day the account had MRR (in the data loaded).
  paid_before_loading: A subscription of the account was canceled after paying before the first day loaded.
checks:
  - unique: [month_start, account_id]
---*/
-- The months of the calendar (snapshot_days), which runs to the last day loaded even when no
-- account has a live subscription that day (so churn on the last day loaded is counted).
with months as (
  select month_start, max(date_day) as month_end
  from {{ ref('snapshot_days') }}
  group by month_start
),

-- A month opens with the previous month's end; the first month with the first day loaded, the
-- opening balance (so the subscriptions the first export holds are not all "new").
periods as (
  select
    m.month_start,
    m.month_end,
    coalesce(
      lag(m.month_end) over (order by m.month_start),
      (select date_day from {{ ref('snapshot_days') }} where is_first_day)
    ) as opening_day
  from months as m
),

-- Only the months the run recomputes.
recomputed as (
  select * from periods where month_start in (select month_start from {{ touched }} as t)
),

paying as (
  select snapshot_date, account_id, mrr
  from {{ ref('fact_subscription_daily') }}
  where mrr > 0
    and snapshot_date in (select opening_day from recomputed union select month_end from recomputed)
),

spans as (
  select distinct p.month_start, p.month_end, p.opening_day, x.account_id
  from recomputed as p
  inner join paying as x on x.snapshot_date in (p.opening_day, p.month_end)
),

first_paid as (
  select f.account_id, min(f.snapshot_date) as first_paid_date
  from {{ ref('fact_subscription_daily') }} as f
  where f.mrr > 0 and f.account_id in (select account_id from spans)
  group by f.account_id
),

-- A subscription canceled before the first day loaded, other than an expired trial, was paid for:
-- its account coming back is a reactivation, not new.
paid_before_loading as (
  select distinct s.account_id
  from {{ ref('subscription_states') }} as s
  where s.status = 'canceled' and s.cancel_reason in ('voluntary', 'payment_failed')
    and s.effective_at < (select date_day from {{ ref('snapshot_days') }} where is_first_day)
    and s.account_id in (select account_id from spans)
)

select
  s.month_start,
  s.month_end,
  s.opening_day,
  s.account_id,
  cast(coalesce(o.mrr, 0) as decimal(14, 4)) as mrr_start,
  cast(coalesce(e.mrr, 0) as decimal(14, 4)) as mrr_end,
  fp.first_paid_date,
  pb.account_id is not null as paid_before_loading
from spans as s
left join paying as o on o.snapshot_date = s.opening_day and o.account_id = s.account_id
left join paying as e on e.snapshot_date = s.month_end and e.account_id = s.account_id
left join first_paid as fp on fp.account_id = s.account_id
left join paid_before_loading as pb on pb.account_id = s.account_id
