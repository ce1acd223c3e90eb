/*---
materialized: view
description: Line items of every order status record (each status record repeats the order's lines).
columns:
  order_id: Order the line belongs to.
  status: Status of the record that carried the line.
  line_number: Position of the line in the order, from 1.
  product_id: Product bought.
  quantity: Units.
  unit_price: Price per unit at order time, USD.
  discount_amount: Discount on the line, USD.
  load_date: Load date of the file that brought the record.
---*/
select order_id, status, line_number, product_id, quantity, unit_price, discount_amount, load_date
from {{ ref('orders__items') }}
