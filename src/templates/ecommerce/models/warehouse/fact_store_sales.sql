/*---
materialized: incremental
load_date_column: load_date
description: >
  One row per in-store transaction (one product each), in the partition of the file that brought
  it. Customer and product are the versions in force at the time of sale; ids the dimensions do not
  hold map to their UNKNOWN members (customer_found / product_found = false).
columns:
  transaction_id: Natural key.
  customer_sk: dim_customer version at sold_at.
  customer_id: Loyalty-card customer as the receipt gave it.
  customer_found: False when the customer id is not in dim_customer.
  product_sk: dim_product version at sold_at.
  product_id: Product as the receipt gave it.
  product_found: False when the product id is not in dim_product.
  date_key: dim_date key of the day of sale.
  sale_date: Day of sale.
  sold_at: Store time of the sale.
  store_id: Store.
  city: Store city.
  region: Sales region of the customer's country (stores have no country of their own in the feed).
  payment_method: cash, credit_card, debit_card or mobile_pay.
  promo_code: Promotion code, if any.
  quantity: Units.
  unit_price: Price per unit, USD.
  gross_revenue: quantity × unit_price, USD.
  net_revenue: The amount charged, USD (stores give no discounts beyond the price).
  unit_cost: Unit cost of the product version, USD.
  cost_amount: quantity × unit_cost, USD.
  load_date: Load date of the file that brought the transaction.
---*/
with sales as (
  select * from {{ ref('stg_sales') }} where load_date between {{ date_from }} and {{ date_to }}
)

select
  s.transaction_id,
  coalesce(c.customer_sk, (select customer_sk from {{ ref('dim_customer') }} where customer_id = 'UNKNOWN')) as customer_sk,
  s.customer_id,
  c.customer_sk is not null as customer_found,
  coalesce(p.product_sk, (select product_sk from {{ ref('dim_product') }} where product_id = 0)) as product_sk,
  s.product_id,
  p.product_sk is not null as product_found,
  cast(extract(year from s.sold_at) * 10000 + extract(month from s.sold_at) * 100
    + extract(day from s.sold_at) as integer) as date_key,
  cast(s.sold_at as date) as sale_date,
  s.sold_at,
  s.store_id,
  s.city,
  coalesce(c.region, 'Unknown') as region,
  s.payment_method,
  s.promo_code,
  s.quantity,
  s.unit_price,
  s.quantity * s.unit_price as gross_revenue,
  s.total_amount as net_revenue,
  p.cost as unit_cost,
  s.quantity * p.cost as cost_amount,
  s.load_date
from sales as s
left join {{ ref('customer_versions') }} as c
  on c.customer_id = s.customer_id
 and s.sold_at >= c.applies_from
 and s.sold_at < c.applies_until
left join {{ ref('product_versions') }} as p
  on p.product_id = s.product_id
 and s.sold_at >= p.applies_from
 and s.sold_at < p.applies_until
