/*---
materialized: view
description: Clickstream events, one row per event; utm values lower-cased to match campaigns.
columns:
  event_id: Natural key.
  event_time: UTC time.
  event_type: page_view, product_view, add_to_cart, checkout or purchase.
  source_session_id: The tracker's own session id (strata sessionises by its own 30-minute rule).
  anonymous_id: Browser/device id.
  customer_id: Logged-in customer, null for anonymous visitors.
  page_url: Path of the page.
  product_id: Product viewed or added to the cart.
  order_id: Order of a purchase.
  revenue: Order total of a purchase, USD.
  device: desktop, mobile or tablet.
  referrer: Referring host of the landing page.
  utm_source: Campaign tagging of the landing page view, lower-cased.
  utm_medium: Campaign tagging of the landing page view, lower-cased.
  utm_campaign: Campaign tagging of the landing page view, lower-cased.
  country: Visitor country.
  load_date: Load date of the file that brought the event.
---*/
select
  event_id,
  event_time,
  event_type,
  session_id as source_session_id,
  anonymous_id,
  customer_id,
  page_url,
  product_id,
  order_id,
  revenue,
  device,
  referrer,
  lower(trim(utm_source)) as utm_source,
  lower(trim(utm_medium)) as utm_medium,
  lower(trim(utm_campaign)) as utm_campaign,
  country,
  load_date
from {{ ref('events') }}
