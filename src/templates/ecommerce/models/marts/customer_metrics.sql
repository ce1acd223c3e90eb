/*---
materialized: table
description: >
  One row per customer who bought (counted sales, online and in store): lifetime value, order
  count and value, RFM scores and segment, and churn risk. Recency is measured against as_of_date,
  the last day with sales in the warehouse (not today), so the table is the same whenever it is
  rebuilt. RFM scores are quintiles (5 = best; ties broken by customer_id so they are stable).
  Churn risk compares days since the last order with the customer's typical gap between orders:
  high above 3×, medium above 1.5×; a one-order customer is high after 90 days, medium after 45.
  It stays a full rebuild (materialized: table): recency is measured to the newest sales day and
  the RFM scores are quintiles over every customer, so each day loaded changes every row.
columns:
  customer_id: Natural key.
  segment: Current marketing segment.
  city: Current city.
  country: Current country.
  region: Current sales region.
  first_order_date: Day of the first counted purchase.
  last_order_date: Day of the last counted purchase.
  orders: Counted orders and store transactions.
  lifetime_value: Σ net revenue, USD.
  average_order_value: lifetime_value / orders, USD.
  as_of_date: Last day with sales; recency is measured to it.
  recency_days: as_of_date − last_order_date.
  typical_gap_days: (last − first order date) / (orders − 1); null for one order.
  r_score: Recency quintile, 5 = most recent.
  f_score: Frequency quintile, 5 = most orders.
  m_score: Monetary quintile, 5 = highest lifetime value.
  rfm_segment: champions, loyal, new, at_risk, hibernating or needs_attention.
  churn_risk: low, medium or high.
checks:
  - unique: customer_id
---*/
with counted as (
  select * from {{ ref('sales_lines_base') }} where counts_as_sale and customer_id <> 'UNKNOWN'
),

per_customer as (
  select
    customer_id,
    min(sale_date) as first_order_date,
    max(sale_date) as last_order_date,
    count(distinct sale_id) as orders,
    sum(net_revenue) as lifetime_value
  from counted
  group by customer_id
),

as_of as (
  select max(sale_date) as as_of_date from counted
),

measured as (
  select
    p.*,
    a.as_of_date,
    a.as_of_date - p.last_order_date as recency_days,
    case when p.orders > 1
      then round(cast(cast(p.last_order_date - p.first_order_date as decimal(18, 2)) / (p.orders - 1) as decimal(18, 6)), 1)
    end as typical_gap_days
  from per_customer as p
  cross join as_of as a
),

scored as (
  select
    m.*,
    ntile(5) over (order by m.recency_days desc, m.customer_id) as r_score,
    ntile(5) over (order by m.orders, m.customer_id) as f_score,
    ntile(5) over (order by m.lifetime_value, m.customer_id) as m_score
  from measured as m
),

current_customer as (
  select customer_id, segment, city, country, region
  from {{ ref('dim_customer') }}
  where is_current
)

select
  s.customer_id,
  c.segment,
  c.city,
  c.country,
  c.region,
  s.first_order_date,
  s.last_order_date,
  s.orders,
  s.lifetime_value,
  round(cast(s.lifetime_value / s.orders as decimal(18, 6)), 2) as average_order_value,
  s.as_of_date,
  s.recency_days,
  s.typical_gap_days,
  s.r_score,
  s.f_score,
  s.m_score,
  case
    when s.r_score >= 4 and s.f_score >= 4 then 'champions'
    when s.r_score >= 3 and s.f_score >= 3 then 'loyal'
    when s.r_score >= 4 then 'new'
    when s.r_score <= 2 and s.f_score >= 3 then 'at_risk'
    when s.r_score <= 2 then 'hibernating'
    else 'needs_attention'
  end as rfm_segment,
  case
    when s.typical_gap_days is null and s.recency_days > 90 then 'high'
    when s.typical_gap_days is null and s.recency_days > 45 then 'medium'
    when s.typical_gap_days is null then 'low'
    when s.recency_days > 3 * greatest(s.typical_gap_days, 1) then 'high'
    when s.recency_days > 1.5 * greatest(s.typical_gap_days, 1) then 'medium'
    else 'low'
  end as churn_risk
from scored as s
left join current_customer as c on c.customer_id = s.customer_id
