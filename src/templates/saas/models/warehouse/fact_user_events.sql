/*---
materialized: incremental
load_date_column: load_date
description: >
  One row per product usage event, in the partition of the file that brought it, with the plan
  the account was on that day (from fact_subscription_daily; null when it had no live
  subscription, e.g. a free user whose subscription ended).
columns:
  event_id: Natural key.
  account_id: Account.
  account_sk: dim_account version at event_time (the UNKNOWN member when not found).
  account_found: False when the account is not in dim_account.
  user_id: User of the account.
  date_key: dim_date key of the day.
  event_date: Day (UTC).
  event_time: When it happened.
  event_type: login, feature_used, page_view, api_call, export or invite_sent.
  feature: Feature used, for feature events.
  platform: Client.
  duration_ms: Time spent.
  plan_id: The account's plan that day.
  load_date: Load date of the file that brought it.
---*/
-- The run's events first, then the plans of only the days they fall on: fact_subscription_daily
-- holds every account's every day, and a day's run must not read all of it.
with events as (
  select * from {{ ref('stg_usage_events') }}
  where load_date between {{ date_from }} and {{ date_to }}
),

plans as (
  select s.account_id, s.snapshot_date, s.plan_id
  from {{ ref('fact_subscription_daily') }} as s
  where s.snapshot_date >= (select min(event_date) from events)
    and s.snapshot_date <= (select max(event_date) from events)
)

select
  e.event_id,
  e.account_id,
  coalesce(a.account_sk, (select account_sk from {{ ref('dim_account') }} where account_id = 'UNKNOWN')) as account_sk,
  a.account_sk is not null as account_found,
  e.user_id,
  cast(extract(year from e.event_time) * 10000 + extract(month from e.event_time) * 100
    + extract(day from e.event_time) as integer) as date_key,
  e.event_date,
  e.event_time,
  e.event_type,
  e.feature,
  e.platform,
  e.duration_ms,
  s.plan_id,
  e.load_date
from events as e
left join {{ ref('account_versions') }} as a
  on a.account_id = e.account_id
 and e.event_time >= a.applies_from
 and e.event_time < a.applies_until
left join plans as s
  on s.account_id = e.account_id and s.snapshot_date = e.event_date
