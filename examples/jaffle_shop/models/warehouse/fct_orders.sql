/*---
materialized: table
description: One row per order with what was paid for it, by payment method (dollars).
unique_key: order_id
---*/
with paid as (
  select
    order_id,
    sum(case when payment_method = 'credit_card' then amount_cents else 0 end) as credit_card_cents,
    sum(case when payment_method = 'coupon' then amount_cents else 0 end) as coupon_cents,
    sum(case when payment_method = 'bank_transfer' then amount_cents else 0 end) as bank_transfer_cents,
    sum(case when payment_method = 'gift_card' then amount_cents else 0 end) as gift_card_cents,
    sum(amount_cents) as amount_cents,
    count(*) as payments
  from {{ ref('payments') }}
  group by order_id
)
select
  o.order_id,
  o.customer_id,
  o.order_date,
  o.status,
  coalesce(p.payments, 0) as payments,
  cast(coalesce(p.credit_card_cents, 0) * 0.01 as decimal(12, 2)) as credit_card_amount,
  cast(coalesce(p.coupon_cents, 0) * 0.01 as decimal(12, 2)) as coupon_amount,
  cast(coalesce(p.bank_transfer_cents, 0) * 0.01 as decimal(12, 2)) as bank_transfer_amount,
  cast(coalesce(p.gift_card_cents, 0) * 0.01 as decimal(12, 2)) as gift_card_amount,
  cast(coalesce(p.amount_cents, 0) * 0.01 as decimal(12, 2)) as amount
from {{ ref('orders') }} as o
left join paid as p on p.order_id = o.order_id
