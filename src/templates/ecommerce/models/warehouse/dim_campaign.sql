/*---
materialized: table
description: >
  Campaigns, the latest version of each (campaigns change budget and status, not meaning, so
  no history is kept). Rebuilt every run from all loaded changes, so the load order cannot matter.
columns:
  campaign_sk: Surrogate key (md5 of campaign_id).
  campaign_id: Natural key.
  campaign_name: Display name.
  channel: Marketing channel.
  utm_source: utm_source its links carry.
  utm_medium: utm_medium its links carry.
  utm_campaign: utm_campaign its links carry (how sessions are matched to it).
  start_date: First day.
  end_date: Last day, inclusive.
  budget: Total budget, USD (its latest value).
  status: Latest lifecycle state.
  objective: awareness, conversion or retention.
  updated_at: When the latest version was written.
checks:
  - unique: campaign_id
---*/
select
  md5(campaign_id) as campaign_sk,
  campaign_id, campaign_name, channel, utm_source, utm_medium, utm_campaign, start_date, end_date,
  budget, status, objective, updated_at
from (
  select
    c.*,
    row_number() over (partition by campaign_id order by updated_at desc, load_date desc) as newest
  from {{ ref('stg_campaigns') }} as c
) as versions
where newest = 1
