/*---
materialized: incremental
unique_key: anonymous_id
description: >
  One row per visitor (browser or device, anonymous_id): how they arrived, how many sessions it
  took, how far down the funnel they got and whether and when they first bought — the user
  journey of seed 003, from fact_sessions. A run recomputes the visitors of the sessions its
  dates loaded, from all their sessions.
touched: |
  select anonymous_id from {{ ref('fact_sessions') }}
  where load_date between {{ date_from }} and {{ date_to }}
columns:
  anonymous_id: The visitor.
  customer_id: The customer the visitor logged in as, if ever (the smallest id if several).
  first_seen_at: Start of the first session.
  last_seen_at: End of the last session.
  sessions: Sessions.
  first_utm_source: utm_source of the first session's landing page.
  first_referrer: Referrer of the first session's landing page.
  first_device: Device of the first session.
  furthest_step: page_view, product_view, add_to_cart, checkout or purchase.
  first_purchase_at: Start of the first session with a purchase.
  sessions_to_first_purchase: Sessions up to and including that one.
  days_to_first_purchase: Days from first_seen_at to first_purchase_at.
  revenue: Σ purchase revenue tracked in its sessions, USD.
checks:
  - unique: anonymous_id
---*/
with sessions as (
  select
    s.*,
    row_number() over (partition by s.anonymous_id order by s.started_at, s.session_key) as nth
  from {{ ref('fact_sessions') }} as s
  where s.anonymous_id in (select anonymous_id from {{ touched }} as t)
),

first_session as (
  select anonymous_id, utm_source, referrer, device from sessions where nth = 1
),

first_purchase as (
  select anonymous_id, min(nth) as nth, min(started_at) as started_at
  from sessions
  where reached_purchase
  group by anonymous_id
),

totals as (
  select
    anonymous_id,
    min(customer_id) as customer_id,
    min(started_at) as first_seen_at,
    max(ended_at) as last_seen_at,
    count(*) as sessions,
    max(case
      when reached_purchase then 5
      when reached_checkout then 4
      when reached_add_to_cart then 3
      when reached_product_view then 2
      else 1
    end) as furthest,
    sum(revenue) as revenue
  from sessions
  group by anonymous_id
)

select
  t.anonymous_id,
  t.customer_id,
  t.first_seen_at,
  t.last_seen_at,
  t.sessions,
  f.utm_source as first_utm_source,
  f.referrer as first_referrer,
  f.device as first_device,
  case t.furthest
    when 5 then 'purchase' when 4 then 'checkout' when 3 then 'add_to_cart'
    when 2 then 'product_view' else 'page_view'
  end as furthest_step,
  p.started_at as first_purchase_at,
  p.nth as sessions_to_first_purchase,
  cast(p.started_at as date) - cast(t.first_seen_at as date) as days_to_first_purchase,
  t.revenue
from totals as t
inner join first_session as f on f.anonymous_id = t.anonymous_id
left join first_purchase as p on p.anonymous_id = t.anonymous_id
