/*---
materialized: incremental
load_date_column: load_date
description: >
  One row per session (fact_events' 30-minute rule), with how far down the funnel it got:
  product view → add to cart → checkout → purchase. A bounce is a session of a single event.
  The landing event's utm tags say which campaign brought the visit.
columns:
  session_key: Key shared with fact_events.
  anonymous_id: Browser/device id.
  customer_id: The customer who logged in during the session, if any.
  date_key: dim_date key of the session's first event.
  session_date: Day of the first event.
  started_at: First event.
  ended_at: Last event.
  duration_seconds: ended_at − started_at, in seconds (0 for a bounce).
  events: Number of events.
  page_views: Number of page_view events.
  is_bounce: A single event.
  reached_product_view: At least one product_view.
  reached_add_to_cart: At least one add_to_cart.
  reached_checkout: At least one checkout.
  reached_purchase: At least one purchase.
  purchases: Number of purchase events.
  revenue: Σ revenue of its purchases, USD.
  device: Device of the landing event.
  country: Country of the landing event.
  referrer: Referrer of the landing event.
  utm_source: utm_source of the landing event.
  utm_medium: utm_medium of the landing event.
  utm_campaign: utm_campaign of the landing event.
  load_date: Load date of its events.
---*/
-- One aggregation over the session's events: fact_events flags each session's first event, whose
-- attributes (the landing's) are the only ones of the group it flags. A session without one (never
-- the case) is left out, as a join to its landing would. A join of the totals to the landings
-- read the events twice and cost a tenth more.
with totals as (
  select
    session_key,
    min(anonymous_id) as anonymous_id,
    max(customer_id) as customer_id,
    min(event_time) as started_at,
    max(event_time) as ended_at,
    count(*) as events,
    sum(case when event_type = 'page_view' then 1 else 0 end) as page_views,
    max(case when event_type = 'product_view' then 1 else 0 end) = 1 as reached_product_view,
    max(case when event_type = 'add_to_cart' then 1 else 0 end) = 1 as reached_add_to_cart,
    max(case when event_type = 'checkout' then 1 else 0 end) = 1 as reached_checkout,
    max(case when event_type = 'purchase' then 1 else 0 end) = 1 as reached_purchase,
    sum(case when event_type = 'purchase' then 1 else 0 end) as purchases,
    coalesce(sum(case when event_type = 'purchase' then revenue end), 0) as revenue,
    max(device) filter (where starts_session) as device,
    max(country) filter (where starts_session) as country,
    max(referrer) filter (where starts_session) as referrer,
    max(utm_source) filter (where starts_session) as utm_source,
    max(utm_medium) filter (where starts_session) as utm_medium,
    max(utm_campaign) filter (where starts_session) as utm_campaign,
    min(load_date) as load_date
  from {{ ref('fact_events') }} as e
  where e.load_date between {{ date_from }} and {{ date_to }}
  group by session_key
  having bool_or(starts_session)
)

select
  t.session_key,
  t.anonymous_id,
  t.customer_id,
  cast(extract(year from t.started_at) * 10000 + extract(month from t.started_at) * 100
    + extract(day from t.started_at) as integer) as date_key,
  cast(t.started_at as date) as session_date,
  t.started_at,
  t.ended_at,
  cast(extract(epoch from t.ended_at - t.started_at) as integer) as duration_seconds,
  t.events,
  t.page_views,
  t.events = 1 as is_bounce,
  t.reached_product_view,
  t.reached_add_to_cart,
  t.reached_checkout,
  t.reached_purchase,
  t.purchases,
  t.revenue,
  t.device,
  t.country,
  t.referrer,
  t.utm_source,
  t.utm_medium,
  t.utm_campaign,
  t.load_date
from totals as t
