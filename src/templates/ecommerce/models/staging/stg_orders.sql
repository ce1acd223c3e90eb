/*---
materialized: view
description: >
  Order status records, one row per order, status and load date: a new order appears as placed,
  each later status (shipped, completed, cancelled, returned) as a full new record. The shipping
  city is trimmed; the coupon code upper-cased.

  Orders come from the orders feed (lines nested) and from the order_lines feed (one row per line,
  the order's columns repeated): the rows of a load date sharing an order id and status are one
  order, its columns read from its first row (order_lines checks that the others agree), its
  status completed when the export has none, updated_at its placed_at when empty. Its subtotal
  and discount_total are the sums of its lines (a line's amount: line_amount, or quantity × unit
  price), its shipping counted once, its total
  subtotal − discount_total + shipping_amount.
columns:
  order_id: Natural key.
  customer_id: Buyer.
  status: Status this record reports.
  placed_at: When the order was placed (UTC).
  updated_at: When this status was reached (UTC).
  channel: web, mobile_app or marketplace.
  payment_method: How it was paid.
  campaign_id: Campaign tagged at checkout, if any.
  coupon_code: Coupon used, upper-cased.
  shipping_city: City shipped to, trimmed.
  shipping_country: ISO country code.
  subtotal: Σ quantity × unit price, USD.
  discount_total: Σ line discounts, USD.
  shipping_amount: Shipping charged, USD.
  total_amount: subtotal − discount_total + shipping_amount, USD.
  load_date: Load date of the file that brought the record.
---*/
with line_rows as (
  select
    l.*,
    coalesce(l.status, 'completed') as order_status,
    row_number() over (
      partition by l.order_id, coalesce(l.status, 'completed'), l.load_date
      order by l._source_file, l._record_position
    ) as nth_row
  from {{ ref('order_lines') }} as l
),

line_totals as (
  select
    order_id,
    order_status,
    load_date,
    sum(coalesce(line_amount, quantity * unit_price)) as subtotal,
    sum(coalesce(discount_amount, 0)) as discount_total
  from line_rows
  group by order_id, order_status, load_date
),

records as (
  select
    order_id, customer_id, status, placed_at, updated_at, channel, payment_method, campaign_id,
    coupon_code, shipping_city, shipping_country, subtotal, discount_total, shipping_amount,
    total_amount, load_date
  from {{ ref('orders') }}
  union all
  select
    f.order_id,
    f.customer_id,
    f.order_status,
    f.placed_at,
    coalesce(f.updated_at, f.placed_at),
    f.channel,
    f.payment_method,
    f.campaign_id,
    f.coupon_code,
    f.shipping_city,
    f.shipping_country,
    cast(t.subtotal as decimal(12, 2)),
    cast(t.discount_total as decimal(12, 2)),
    cast(coalesce(f.shipping_amount, 0) as decimal(12, 2)),
    cast(t.subtotal - t.discount_total + coalesce(f.shipping_amount, 0) as decimal(12, 2)),
    f.load_date
  from line_rows as f
  inner join line_totals as t
    on t.order_id = f.order_id and t.order_status = f.order_status and t.load_date = f.load_date
  where f.nth_row = 1
)

select
  order_id,
  customer_id,
  status,
  placed_at,
  updated_at,
  channel,
  payment_method,
  campaign_id,
  upper(trim(coupon_code)) as coupon_code,
  trim(regexp_replace(shipping_city, '\s+', ' ', 'g')) as shipping_city,
  shipping_country,
  subtotal,
  discount_total,
  shipping_amount,
  total_amount,
  load_date
from records
