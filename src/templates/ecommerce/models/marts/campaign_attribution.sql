/*---
materialized: table
description: >
  Last-touch attribution with a 7-day window. A touch is a session that landed with a campaign's
  utm_campaign; it belongs to the customer who logged in during it, or, for an anonymous session,
  to the customer that browser (anonymous_id) logged in as at any time. A counted online order is
  attributed to the customer's last touch in the 7 days before it was placed. ROAS = attributed
  net revenue / budget. It stays a full rebuild (materialized: table): an order's last touch is
  chosen among the sessions of every campaign, and an anonymous session follows the customer its
  browser logged in as at any time, so a day's sessions and orders can move attribution between
  any campaigns — and a day's sessions touch nearly every campaign.
columns:
  campaign_id: Natural key.
  campaign_name: Display name.
  channel: Marketing channel.
  start_date: First day.
  end_date: Last day.
  budget: Budget, USD.
  sessions: Sessions that landed with the campaign's tag.
  attributed_orders: Counted online orders whose last touch was the campaign.
  attributed_customers: Distinct customers of those orders.
  attributed_revenue: Σ net revenue of those orders, USD.
  roas: attributed_revenue / budget.
checks:
  - unique: campaign_id
---*/
with touches as (
  select s.session_key, s.anonymous_id, s.customer_id, s.started_at, c.campaign_id
  from {{ ref('fact_sessions') }} as s
  inner join {{ ref('dim_campaign') }} as c on c.utm_campaign = s.utm_campaign
),

browser_customer as (
  select anonymous_id, min(customer_id) as customer_id
  from {{ ref('fact_sessions') }}
  where customer_id is not null
  group by anonymous_id
),

customer_touches as (
  select t.session_key, t.started_at, t.campaign_id, coalesce(t.customer_id, b.customer_id) as customer_id
  from touches as t
  left join browser_customer as b on b.anonymous_id = t.anonymous_id
),

candidates as (
  select
    o.order_id,
    o.customer_id,
    o.net_revenue,
    t.campaign_id,
    row_number() over (partition by o.order_id order by t.started_at desc, t.session_key desc) as nth
  from {{ ref('fact_orders') }} as o
  inner join customer_touches as t
    on t.customer_id = o.customer_id
   and t.started_at <= o.placed_at
   and t.started_at > o.placed_at - interval '7 days'
  where o.counts_as_sale
),

attributed as (
  select
    campaign_id,
    count(*) as attributed_orders,
    count(distinct customer_id) as attributed_customers,
    sum(net_revenue) as attributed_revenue
  from candidates
  where nth = 1
  group by campaign_id
),

session_counts as (
  select campaign_id, count(*) as sessions from touches group by campaign_id
)

select
  c.campaign_id,
  c.campaign_name,
  c.channel,
  c.start_date,
  c.end_date,
  c.budget,
  coalesce(s.sessions, 0) as sessions,
  coalesce(a.attributed_orders, 0) as attributed_orders,
  coalesce(a.attributed_customers, 0) as attributed_customers,
  coalesce(a.attributed_revenue, 0) as attributed_revenue,
  case when c.budget > 0 then round(cast(coalesce(a.attributed_revenue, 0) / c.budget as decimal(18, 6)), 4) end as roas
from {{ ref('dim_campaign') }} as c
left join attributed as a on a.campaign_id = c.campaign_id
left join session_counts as s on s.campaign_id = c.campaign_id
