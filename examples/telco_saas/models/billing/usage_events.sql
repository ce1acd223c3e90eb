/*---
materialized: view
description: >
  The pack's product-usage feed, empty: this export has no payments or usage; those marts stay
  empty (fact_user_events here, fact_transactions beside it). The columns and types are the
  pack's, so its models build unchanged.
columns:
  event_id: Natural key.
  event_time: When it happened (UTC).
  account_id: Account.
  user_id: User of the account.
  event_type: login, feature_used, page_view, api_call, export or invite_sent.
  feature: Feature used, for feature events.
  platform: Client.
  duration_ms: Time spent.
  load_date: Load date of the file that brought it.
---*/
select
  cast(null as varchar) as event_id,
  cast(null as timestamp) as event_time,
  cast(null as varchar) as account_id,
  cast(null as varchar) as user_id,
  cast(null as varchar) as event_type,
  cast(null as varchar) as feature,
  cast(null as varchar) as platform,
  cast(null as integer) as duration_ms,
  cast(null as date) as load_date
where false
