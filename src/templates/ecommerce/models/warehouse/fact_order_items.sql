/*---
materialized: upsert
unique_key: [order_id, line_number]
description: >
  One row per order line, from the order's first record (lines do not change with its status).
  Rebuilt for every order with a record in the run's load dates, like fact_orders, whose status and
  customer_id it repeats (sales_lines reads them here instead of joining every line to its order).
  The product is the dim_product version in force when the order was placed, so a price
  change mid-year shows the old price and cost on earlier orders and the new one after; an id
  missing from the catalogue maps to the unknown product (product_id 0, product_found = false).
columns:
  order_id: Order the line belongs to.
  line_number: Position in the order, from 1.
  customer_sk: dim_customer version of the order.
  customer_id: Buyer as the order gave it.
  product_sk: dim_product version in force at placed_at (the unknown member when not found).
  product_id: Product as the order gave it.
  product_found: False when the product id is not in dim_product.
  date_key: dim_date key of the day the order was placed.
  order_date: Day the order was placed.
  placed_at: When the order was placed.
  channel: Sales channel of the order.
  payment_method: How the order was paid.
  region: Sales region of the order.
  status: The order's latest status.
  counts_as_sale: The order was neither cancelled nor returned.
  quantity: Units.
  unit_price: Price per unit paid, USD.
  list_price: List price of the product version, USD.
  unit_cost: Unit cost of the product version, USD.
  gross_revenue: The line's amount, quantity × unit_price (or as a line-item export gave it), USD.
  discount_amount: Discount on the line, USD.
  net_revenue: gross_revenue − discount_amount, USD.
  cost_amount: quantity × unit_cost, USD.
  load_date: Load date of the file that brought the order's first record.
---*/
with touched as (
  select distinct order_id
  from {{ ref('stg_orders') }}
  where load_date between {{ date_from }} and {{ date_to }}
),

orders as (
  select o.*
  from {{ ref('fact_orders') }} as o
  inner join touched as t on t.order_id = o.order_id
)


select
  o.order_id,
  i.line_number,
  o.customer_sk,
  o.customer_id,
  coalesce(p.product_sk, (select product_sk from {{ ref('dim_product') }} where product_id = 0)) as product_sk,
  i.product_id,
  p.product_sk is not null as product_found,
  o.date_key,
  o.order_date,
  o.placed_at,
  o.channel,
  o.payment_method,
  o.region,
  o.status,
  o.counts_as_sale,
  i.quantity,
  i.unit_price,
  p.price as list_price,
  p.cost as unit_cost,
  i.line_amount as gross_revenue,
  i.discount_amount,
  i.line_amount - i.discount_amount as net_revenue,
  i.quantity * p.cost as cost_amount,
  o.load_date
from orders as o
inner join {{ ref('stg_order_items') }} as i
  on i.order_id = o.order_id and i.status = o.first_status and i.load_date = o.load_date
-- The lines sit in the load dates of the orders' first records: bounding the scan by those dates
-- (implied by the join) lets a day's run skip the older partitions of stg_order_items.
 and i.load_date >= (select min(load_date) from orders)
 and i.load_date <= (select max(load_date) from orders)
left join {{ ref('product_versions') }} as p
  on p.product_id = i.product_id
 and o.placed_at >= p.applies_from
 and o.placed_at < p.applies_until
