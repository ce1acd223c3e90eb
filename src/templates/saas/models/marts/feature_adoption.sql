/*---
materialized: table
description: >
  Feature adoption per month and plan: of the accounts on the plan that month (a live
  subscription on it on any day), the share that used each feature while on it.
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
with on_plan as (
  select
    cast(date_trunc('month', snapshot_date) as date) as month_start,
    plan_id,
    count(distinct account_id) as accounts_on_plan
  from {{ ref('fact_subscription_daily') }}
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
  where feature is not null and plan_id is not null
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
