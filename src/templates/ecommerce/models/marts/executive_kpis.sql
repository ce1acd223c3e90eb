/*---
materialized: table
description: >
  The headline numbers per month with the change against the previous month: net revenue,
  orders, customers, new customers, average order value, sessions and session conversion.
  Changes are ratios (0.12 = +12%); null for the first month or when the previous value is 0.
  It stays a full rebuild (materialized: table): it reads two small marts (a row per month and a
  row per day), and each month is compared with the one before, so rebuilding costs no more than
  finding the months a run touched.
columns:
  month_start: First day of the month.
  net_revenue: From monthly_sales, USD.
  orders: From monthly_sales.
  customers: From monthly_sales.
  new_customers: From monthly_sales.
  average_order_value: From monthly_sales, USD.
  sessions: Sessions started in the month.
  conversion_rate: Purchasing sessions / sessions.
  net_revenue_change: Against the previous month.
  orders_change: Against the previous month.
  customers_change: Against the previous month.
  average_order_value_change: Against the previous month.
  sessions_change: Against the previous month.
checks:
  - unique: month_start
---*/
with traffic as (
  select
    cast(date_trunc('month', cast(session_date as timestamp)) as date) as month_start,
    sum(sessions) as sessions,
    sum(purchasing_sessions) as purchasing_sessions
  from {{ ref('sessions_daily') }}
  group by cast(date_trunc('month', cast(session_date as timestamp)) as date)
),

months as (
  select
    m.month_start,
    m.net_revenue,
    m.orders,
    m.customers,
    m.new_customers,
    m.average_order_value,
    coalesce(t.sessions, 0) as sessions,
    case when t.sessions > 0
      then round(cast(cast(t.purchasing_sessions as decimal(18, 4)) / t.sessions as decimal(18, 6)), 4) end as conversion_rate
  from {{ ref('monthly_sales') }} as m
  left join traffic as t on t.month_start = m.month_start
),

with_previous as (
  select
    months.*,
    lag(net_revenue) over (order by month_start) as previous_net_revenue,
    lag(orders) over (order by month_start) as previous_orders,
    lag(customers) over (order by month_start) as previous_customers,
    lag(average_order_value) over (order by month_start) as previous_average_order_value,
    lag(sessions) over (order by month_start) as previous_sessions
  from months
)

select
  month_start,
  net_revenue,
  orders,
  customers,
  new_customers,
  average_order_value,
  sessions,
  conversion_rate,
  case when previous_net_revenue > 0
    then round(cast((net_revenue - previous_net_revenue) / previous_net_revenue as decimal(18, 6)), 4) end as net_revenue_change,
  case when previous_orders > 0
    then round(cast(cast(orders - previous_orders as decimal(18, 4)) / previous_orders as decimal(18, 6)), 4) end as orders_change,
  case when previous_customers > 0
    then round(cast(cast(customers - previous_customers as decimal(18, 4)) / previous_customers as decimal(18, 6)), 4) end as customers_change,
  case when previous_average_order_value > 0
    then round(cast((average_order_value - previous_average_order_value) / previous_average_order_value as decimal(18, 6)), 4)
  end as average_order_value_change,
  case when previous_sessions > 0
    then round(cast(cast(sessions - previous_sessions as decimal(18, 4)) / previous_sessions as decimal(18, 6)), 4) end as sessions_change
from with_previous
