/*---
materialized: incremental
unique_key: product_id
description: >
  One row per product (its current version's name and category): what it sold, earned and cost,
  how often it came back, how well views turn into purchases, and its rank within its category.
  Counted sales only (cancelled and returned orders excluded), online and in store. A run
  recomputes the products its dates touched (lines of orders with a record in them, by the
  record's load date; store sales, product views and product versions loaded) and, since a rank
  is relative, every product of their categories.
touched: |
  with products as (
    select i.product_id from {{ ref('fact_order_items') }} as i
    where i.order_id in (
      select order_id from {{ ref('stg_orders') }} where load_date between {{ date_from }} and {{ date_to }}
    )
    union
    select product_id from {{ ref('fact_store_sales') }}
    where load_date between {{ date_from }} and {{ date_to }}
    union
    select product_id from {{ ref('fact_events') }}
    where event_type = 'product_view' and load_date between {{ date_from }} and {{ date_to }}
    union
    select product_id from {{ ref('dim_product') }}
    where load_date between {{ date_from }} and {{ date_to }}
  ),
  categories as (
    select distinct category from {{ ref('dim_product') }}
    where is_current and product_id in (select product_id from products)
  )
  select product_id from products where product_id is not null
  union
  select product_id from {{ ref('dim_product') }}
  where is_current
    and (category in (select category from categories)
      or (category is null and exists (select 1 from categories where category is null)))
columns:
  product_id: Natural key.
  product_name: Current title.
  category: Current category.
  department: Current department.
  units_sold: Units in counted sales.
  orders: Counted orders and store transactions with the product.
  net_revenue: Σ net revenue, USD.
  cost_of_goods: Σ quantity × unit cost at the time of sale, USD.
  margin: net_revenue − cost_of_goods, USD.
  margin_rate: margin / net_revenue.
  units_returned: Units in returned online orders.
  return_rate: units_returned / (units_sold + units_returned).
  product_views: product_view events of the product.
  view_to_purchase_rate: Online orders with the product / product views.
  rank_in_category: 1 = highest net revenue in its category (ties by product_id).
checks:
  - unique: product_id
---*/
with lines as (
  select * from {{ ref('sales_lines_base') }}
  where product_id in (select product_id from {{ touched }} as t)
),

sold as (
  select
    product_id,
    sum(case when counts_as_sale then quantity else 0 end) as units_sold,
    count(distinct case when counts_as_sale then sale_id end) as orders,
    count(distinct case when counts_as_sale and channel <> 'store' then sale_id end) as online_orders,
    sum(case when counts_as_sale then net_revenue else 0 end) as net_revenue,
    sum(case when counts_as_sale then cost_amount else 0 end) as cost_of_goods,
    sum(case when is_returned then quantity else 0 end) as units_returned
  from lines
  group by product_id
),

views as (
  select product_id, count(*) as product_views
  from {{ ref('fact_events') }}
  where event_type = 'product_view' and product_id is not null
    and product_id in (select product_id from {{ touched }} as t)
  group by product_id
),

products as (
  select product_id, product_name, category, department
  from {{ ref('dim_product') }}
  where is_current and product_id <> 0
    and product_id in (select product_id from {{ touched }} as t)
)

select
  p.product_id,
  p.product_name,
  p.category,
  p.department,
  coalesce(s.units_sold, 0) as units_sold,
  coalesce(s.orders, 0) as orders,
  coalesce(s.net_revenue, 0) as net_revenue,
  coalesce(s.cost_of_goods, 0) as cost_of_goods,
  coalesce(s.net_revenue, 0) - coalesce(s.cost_of_goods, 0) as margin,
  case when s.net_revenue > 0 then round(cast((s.net_revenue - s.cost_of_goods) / s.net_revenue as decimal(18, 6)), 4) end as margin_rate,
  coalesce(s.units_returned, 0) as units_returned,
  case when s.units_sold + s.units_returned > 0
    then round(cast(cast(s.units_returned as decimal(18, 4)) / (s.units_sold + s.units_returned) as decimal(18, 6)), 4)
  end as return_rate,
  coalesce(v.product_views, 0) as product_views,
  case when v.product_views > 0
    then round(cast(cast(coalesce(s.online_orders, 0) as decimal(18, 4)) / v.product_views as decimal(18, 6)), 4)
  end as view_to_purchase_rate,
  row_number() over (
    partition by p.category order by coalesce(s.net_revenue, 0) desc, p.product_id
  ) as rank_in_category
from products as p
left join sold as s on s.product_id = p.product_id
left join views as v on v.product_id = p.product_id
