/*---
materialized: view
description: >
  Order status records, one row per order, status and load date: a new order appears as placed,
  each later status (shipped, completed, cancelled, returned) as a full new record. The shipping
  city is trimmed; the coupon code upper-cased.
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
from {{ ref('orders') }}
