/*---
materialized: table
description: Orders and amount paid per order status and payment method.
unique_key: status
---*/
select
  status,
  count(*) as orders,
  sum(credit_card_amount) as credit_card_amount,
  sum(coupon_amount) as coupon_amount,
  sum(bank_transfer_amount) as bank_transfer_amount,
  sum(gift_card_amount) as gift_card_amount,
  sum(amount) as amount
from {{ ref('fct_orders') }}
group by status
