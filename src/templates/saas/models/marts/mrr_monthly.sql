/*---
materialized: incremental
unique_key: month_start
description: >
  MRR at the end of each month (its last day, or the last day loaded for the running month), by
  plan, country and industry; ARR is 12 × MRR. Every month of the calendar (snapshot_days) has a
  row: a month that ends without any paying account has one row without plan, country or
  industry (null), its MRR 0. A run recomputes the months of the days mrr_daily recomputes (the
  days its dates built, and the days the calendar gained before them): a new last day loaded
  moves the running month's end.
touched: |
  select distinct d.month_start
  from {{ ref('dim_date') }} as d
  where d.date_day <= {{ date_to }}
    and d.date_day >= coalesce(
      (select max(f.snapshot_date) from {{ ref('fact_subscription_daily') }} as f
       where f.snapshot_date < {{ date_from }}) + 1,
      {{ date_from }})
columns:
  month_start: First day of the month.
  month_end: The day whose snapshot ends the month.
  plan_id: Plan (null on the row of a month without MRR).
  country: Account country (null likewise).
  industry: Account industry (null likewise).
  mrr: Monthly recurring revenue, USD.
  arr: Annual run rate, 12 × mrr, USD.
  paying_accounts: Accounts with MRR.
checks:
  - unique: [month_start, plan_id, country, industry]
---*/
with month_ends as (
  select month_start, max(date_day) as month_end
  from {{ ref('snapshot_days') }}
  where month_start in (select month_start from {{ touched }} as t)
  group by month_start
),

paying as (
  select
    m.month_start,
    m.month_end,
    d.plan_id,
    d.country,
    d.industry,
    d.mrr,
    cast(d.mrr * 12 as decimal(16, 4)) as arr,
    d.paying_accounts
  from month_ends as m
  inner join {{ ref('mrr_daily') }} as d on d.snapshot_date = m.month_end
  where d.paying_accounts > 0
    and d.snapshot_date in (select month_end from month_ends)
)

select * from paying
union all
select
  m.month_start,
  m.month_end,
  cast(null as varchar),
  cast(null as varchar),
  cast(null as varchar),
  cast(0 as decimal(16, 4)),
  cast(0 as decimal(16, 4)),
  0
from month_ends as m
where not exists (select 1 from paying as p where p.month_start = m.month_start)
