/*---
materialized: view
description: >
  The calendar of the MRR marts: every day from the first day of fact_subscription_daily to the
  last day loaded — the last load date of any SaaS export, or the last snapshot day if later (the
  same bound the snapshot's own runs go to). A day on which no account has a live subscription
  has no snapshot row but is still here, so MRR reaching zero (every remaining account canceled
  on the last day loaded) shows as a zero rather than the calendar stopping the day before.
columns:
  date_day: The day.
  date_key: dim_date key of the day.
  month_start: First day of its month.
  month_end: The day that ends its month here, its last day or the last day loaded.
  is_first_day: The first day of the calendar, whose snapshot is the opening balance.
---*/
with ends as (
  select min(snapshot_date) as first_day, max(snapshot_date) as last_day
  from {{ ref('fact_subscription_daily') }}
  union all select cast(null as date), max(load_date) from {{ ref('stg_subscriptions') }}
  union all select cast(null as date), max(load_date) from {{ ref('stg_accounts') }}
  union all select cast(null as date), max(load_date) from {{ ref('stg_plans') }}
  union all select cast(null as date), max(load_date) from {{ ref('stg_transactions') }}
  union all select cast(null as date), max(load_date) from {{ ref('stg_usage_events') }}
  union all select cast(null as date), max(load_date) from {{ ref('subscription_periods') }}
),

bounds as (
  select min(first_day) as first_day, max(last_day) as last_day from ends
)

select
  d.date_day,
  d.date_key,
  d.month_start,
  max(d.date_day) over (partition by d.month_start) as month_end,
  d.date_day = b.first_day as is_first_day
from {{ ref('dim_date') }} as d
cross join bounds as b
where d.date_day between b.first_day and b.last_day
