/*---
materialized: table
description: >
  MRR at the end of each month (its last day, or the last day loaded for the running month), by
  plan, country and industry; ARR is 12 × MRR.
columns:
  month_start: First day of the month.
  month_end: The day whose snapshot ends the month.
  plan_id: Plan.
  country: Account country.
  industry: Account industry.
  mrr: Monthly recurring revenue, USD.
  arr: Annual run rate, 12 × mrr, USD.
  paying_accounts: Accounts with MRR.
checks:
  - unique: [month_start, plan_id, country, industry]
---*/
with month_ends as (
  select month_start, max(month_end) as month_end
  from {{ ref('account_mrr_monthly') }}
  group by month_start
)

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
