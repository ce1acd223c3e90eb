/*---
materialized: incremental
unique_key: sale_id
description: >
  Every sold line in one shape: online order lines (fact_order_items) and in-store transactions
  (fact_store_sales, channel 'store'), with the product's category at the time of sale. The sales
  marts read this, so online and store sales are counted by one definition. It is a table, not a
  view: about eight marts read it on every run (and their touched SELECTs too), and each would
  join the order lines to their orders and products again. A run rebuilds the sales of the orders
  with a record in its dates (fact_orders and fact_order_items rebuild those), of the store sales
  it loaded, and of the lines of a product version it loaded (the category a line shows is its
  version's).
touched: |
  with versions as (
    select product_sk from {{ ref('dim_product') }}
    where load_date between {{ date_from }} and {{ date_to }}
  )
  select order_id as sale_id from {{ ref('stg_orders') }}
  where load_date between {{ date_from }} and {{ date_to }}
  union
  select transaction_id from {{ ref('fact_store_sales') }}
  where load_date between {{ date_from }} and {{ date_to }}
  union
  select order_id from {{ ref('fact_order_items') }}
  where product_sk in (select product_sk from versions)
  union
  select transaction_id from {{ ref('fact_store_sales') }}
  where product_sk in (select product_sk from versions)
columns:
  sale_id: order_id, or transaction_id for a store sale.
  line_number: Line of the order (1 for a store sale).
  sale_date: Day of the sale (UTC for online orders, store time for store sales).
  sold_at: When it was sold.
  customer_id: Buyer.
  customer_sk: dim_customer version at the time of sale.
  product_id: Product.
  product_sk: dim_product version at the time of sale.
  category: Category of that product version.
  region: Sales region.
  channel: web, mobile_app, marketplace or store.
  payment_method: How it was paid.
  counts_as_sale: False for lines of cancelled or returned orders.
  is_returned: The order was returned.
  quantity: Units.
  gross_revenue: quantity × unit price, USD.
  discount_amount: Discount, USD.
  net_revenue: gross_revenue − discount_amount, USD.
  cost_amount: quantity × unit cost of the product version, USD.
---*/
select
  i.order_id as sale_id,
  i.line_number,
  i.order_date as sale_date,
  i.placed_at as sold_at,
  o.customer_id,
  i.customer_sk,
  i.product_id,
  i.product_sk,
  p.category,
  i.region,
  i.channel,
  i.payment_method,
  i.counts_as_sale,
  o.is_returned,
  i.quantity,
  i.gross_revenue,
  i.discount_amount,
  i.net_revenue,
  i.cost_amount
from {{ ref('fact_order_items') }} as i
inner join {{ ref('fact_orders') }} as o on o.order_id = i.order_id
left join {{ ref('dim_product') }} as p on p.product_sk = i.product_sk
where i.order_id in (select sale_id from {{ touched }} as t)
union all
select
  s.transaction_id,
  1,
  s.sale_date,
  s.sold_at,
  s.customer_id,
  s.customer_sk,
  s.product_id,
  s.product_sk,
  p.category,
  s.region,
  'store',
  s.payment_method,
  true,
  false,
  s.quantity,
  s.gross_revenue,
  0,
  s.net_revenue,
  s.cost_amount
from {{ ref('fact_store_sales') }} as s
left join {{ ref('dim_product') }} as p on p.product_sk = s.product_sk
where s.transaction_id in (select sale_id from {{ touched }} as t)
