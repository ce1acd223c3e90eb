/*---
materialized: view
description: Campaigns, one row per campaign and load date (the newest change of that day).
columns:
  campaign_id: Natural key 'CMP-YYYYMM-NN'.
  campaign_name: Display name.
  channel: Marketing channel.
  utm_source: utm_source its links carry.
  utm_medium: utm_medium its links carry.
  utm_campaign: utm_campaign its links carry, lower-cased (matches events).
  start_date: First day.
  end_date: Last day, inclusive.
  budget: Total budget, USD.
  status: scheduled, active, paused or completed.
  objective: awareness, conversion or retention.
  updated_at: When this version was written.
  load_date: Load date of the file that brought the change.
---*/
select
  campaign_id,
  trim(name) as campaign_name,
  channel,
  utm_source,
  utm_medium,
  lower(trim(utm_campaign)) as utm_campaign,
  start_date,
  end_date,
  budget,
  status,
  objective,
  updated_at,
  load_date
from {{ ref('campaigns') }}
