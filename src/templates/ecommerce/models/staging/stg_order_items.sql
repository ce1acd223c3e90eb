/*---
materialized: view
description: >
  Line items of every order status record (each status record repeats the order's lines), from
  the orders feed (nested) and the order_lines feed (one row each). A line of order_lines without
  a line number takes its position among its order's rows in the file; without a product id it
  takes the id the products feed gives its SKU (null when none does: an unknown product in the
  facts); an empty discount is 0. Its amount is the export's line_amount when it gives one (the
  unit price then that amount over the quantity, to the cent), else quantity × unit price.
columns:
  order_id: Order the line belongs to.
  status: Status of the record that carried the line.
  line_number: Position of the line in the order, from 1.
  product_id: Product bought.
  sku: The product's SKU as order_lines gave it (null for the orders feed).
  quantity: Units.
  unit_price: Price per unit at order time, USD.
  line_amount: The line's amount before its discount (quantity × unit price, or as the export gave it), USD.
  discount_amount: Discount on the line, USD.
  load_date: Load date of the file that brought the record.
---*/
with skus as (
  select sku, min(product_id) as product_id from {{ ref('products') }} group by sku
)

select
  order_id, status, line_number, product_id, cast(null as varchar) as sku, quantity, unit_price,
  cast(quantity * unit_price as decimal(18, 2)) as line_amount, discount_amount, load_date
from {{ ref('orders__items') }}
union all
select
  l.order_id,
  coalesce(l.status, 'completed'),
  coalesce(
    l.line_number,
    row_number() over (
      partition by l.order_id, coalesce(l.status, 'completed'), l.load_date
      order by l._source_file, l._record_position
    )
  ),
  coalesce(l.product_id, k.product_id),
  l.sku,
  l.quantity,
  coalesce(
    l.unit_price,
    case when l.quantity <> 0 then cast(round(cast(l.line_amount / l.quantity as decimal(18, 6)), 2) as decimal(12, 2)) end
  ),
  cast(coalesce(l.line_amount, l.quantity * l.unit_price) as decimal(18, 2)),
  cast(coalesce(l.discount_amount, 0) as decimal(12, 2)),
  l.load_date
from {{ ref('order_lines') }} as l
left join skus as k on k.sku = l.sku
