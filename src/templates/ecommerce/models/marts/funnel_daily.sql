/*---
materialized: incremental
unique_key: session_date
touched: |
  select session_date from {{ ref('fact_sessions') }}
  where load_date between {{ date_from }} and {{ date_to }}
description: >
  The purchase funnel per day: sessions reaching each step (product view → add to cart →
  checkout → purchase) and the conversion from each step to the next.
columns:
  session_date: Day the sessions started.
  sessions: All sessions.
  product_view_sessions: Sessions with a product view.
  add_to_cart_sessions: Sessions with an add to cart.
  checkout_sessions: Sessions with a checkout.
  purchase_sessions: Sessions with a purchase.
  view_rate: product_view_sessions / sessions.
  view_to_cart_rate: add_to_cart_sessions / product_view_sessions.
  cart_to_checkout_rate: checkout_sessions / add_to_cart_sessions.
  checkout_to_purchase_rate: purchase_sessions / checkout_sessions.
  conversion_rate: purchase_sessions / sessions.
checks:
  - unique: session_date
---*/
with steps as (
  select
    session_date,
    count(*) as sessions,
    sum(case when reached_product_view then 1 else 0 end) as product_view_sessions,
    sum(case when reached_add_to_cart then 1 else 0 end) as add_to_cart_sessions,
    sum(case when reached_checkout then 1 else 0 end) as checkout_sessions,
    sum(case when reached_purchase then 1 else 0 end) as purchase_sessions
  from {{ ref('fact_sessions') }}
  where session_date in (select session_date from {{ touched }} as t)
  group by session_date
)

select
  session_date,
  sessions,
  product_view_sessions,
  add_to_cart_sessions,
  checkout_sessions,
  purchase_sessions,
  round(cast(cast(product_view_sessions as decimal(18, 4)) / sessions as decimal(18, 6)), 4) as view_rate,
  case when product_view_sessions > 0
    then round(cast(cast(add_to_cart_sessions as decimal(18, 4)) / product_view_sessions as decimal(18, 6)), 4) end as view_to_cart_rate,
  case when add_to_cart_sessions > 0
    then round(cast(cast(checkout_sessions as decimal(18, 4)) / add_to_cart_sessions as decimal(18, 6)), 4) end as cart_to_checkout_rate,
  case when checkout_sessions > 0
    then round(cast(cast(purchase_sessions as decimal(18, 4)) / checkout_sessions as decimal(18, 6)), 4) end as checkout_to_purchase_rate,
  round(cast(cast(purchase_sessions as decimal(18, 4)) / sessions as decimal(18, 6)), 4) as conversion_rate
from steps
