/*---
materialized: incremental
description: One row per order event and load date, joined to the customer version valid when the order was placed.
load_date_column: load_date
columns:
  customer_sk: The customer version in force at ordered_at; 'unknown' when none matches.
---*/
select
  o.order_id,
  o.load_date,
  coalesce(c.customer_sk, 'unknown') as customer_sk,
  o.customer_id,
  o.ordered_at,
  o.amount,
  o.status
from {{ ref('stg_orders') }} as o
left join {{ ref('dim_customer') }} as c
  on c.customer_id = o.customer_id
 and o.ordered_at >= c.valid_from
 and (c.valid_to is null or o.ordered_at < c.valid_to)
