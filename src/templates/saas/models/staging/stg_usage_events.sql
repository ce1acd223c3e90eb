/*---
materialized: view
description: Product usage events, with the day of the event.
columns:
  event_id: Natural key.
  event_time: When it happened (UTC).
  event_date: Day of the event (UTC).
  account_id: Account.
  user_id: User of the account.
  event_type: login, feature_used, page_view, api_call, export or invite_sent.
  feature: Feature used, for feature events.
  platform: Client.
  duration_ms: Time spent.
  load_date: Load date of the file that brought it.
---*/
select
  event_id,
  event_time,
  cast(event_time as date) as event_date,
  account_id,
  user_id,
  event_type,
  feature,
  platform,
  duration_ms,
  load_date
from {{ ref('usage_events') }}
