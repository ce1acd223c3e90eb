/*---
materialized: view
description: Order events as delivered; an order appears again when its status changes.
columns:
  order_id: Natural key of the order.
  load_date: The day the row arrived (the partition it belongs to).
---*/
select
  order_id,
  customer_id,
  cast(ordered_at as timestamp) as ordered_at,
  cast(amount as decimal(12, 2)) as amount,
  lower(status) as status,
  cast(load_date as date) as load_date
from {{ ref('orders') }}
