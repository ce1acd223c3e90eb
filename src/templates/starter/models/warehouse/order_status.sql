/*---
materialized: upsert
description: The latest known status of every order, updated in place as new events arrive.
unique_key: order_id
columns:
  status: Status from the newest event for the order.
  updated_on: Load date of that event.
---*/
select order_id, customer_id, amount, status, load_date as updated_on
from (
  select *, row_number() over (partition by order_id order by load_date desc) as newest
  from {{ ref('stg_orders') }}
) as ranked
where newest = 1
