/*---
materialized: incremental
unique_key: month_start
description: >
  Inventory per product × warehouse × month: turnover (cost of goods sold / average inventory
  value), days of cover (units on hand at the month's last snapshot / average units sold per day)
  and stock-out days (days ending with nothing on hand). A run recomputes the months of the
  snapshots its dates loaded.
touched: |
  select distinct cast(date_trunc('month', cast(snapshot_date as timestamp)) as date) as month_start
  from {{ ref('fact_inventory_daily') }}
  where load_date between {{ date_from }} and {{ date_to }}
columns:
  month_start: First day of the month.
  warehouse_id: WH-NA or WH-EU.
  product_id: Product.
  snapshot_days: Days with a snapshot in the month.
  units_sold: Σ units sold.
  cost_of_goods_sold: Σ units sold × unit cost, USD.
  average_inventory_value: Mean end-of-day inventory value, USD.
  turnover: cost_of_goods_sold / average_inventory_value.
  closing_on_hand: Units on hand at the month's last snapshot.
  average_daily_units_sold: units_sold / snapshot_days.
  days_of_cover: closing_on_hand / average_daily_units_sold; null when nothing sold.
  stockout_days: Days ending with nothing on hand.
checks:
  - unique: [month_start, warehouse_id, product_id]
---*/
-- The columns it needs; inventory value and cost of goods are computed from on hand, units sold
-- and unit cost as a decimal(18, 2) rather than read: the fact's columns are wider decimals,
-- which DuckDB keeps as 128-bit integers, several times slower to read and to sum.
with daily as (
  select
    i.snapshot_date,
    i.warehouse_id,
    i.product_id,
    i.on_hand_qty,
    i.units_sold,
    i.is_stockout,
    cast(i.units_sold * i.unit_cost as decimal(18, 2)) as cost_of_goods_sold,
    cast(i.on_hand_qty * i.unit_cost as decimal(18, 2)) as inventory_value,
    cast(date_trunc('month', cast(i.snapshot_date as timestamp)) as date) as month_start
  from {{ ref('fact_inventory_daily') }} as i
  where i.snapshot_date >= (select min(month_start) from {{ touched }} as t)
    and cast(date_trunc('month', cast(i.snapshot_date as timestamp)) as date) in (select month_start from {{ touched }} as t)
),

totals as (
  select
    month_start,
    warehouse_id,
    product_id,
    count(*) as snapshot_days,
    sum(units_sold) as units_sold,
    sum(cost_of_goods_sold) as cost_of_goods_sold,
    avg(inventory_value) as average_inventory_value,
    sum(case when is_stockout then 1 else 0 end) as stockout_days,
    max(snapshot_date) as last_snapshot_date
  from daily
  group by month_start, warehouse_id, product_id
),

-- The month's last snapshot, found by joining its date back: cheaper than numbering every
-- snapshot of the month with a window (a sort of the whole month), or grouping every snapshot by
-- its day, only to keep one day of each. It joins the fact table, not `daily`: read once, `daily`
-- is not materialised (read twice, DuckDB kept a copy of the month and hashed it for this join).
-- The fact is read from the first touched month on, as `daily` is, not over all its history.
closing as (
  select t.month_start, t.warehouse_id, t.product_id, max(d.on_hand_qty) as on_hand_qty
  from totals as t
  inner join {{ ref('fact_inventory_daily') }} as d
    on d.warehouse_id = t.warehouse_id
   and d.product_id = t.product_id
   and d.snapshot_date = t.last_snapshot_date
  where d.snapshot_date >= (select min(month_start) from {{ touched }} as k)
  group by t.month_start, t.warehouse_id, t.product_id
),

monthly as (
  select t.*, c.on_hand_qty as closing_on_hand
  from totals as t
  inner join closing as c
    on c.month_start = t.month_start
   and c.warehouse_id = t.warehouse_id
   and c.product_id = t.product_id
)

select
  month_start,
  warehouse_id,
  product_id,
  snapshot_days,
  units_sold,
  cost_of_goods_sold,
  round(cast(average_inventory_value as decimal(18, 6)), 2) as average_inventory_value,
  case when average_inventory_value > 0
    then round(cast(cost_of_goods_sold / average_inventory_value as decimal(18, 6)), 4) end as turnover,
  closing_on_hand,
  round(cast(cast(units_sold as decimal(18, 4)) / snapshot_days as decimal(18, 6)), 4) as average_daily_units_sold,
  case when units_sold > 0
    then round(cast(closing_on_hand / (cast(units_sold as decimal(18, 4)) / snapshot_days) as decimal(18, 6)), 1) end as days_of_cover,
  stockout_days
from monthly
