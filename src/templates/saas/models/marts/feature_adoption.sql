/*---
materialized: incremental
unique_key: month_start
description: >
  Feature adoption per month and plan: of the accounts on the plan that month (a live
  subscription on it on any day), the share that used each feature while on it. A run
  recomputes the months of the days its dates built in fact_subscription_daily and the months of
  the feature events it loaded.
touched: |
  select cast(date_trunc('month', f.snapshot_date) as date) as month_start
  from {{ ref('fact_subscription_daily') }} as f
  where f.snapshot_date between {{ date_from }} and {{ date_to }}
  union
  select cast(date_trunc('month', e.event_date) as date)
  from {{ ref('fact_user_events') }} as e
  where e.load_date between {{ date_from }} and {{ date_to }} and e.feature is not null
columns:
  month_start: First day of the month.
  plan_id: Plan.
  feature: Feature.
  accounts_on_plan: Accounts with a live subscription on the plan in the month.
  accounts_using: Of those, accounts that used the feature while on the plan.
  adoption_rate: accounts_using / accounts_on_plan.
  events: Feature events on the plan in the month.
checks:
  - unique: [month_start, plan_id, feature]
---*/
with days as (
  select d.date_day from {{ ref('dim_date') }} as d
  where d.month_start in (select month_start from {{ touched }} as t)
),

on_plan as (
  select
    cast(date_trunc('month', snapshot_date) as date) as month_start,
    plan_id,
    count(distinct account_id) as accounts_on_plan
  from {{ ref('fact_subscription_daily') }}
  where snapshot_date in (select date_day from days)
  group by cast(date_trunc('month', snapshot_date) as date), plan_id
),

used as (
  select
    cast(date_trunc('month', event_date) as date) as month_start,
    plan_id,
    feature,
    count(distinct account_id) as accounts_using,
    count(*) as events
  from {{ ref('fact_user_events') }}
  where feature is not null and plan_id is not null and event_date in (select date_day from days)
  group by cast(date_trunc('month', event_date) as date), plan_id, feature
)

select
  u.month_start,
  u.plan_id,
  u.feature,
  cast(p.accounts_on_plan as integer) as accounts_on_plan,
  cast(u.accounts_using as integer) as accounts_using,
  cast(u.accounts_using as double precision) / nullif(p.accounts_on_plan, 0) as adoption_rate,
  cast(u.events as integer) as events
from used as u
inner join on_plan as p on p.month_start = u.month_start and p.plan_id = u.plan_id
