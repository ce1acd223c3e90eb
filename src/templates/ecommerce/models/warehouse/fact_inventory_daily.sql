/*---
materialized: incremental
load_date_column: load_date
description: >
  End-of-day stock per product × warehouse × day (a periodic snapshot), valued at the day's unit
  cost. The product is the dim_product version in force at the end of that day.
columns:
  date_key: dim_date key of the snapshot day.
  snapshot_date: Day of the snapshot.
  warehouse_id: WH-NA or WH-EU.
  product_sk: dim_product version at the end of the day (the unknown member when not found).
  product_id: Product as the snapshot gave it.
  product_found: False when the product id is not in dim_product.
  on_hand_qty: Units on hand at the end of the day.
  units_sold: Units taken by orders placed that day.
  units_received: Units received from suppliers.
  units_returned: Units put back.
  reorder_point: Reorder threshold.
  unit_cost: Unit cost, USD.
  inventory_value: on_hand_qty × unit_cost, USD.
  cost_of_goods_sold: units_sold × unit_cost, USD.
  is_stockout: Nothing on hand at the end of the day.
  below_reorder_point: on_hand_qty under the reorder point.
  load_date: Load date of the file that brought the snapshot.
---*/
with snapshots as (
  select * from {{ ref('stg_inventory') }} where load_date between {{ date_from }} and {{ date_to }}
)

select
  cast(extract(year from s.snapshot_date) * 10000 + extract(month from s.snapshot_date) * 100
    + extract(day from s.snapshot_date) as integer) as date_key,
  s.snapshot_date,
  s.warehouse_id,
  coalesce(p.product_sk, (select product_sk from {{ ref('dim_product') }} where product_id = 0)) as product_sk,
  s.product_id,
  p.product_sk is not null as product_found,
  s.on_hand_qty,
  s.units_sold,
  s.units_received,
  s.units_returned,
  s.reorder_point,
  s.unit_cost,
  s.on_hand_qty * s.unit_cost as inventory_value,
  s.units_sold * s.unit_cost as cost_of_goods_sold,
  s.on_hand_qty = 0 as is_stockout,
  s.on_hand_qty < s.reorder_point as below_reorder_point,
  s.load_date
from snapshots as s
left join {{ ref('product_versions') }} as p
  on p.product_id = s.product_id
 and cast(s.snapshot_date as timestamp) + interval '1 day' > p.applies_from
 and cast(s.snapshot_date as timestamp) + interval '1 day' <= p.applies_until
