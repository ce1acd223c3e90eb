/*---
materialized: incremental
unique_key: snapshot_date
description: >
  MRR per day, by plan, country and industry (the account version in force that day). Sum over
  the dimensions for the day's total. Every day of the calendar (snapshot_days, up to the last
  day loaded) has a row: a day on which no account has a live subscription has one row without
  plan, country or industry (null), its MRR and counts 0. A run recomputes the days its dates
  built in fact_subscription_daily, and the days the calendar gained between the last snapshot
  before them and them (days no run loaded). A re-run that restates an account version's country
  or industry (a changed accounts file) needs --full-refresh: the days its facts name it are not
  read by load date.
touched: |
  select d.date_day as snapshot_date
  from {{ ref('dim_date') }} as d
  where d.date_day <= {{ date_to }}
    and d.date_day >= coalesce(
      (select max(f.snapshot_date) from {{ ref('fact_subscription_daily') }} as f
       where f.snapshot_date < {{ date_from }}) + 1,
      {{ date_from }})
columns:
  snapshot_date: The day.
  plan_id: Plan (null on the row of a day without live subscriptions).
  country: Account country (null likewise).
  industry: Account industry (null likewise).
  mrr: Monthly recurring revenue, USD.
  paying_accounts: Accounts with MRR.
  trialing_accounts: Accounts on a trial.
checks:
  - unique: [snapshot_date, plan_id, country, industry]
---*/
with days as (
  select snapshot_date from {{ touched }} as t
),

by_dimension as (
  select
    f.snapshot_date,
    f.plan_id,
    coalesce(a.country, 'Unknown') as country,
    coalesce(a.industry, 'unknown') as industry,
    cast(sum(f.mrr) as decimal(16, 4)) as mrr,
    cast(count(case when f.is_paying then 1 end) as integer) as paying_accounts,
    cast(count(case when f.status = 'trialing' then 1 end) as integer) as trialing_accounts
  from {{ ref('fact_subscription_daily') }} as f
  left join {{ ref('dim_account') }} as a on a.account_sk = f.account_sk
  where f.snapshot_date in (select snapshot_date from days)
  group by f.snapshot_date, f.plan_id, coalesce(a.country, 'Unknown'), coalesce(a.industry, 'unknown')
)

select * from by_dimension
union all
select
  d.date_day,
  cast(null as varchar),
  cast(null as varchar),
  cast(null as varchar),
  cast(0 as decimal(16, 4)),
  0,
  0
from {{ ref('snapshot_days') }} as d
where d.date_day in (select snapshot_date from days)
  and not exists (select 1 from by_dimension as b where b.snapshot_date = d.date_day)
