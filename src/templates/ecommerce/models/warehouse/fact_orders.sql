/*---
materialized: upsert
unique_key: order_id
description: >
  One row per order: an accumulating snapshot of its life (placed, shipped, completed, cancelled,
  returned). A run takes every order with a record in its load dates and rebuilds that order from
  all its records, so the row is the same whatever order the dates were loaded in. The order's
  attributes and lines come from its first record (the earliest load date, then updated_at); its
  status from the latest. The customer is the dim_customer version in force when the order was
  placed; a customer id missing from the customer export maps to the UNKNOWN member
  (customer_found = false) — counted, never dropped.
columns:
  order_id: Natural key.
  customer_sk: dim_customer version in force at placed_at (the UNKNOWN member when not found).
  customer_id: Buyer as the order gave it.
  customer_found: False when the customer id is not in dim_customer.
  date_key: dim_date key of the day the order was placed.
  order_date: Day the order was placed (UTC).
  placed_at: When the order was placed.
  campaign_id: Campaign tagged at checkout, if any.
  channel: web, mobile_app or marketplace.
  payment_method: How it was paid.
  coupon_code: Coupon used, if any.
  shipping_city: City shipped to.
  shipping_country: ISO country code.
  region: Sales region of the shipping country.
  first_status: Status of the order's first record, the one its lines come from.
  status: Latest status.
  is_cancelled: The order was cancelled.
  is_returned: The order was returned.
  counts_as_sale: Neither cancelled nor returned; only these count in net revenue.
  shipped_at: When it shipped.
  completed_at: When it was delivered.
  cancelled_at: When it was cancelled.
  returned_at: When it was returned.
  status_updated_at: When the latest status was reached.
  lines: Number of order lines.
  units: Σ quantity.
  gross_revenue: Σ line amounts (quantity × unit price), USD.
  discount_amount: Σ line discounts, USD.
  net_revenue: gross_revenue − discount_amount, USD (before excluding cancellations and returns).
  shipping_amount: Shipping charged, USD.
  total_amount: Amount charged as the order reported it, USD.
  load_date: Load date of the file that brought the order's first record.
checks:
  - not_null: customer_sk
---*/
with touched as (
  select distinct order_id
  from {{ ref('stg_orders') }}
  where load_date between {{ date_from }} and {{ date_to }}
),

records as (
  select o.*
  from {{ ref('stg_orders') }} as o
  inner join touched as t on t.order_id = o.order_id
),

ranked as (
  select
    r.*,
    row_number() over (partition by order_id order by load_date, updated_at, status) as nth_first,
    row_number() over (partition by order_id order by updated_at desc, load_date desc, status desc) as nth_latest
  from records as r
),

milestones as (
  select
    order_id,
    min(case when status = 'shipped' then updated_at end) as shipped_at,
    min(case when status = 'completed' then updated_at end) as completed_at,
    min(case when status = 'cancelled' then updated_at end) as cancelled_at,
    min(case when status = 'returned' then updated_at end) as returned_at
  from records
  group by order_id
),

first_record as (
  select * from ranked where nth_first = 1
),

latest_record as (
  select order_id, status, updated_at from ranked where nth_latest = 1
),

lines as (
  select
    i.order_id,
    count(*) as lines,
    sum(i.quantity) as units,
    sum(i.line_amount) as gross_revenue,
    sum(i.discount_amount) as discount_amount
  from {{ ref('stg_order_items') }} as i
  inner join first_record as f
    on f.order_id = i.order_id and f.status = i.status and f.load_date = i.load_date
  -- Implied by the join; bounds the scan of stg_order_items to the first records' load dates.
  where i.load_date >= (select min(load_date) from first_record)
    and i.load_date <= (select max(load_date) from first_record)
  group by i.order_id
)

select
  f.order_id,
  coalesce(c.customer_sk, (select customer_sk from {{ ref('dim_customer') }} where customer_id = 'UNKNOWN')) as customer_sk,
  f.customer_id,
  c.customer_sk is not null as customer_found,
  cast(extract(year from f.placed_at) * 10000 + extract(month from f.placed_at) * 100
    + extract(day from f.placed_at) as integer) as date_key,
  cast(f.placed_at as date) as order_date,
  f.placed_at,
  f.campaign_id,
  f.channel,
  f.payment_method,
  f.coupon_code,
  f.shipping_city,
  f.shipping_country,
  coalesce(g.region, 'Unknown') as region,
  f.status as first_status,
  l.status,
  l.status = 'cancelled' as is_cancelled,
  l.status = 'returned' as is_returned,
  l.status not in ('cancelled', 'returned') as counts_as_sale,
  m.shipped_at,
  m.completed_at,
  m.cancelled_at,
  m.returned_at,
  l.updated_at as status_updated_at,
  coalesce(li.lines, 0) as lines,
  coalesce(li.units, 0) as units,
  coalesce(li.gross_revenue, 0) as gross_revenue,
  coalesce(li.discount_amount, 0) as discount_amount,
  coalesce(li.gross_revenue, 0) - coalesce(li.discount_amount, 0) as net_revenue,
  f.shipping_amount,
  f.total_amount,
  f.load_date
from first_record as f
inner join latest_record as l on l.order_id = f.order_id
inner join milestones as m on m.order_id = f.order_id
left join lines as li on li.order_id = f.order_id
left join {{ ref('country_regions') }} as g on g.country = f.shipping_country
left join {{ ref('customer_versions') }} as c
  on c.customer_id = f.customer_id
 and f.placed_at >= c.applies_from
 and f.placed_at < c.applies_until
