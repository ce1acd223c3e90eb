/*---
materialized: incremental
unique_key: [cohort_month, months_since]
description: >
  Monthly cohorts by the month an account first paid: for each later month, the share of the
  cohort still paying at its end (logo retention) and their MRR against the cohort's MRR at the
  end of its first month (revenue retention, above 1 when expansion outweighs churn). Accounts
  already paying on the first day loaded have no known first month and belong to no cohort. A
  run recomputes, for every cohort, the months account_mrr_monthly recomputes (every month from
  the one of the first day it changes on): an account can only join or leave a cohort of those
  months, since its first paid day moves only when it is on or after that day.
touched: |
  with recomputed as (
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
  ),
  months as (
    select distinct month_start from {{ ref('snapshot_days') }}
  )
  select
    c.month_start as cohort_month,
    cast((extract(year from m.month_start) - extract(year from c.month_start)) * 12
      + extract(month from m.month_start) - extract(month from c.month_start) as integer) as months_since
  from months as c
  inner join months as m on m.month_start >= c.month_start
  where m.month_start in (select month_start from recomputed)
columns:
  cohort_month: Month the accounts first paid.
  months_since: 0 for the cohort month, 1 for the next, ...
  cohort_accounts: Accounts in the cohort.
  retained_accounts: Of them, paying at the end of the month.
  logo_retention: retained_accounts / cohort_accounts.
  cohort_mrr: The cohort's MRR at the end of its first month, USD.
  retained_mrr: The cohort's MRR at the end of the month, USD.
  revenue_retention: retained_mrr / cohort_mrr.
checks:
  - unique: [cohort_month, months_since]
---*/
with cells as (
  select cohort_month, months_since from {{ touched }} as t
),

cohorts as (
  select account_id, cast(date_trunc('month', first_paid_date) as date) as cohort_month
  from {{ ref('account_mrr_monthly') }}
  where first_paid_date > (select min(opening_day) from {{ ref('account_mrr_monthly') }})
    and not paid_before_loading
    and cast(date_trunc('month', first_paid_date) as date) in (select cohort_month from cells)
  group by account_id, cast(date_trunc('month', first_paid_date) as date)
),

sizes as (
  select c.cohort_month, count(*) as cohort_accounts, sum(coalesce(m.mrr_end, 0)) as cohort_mrr
  from cohorts as c
  left join {{ ref('account_mrr_monthly') }} as m
    on m.account_id = c.account_id and m.month_start = c.cohort_month
  group by c.cohort_month
),

months as (
  select distinct month_start from {{ ref('snapshot_days') }}
),

-- The (cohort, month) cells recomputed.
cohort_months as (
  select c.cohort_month, mo.month_start
  from (select distinct cohort_month from cohorts) as c
  inner join months as mo on mo.month_start >= c.cohort_month
  where exists (
    select 1 from cells as k
    where k.cohort_month = c.cohort_month
      and k.months_since = cast((extract(year from mo.month_start) - extract(year from c.cohort_month)) * 12
        + extract(month from mo.month_start) - extract(month from c.cohort_month) as integer)
  )
),

retained as (
  select
    c.cohort_month,
    cm.month_start,
    count(case when m.mrr_end > 0 then 1 end) as retained_accounts,
    sum(coalesce(m.mrr_end, 0)) as retained_mrr
  from cohorts as c
  inner join cohort_months as cm on cm.cohort_month = c.cohort_month
  left join {{ ref('account_mrr_monthly') }} as m
    on m.account_id = c.account_id and m.month_start = cm.month_start
  group by c.cohort_month, cm.month_start
)

select
  r.cohort_month,
  cast((extract(year from r.month_start) - extract(year from r.cohort_month)) * 12
    + extract(month from r.month_start) - extract(month from r.cohort_month) as integer) as months_since,
  cast(s.cohort_accounts as integer) as cohort_accounts,
  cast(r.retained_accounts as integer) as retained_accounts,
  cast(r.retained_accounts as double precision) / s.cohort_accounts as logo_retention,
  cast(s.cohort_mrr as decimal(16, 4)) as cohort_mrr,
  cast(r.retained_mrr as decimal(16, 4)) as retained_mrr,
  cast(r.retained_mrr / nullif(s.cohort_mrr, 0) as double precision) as revenue_retention
from retained as r
inner join sizes as s on s.cohort_month = r.cohort_month
