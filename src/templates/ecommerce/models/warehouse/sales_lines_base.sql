/*---
materialized: view
description: >
  sales_lines without the product's category: every sold line in one shape, online order lines
  (fact_order_items) and in-store transactions (fact_store_sales, channel 'store'). sales_lines is
  this joined to dim_product; the marts that do not show a line's category (all but
  sales_by_dimension) read this, as the engine keeps a join whose columns go unused (it cannot
  know a product_sk matches one version at most). cost_amount (and a store sale's gross_revenue)
  is computed from quantity and unit cost (price) as a decimal(18, 2), not read from the fact: the
  fact's column is a wider decimal (quantity × a decimal(12, 2)), which DuckDB stores as a 128-bit
  integer, ~30× slower to read and to sum, and the marts summing costs read every line.
columns:
  sale_id: order_id, or transaction_id for a store sale.
  line_number: Line of the order (1 for a store sale).
  sale_date: Day of the sale (UTC for online orders, store time for store sales).
  sold_at: When it was sold.
  customer_id: Buyer.
  customer_sk: dim_customer version at the time of sale.
  product_id: Product.
  product_sk: dim_product version at the time of sale.
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
  i.customer_id,
  i.customer_sk,
  i.product_id,
  i.product_sk,
  i.region,
  i.channel,
  i.payment_method,
  i.counts_as_sale,
  i.status = 'returned' as is_returned,
  i.quantity,
  i.gross_revenue,
  i.discount_amount,
  i.net_revenue,
  cast(i.quantity * i.unit_cost as decimal(18, 2)) as cost_amount
from {{ ref('fact_order_items') }} as i
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
  s.region,
  'store',
  s.payment_method,
  true,
  false,
  s.quantity,
  cast(s.quantity * s.unit_price as decimal(18, 2)),
  0,
  s.net_revenue,
  cast(s.quantity * s.unit_cost as decimal(18, 2))
from {{ ref('fact_store_sales') }} as s
