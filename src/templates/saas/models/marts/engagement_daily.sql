/*---
materialized: table
description: >
  Daily engagement: DAU (distinct users active that day), WAU and MAU (distinct users active in
  the 7 and 30 days ending that day) and stickiness (DAU / MAU). Any usage event counts as
  activity. Counted without re-reading 30 days per day: a user's activity on a day keeps them in
  the WAU (MAU) for 7 (30) days or until their next active day, whichever is first; those spans
  never overlap for one user, so adding +1 at each span's start and −1 at its end and summing
  over the days counts every user once.
columns:
  activity_date: The day.
  dau: Distinct users active that day.
  wau: Distinct users active in the 7 days ending that day.
  mau: Distinct users active in the 30 days ending that day.
  stickiness: dau / mau.
  active_accounts: Distinct accounts with a user active that day.
checks:
  - unique: activity_date
  - expression: dau <= wau and wau <= mau
    name: dau_within_wau_within_mau
---*/
with user_days as (
  select distinct user_id, event_date as activity_date from {{ ref('fact_user_events') }}
),

spans as (
  select
    activity_date,
    lead(activity_date) over (partition by user_id order by activity_date) as next_active
  from user_days
),

steps as (
  select activity_date as day, 1 as wau_step, 1 as mau_step from spans
  union all
  select least(coalesce(next_active, activity_date + 7), activity_date + 7), -1, 0 from spans
  union all
  select least(coalesce(next_active, activity_date + 30), activity_date + 30), 0, -1 from spans
),

days as (
  select d.date_day as activity_date
  from {{ ref('dim_date') }} as d
  where d.date_day between (select min(activity_date) from user_days) and (select max(activity_date) from user_days)
),

running as (
  select
    d.activity_date,
    sum(coalesce(s.wau, 0)) over (order by d.activity_date rows unbounded preceding) as wau,
    sum(coalesce(s.mau, 0)) over (order by d.activity_date rows unbounded preceding) as mau
  from days as d
  left join (
    select day, sum(wau_step) as wau, sum(mau_step) as mau from steps group by day
  ) as s on s.day = d.activity_date
),

daily as (
  select event_date as activity_date, count(distinct user_id) as dau, count(distinct account_id) as active_accounts
  from {{ ref('fact_user_events') }}
  group by event_date
)

select
  r.activity_date,
  cast(coalesce(a.dau, 0) as integer) as dau,
  cast(r.wau as integer) as wau,
  cast(r.mau as integer) as mau,
  cast(coalesce(a.dau, 0) as double precision) / nullif(r.mau, 0) as stickiness,
  cast(coalesce(a.active_accounts, 0) as integer) as active_accounts
from running as r
left join daily as a on a.activity_date = r.activity_date
