/*---
materialized: incremental
unique_key: sale_date
description: >
  Daily sales broken down by category, region, channel and payment method, in one long table
  (dimension, dimension_value). Counted sales only, as in daily_sales. An order with lines in two
  categories counts once in each; Σ net_revenue over the values of one dimension equals
  daily_sales.net_revenue. A run recomputes the days of the orders with a record in its dates (by
  the record's load date), of the store sales it loaded, and of the sales of a product version
  its dates loaded (the category a line shows is its version's).
touched: |
  with versions as (
    select product_sk, cast(valid_from as date) as valid_from from {{ ref('dim_product') }}
    where load_date between {{ date_from }} and {{ date_to }}
  )
  select o.order_date as sale_date from {{ ref('fact_orders') }} as o
  where o.order_id in (
    select order_id from {{ ref('stg_orders') }} where load_date between {{ date_from }} and {{ date_to }}
  )
  union
  select sale_date from {{ ref('fact_store_sales') }}
  where load_date between {{ date_from }} and {{ date_to }}
  union
  select l.sale_date from {{ ref('sales_lines_base') }} as l
  where l.product_sk in (select product_sk from versions)
    and l.sale_date >= (select min(valid_from) from versions)
columns:
  sale_date: The day.
  dimension: category, region, channel or payment_method.
  dimension_value: The category, region, channel or payment method.
  orders: Counted orders with at least one line in this value.
  units: Units sold.
  gross_revenue: Σ quantity × unit price, USD.
  discounts: Σ discounts, USD.
  net_revenue: gross_revenue − discounts, USD.
checks:
  - unique: [sale_date, dimension, dimension_value]
---*/
with counted as (
  select * from {{ ref('sales_lines') }}
  where counts_as_sale and sale_date in (select sale_date from {{ touched }} as t)
),

long as (
  select sale_date, 'category' as dimension, coalesce(category, 'unknown') as dimension_value,
    sale_id, quantity, gross_revenue, discount_amount, net_revenue
  from counted
  union all
  select sale_date, 'region', coalesce(region, 'Unknown'),
    sale_id, quantity, gross_revenue, discount_amount, net_revenue
  from counted
  union all
  select sale_date, 'channel', channel,
    sale_id, quantity, gross_revenue, discount_amount, net_revenue
  from counted
  union all
  select sale_date, 'payment_method', payment_method,
    sale_id, quantity, gross_revenue, discount_amount, net_revenue
  from counted
)

select
  sale_date,
  dimension,
  dimension_value,
  count(distinct sale_id) as orders,
  sum(quantity) as units,
  sum(gross_revenue) as gross_revenue,
  sum(discount_amount) as discounts,
  sum(net_revenue) as net_revenue
from long
group by sale_date, dimension, dimension_value
