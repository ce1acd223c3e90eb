/*---
materialized: view
description: >
  Every sold line in one shape: online order lines (fact_order_items) and in-store transactions
  (fact_store_sales, channel 'store'), with the product's category at the time of sale: the lines
  of sales_lines_base joined to dim_product. The sales marts read this or, when they do not show
  the category, sales_lines_base, so online and store sales are counted by one definition. It
  stays a view: the order lines carry what it needs of their order (customer_id, status), so it
  joins only the small product dimension, and the marts evaluating it cost less than keeping a
  copy.
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
  l.sale_id,
  l.line_number,
  l.sale_date,
  l.sold_at,
  l.customer_id,
  l.customer_sk,
  l.product_id,
  l.product_sk,
  p.category,
  l.region,
  l.channel,
  l.payment_method,
  l.counts_as_sale,
  l.is_returned,
  l.quantity,
  l.gross_revenue,
  l.discount_amount,
  l.net_revenue,
  l.cost_amount
from {{ ref('sales_lines_base') }} as l
left join {{ ref('dim_product') }} as p on p.product_sk = l.product_sk
