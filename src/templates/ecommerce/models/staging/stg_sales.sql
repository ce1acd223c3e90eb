/*---
materialized: view
description: >
  In-store transactions, one product each. The customer's name is dropped (no personal data in the
  warehouse); product and category as printed on the receipt are kept for reconciliation.
columns:
  transaction_id: Natural key.
  sold_at: Store time of the sale.
  customer_id: Loyalty-card customer.
  city: Store city, trimmed.
  product_id: Product sold.
  receipt_category: Category printed on the receipt, normalised like stg_products.category.
  quantity: Units.
  unit_price: Price per unit, USD.
  total_amount: quantity × unit_price, USD.
  payment_method: cash, credit_card, debit_card or mobile_pay.
  store_id: Store.
  promo_code: Promotion code, upper-cased.
  load_date: Load date of the file that brought the record.
---*/
select
  s.transaction_id,
  s.transaction_date as sold_at,
  s.customer_id,
  trim(regexp_replace(s.city, '\s+', ' ', 'g')) as city,
  s.product_id,
  coalesce(m.category, lower(trim(s.category))) as receipt_category,
  s.quantity,
  s.unit_price,
  s.total_amount,
  s.payment_method,
  s.store_id,
  upper(trim(s.promo_code)) as promo_code,
  s.load_date
from {{ ref('sales') }} as s
left join {{ ref('category_map') }} as m on m.source_category = lower(trim(s.category))
