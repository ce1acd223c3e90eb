/*---
materialized: table
description: >
  Daily sales broken down by category, region, channel and payment method, in one long table
  (dimension, dimension_value). Counted sales only, as in daily_sales. An order with lines in two
  categories counts once in each; Σ net_revenue over the values of one dimension equals
  daily_sales.net_revenue.
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
  select * from {{ ref('sales_lines') }} where counts_as_sale
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
