/*---
materialized: view
description: End-of-day stock per product and warehouse.
columns:
  snapshot_date: Day of the snapshot.
  warehouse_id: WH-NA or WH-EU.
  product_id: Product.
  on_hand_qty: Units on hand at the end of the day.
  units_sold: Units taken by orders placed that day.
  units_received: Units received from suppliers.
  units_returned: Units put back (returns, cancellations).
  reorder_point: Reorder threshold.
  unit_cost: Unit cost, USD.
  load_date: Load date of the file that brought the snapshot.
---*/
select
  snapshot_date,
  warehouse_id,
  product_id,
  on_hand_qty,
  units_sold,
  units_received,
  units_returned,
  reorder_point,
  unit_cost,
  load_date
from {{ ref('inventory') }}
