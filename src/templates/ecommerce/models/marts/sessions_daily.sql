/*---
materialized: incremental
unique_key: session_date
description: >
  Web and app sessions per day (fact_sessions: a session ends after 30 minutes without an event).
  A run recomputes the days of the sessions its dates loaded.
touched: |
  select session_date from {{ ref('fact_sessions') }}
  where load_date between {{ date_from }} and {{ date_to }}
columns:
  session_date: Day the session started.
  sessions: Sessions.
  visitors: Distinct anonymous ids.
  events: Events in those sessions.
  bounced_sessions: Sessions of a single event.
  bounce_rate: bounced_sessions / sessions.
  average_duration_seconds: Mean duration of sessions that did not bounce.
  events_per_session: events / sessions.
  purchasing_sessions: Sessions with a purchase.
  conversion_rate: purchasing_sessions / sessions.
  revenue: Σ purchase revenue tracked in sessions, USD.
checks:
  - unique: session_date
---*/
select
  session_date,
  count(*) as sessions,
  count(distinct anonymous_id) as visitors,
  sum(events) as events,
  sum(case when is_bounce then 1 else 0 end) as bounced_sessions,
  round(cast(cast(sum(case when is_bounce then 1 else 0 end) as decimal(18, 4)) / count(*) as decimal(18, 6)), 4) as bounce_rate,
  round(cast(avg(case when not is_bounce then duration_seconds end) as decimal(18, 6)), 1) as average_duration_seconds,
  round(cast(cast(sum(events) as decimal(18, 4)) / count(*) as decimal(18, 6)), 2) as events_per_session,
  sum(case when reached_purchase then 1 else 0 end) as purchasing_sessions,
  round(cast(cast(sum(case when reached_purchase then 1 else 0 end) as decimal(18, 4)) / count(*) as decimal(18, 6)), 4) as conversion_rate,
  sum(revenue) as revenue
from {{ ref('fact_sessions') }}
where session_date in (select session_date from {{ touched }} as t)
group by session_date
