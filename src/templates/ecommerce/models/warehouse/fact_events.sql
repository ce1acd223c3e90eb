/*---
materialized: incremental
load_date_column: load_date
description: >
  One row per clickstream event, in the partition of the file that brought it, with strata's own
  sessions: a visitor's (anonymous_id) events in time order, a gap of more than 30 minutes opens a
  new session. Sessions are cut at the load-date boundary (a visit spanning midnight UTC is two
  sessions), which keeps every partition independent and every re-run identical.
columns:
  event_id: Natural key.
  session_key: md5 of anonymous_id, load date and the session's number that day.
  session_number: The visitor's session number within the load date, from 1.
  date_key: dim_date key of the event's day.
  event_date: Day of the event (UTC).
  event_time: UTC time.
  event_type: page_view, product_view, add_to_cart, checkout or purchase.
  anonymous_id: Browser/device id.
  customer_id: Logged-in customer, if any.
  product_sk: dim_product version at event_time for product views and cart adds; null otherwise.
  product_id: Product viewed or added.
  order_id: Order of a purchase.
  revenue: Order total of a purchase, USD.
  page_url: Path of the page.
  device: desktop, mobile or tablet.
  country: Visitor country.
  referrer: Referring host of the landing page.
  utm_source: Campaign tagging.
  utm_medium: Campaign tagging.
  utm_campaign: Campaign tagging (matches dim_campaign.utm_campaign).
  starts_session: The session's first event, whose attributes fact_sessions calls its landing's.
  load_date: Load date of the file that brought the event.
---*/
-- The 30-minute rule needs two window passes (the gap to the previous event, then a running count
-- of the gaps). They sort only the columns they need; the wide rows join back by their key
-- (event_id is unique within a load date), which costs less than sorting every column twice.
with ordered as (
  select
    e.event_id,
    e.load_date,
    e.anonymous_id,
    e.event_time,
    lag(e.event_time) over (
      partition by e.load_date, e.anonymous_id order by e.event_time, e.event_id
    ) as previous_time
  from {{ ref('stg_events') }} as e
  where e.load_date between {{ date_from }} and {{ date_to }}
),

flagged as (
  select
    event_id,
    load_date,
    anonymous_id,
    event_time,
    previous_time is null or event_time - previous_time > interval '30 minutes' as starts_session
  from ordered
),

sessions as (
  select
    event_id,
    load_date,
    starts_session,
    sum(case when starts_session then 1 else 0 end) over (
      partition by load_date, anonymous_id order by event_time, event_id
      rows between unbounded preceding and current row
    ) as session_number
  from flagged
),

numbered as (
  select e.*, s.session_number, s.starts_session
  from {{ ref('stg_events') }} as e
  inner join sessions as s on s.event_id = e.event_id and s.load_date = e.load_date
  where e.load_date between {{ date_from }} and {{ date_to }}
)

select
  n.event_id,
  md5(n.anonymous_id || '|' || cast(n.load_date as varchar) || '|' || cast(n.session_number as varchar)) as session_key,
  cast(n.session_number as integer) as session_number,
  cast(extract(year from n.event_time) * 10000 + extract(month from n.event_time) * 100
    + extract(day from n.event_time) as integer) as date_key,
  cast(n.event_time as date) as event_date,
  n.event_time,
  n.event_type,
  n.anonymous_id,
  n.customer_id,
  p.product_sk,
  n.product_id,
  n.order_id,
  n.revenue,
  n.page_url,
  n.device,
  n.country,
  n.referrer,
  n.utm_source,
  n.utm_medium,
  n.utm_campaign,
  n.starts_session,
  n.load_date
from numbered as n
left join {{ ref('product_versions') }} as p
  on p.product_id = n.product_id
 and n.event_time >= p.applies_from
 and n.event_time < p.applies_until
