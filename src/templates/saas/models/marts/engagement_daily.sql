/*---
materialized: incremental
unique_key: activity_date
description: >
  Daily engagement: DAU (distinct users active that day), WAU and MAU (distinct users active in
  the 7 and 30 days ending that day) and stickiness (DAU / MAU). Any usage event counts as
  activity. Counted without re-reading 30 days per day: a user's activity on a day keeps them in
  the WAU (MAU) for 7 (30) days or until their next active day, whichever is first; those spans
  never overlap for one user, so adding +1 at each span's start and −1 at its end and summing
  over the days counts every user once. A run recomputes the days from the first day of the events
  it loaded to 29 days after the last (their DAU, WAU and MAU), stretched to the nearest earlier
  and later days with activity (where the calendar, first to last day with activity, grows); it
  reads the events of those days and of the 30 days before them.
touched: |
  with loaded as (
    select min(e.event_date) as first_loaded, max(e.event_date) as last_loaded
    from {{ ref('fact_user_events') }} as e
    where e.load_date between {{ date_from }} and {{ date_to }}
  ),
  edges as (
    select
      coalesce(
        (select max(e.event_date) from {{ ref('fact_user_events') }} as e where e.event_date < l.first_loaded),
        l.first_loaded
      ) as first_day,
      greatest(
        l.last_loaded + 29,
        coalesce(
          (select min(e.event_date) from {{ ref('fact_user_events') }} as e where e.event_date > l.last_loaded),
          l.last_loaded
        )
      ) as last_day
    from loaded as l
  )
  select d.date_day as activity_date
  from {{ ref('dim_date') }} as d
  where d.date_day between (select first_day from edges) and (select last_day from edges)
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
with recomputed as (
  select activity_date from {{ touched }} as t
),

bounds as (
  select min(activity_date) as first_day, max(activity_date) as last_day from recomputed
),

-- The calendar runs from the first to the last day with activity; of the days recomputed, those
-- inside it are built. Its first day is before the first day recomputed when any event is, and
-- its last day after the first day recomputed is the last event day after it.
calendar as (
  select
    case
      when exists (
        select 1 from {{ ref('fact_user_events') }} as e where e.event_date <= (select first_day from bounds)
      ) then (select first_day from bounds)
      else (
        select min(e.event_date) from {{ ref('fact_user_events') }} as e
        where e.event_date between (select first_day from bounds) and (select last_day from bounds)
      )
    end as first_day,
    (
      select max(e.event_date) from {{ ref('fact_user_events') }} as e
      where e.event_date >= (select first_day from bounds)
    ) as last_day
),

-- A user's activity counts at most 30 days on: the days recomputed need the 30 days before them.
window_days as (
  select d.date_day
  from {{ ref('dim_date') }} as d
  where d.date_day between (select first_day - 30 from bounds) and (select last_day from bounds)
),

user_days as (
  select distinct user_id, event_date as activity_date
  from {{ ref('fact_user_events') }}
  where event_date in (select date_day from window_days)
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

running as (
  select
    d.date_day as activity_date,
    sum(coalesce(s.wau, 0)) over (order by d.date_day rows unbounded preceding) as wau,
    sum(coalesce(s.mau, 0)) over (order by d.date_day rows unbounded preceding) as mau
  from window_days as d
  left join (
    select day, sum(wau_step) as wau, sum(mau_step) as mau from steps group by day
  ) as s on s.day = d.date_day
),

days as (
  select r.activity_date
  from recomputed as r
  where r.activity_date between (select first_day from calendar) and (select last_day from calendar)
),

daily as (
  select event_date as activity_date, count(distinct user_id) as dau, count(distinct account_id) as active_accounts
  from {{ ref('fact_user_events') }}
  where event_date in (select activity_date from days)
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
inner join days as k on k.activity_date = r.activity_date
left join daily as a on a.activity_date = r.activity_date
