/*---
materialized: table
description: >
  MRR per day, by plan, country and industry (the account version in force that day). Sum over
  the dimensions for the day's total.
columns:
  snapshot_date: The day.
  plan_id: Plan.
  country: Account country.
  industry: Account industry.
  mrr: Monthly recurring revenue, USD.
  paying_accounts: Accounts with MRR.
  trialing_accounts: Accounts on a trial.
checks:
  - unique: [snapshot_date, plan_id, country, industry]
---*/
select
  f.snapshot_date,
  f.plan_id,
  coalesce(a.country, 'Unknown') as country,
  coalesce(a.industry, 'unknown') as industry,
  cast(sum(f.mrr) as decimal(16, 4)) as mrr,
  cast(count(case when f.is_paying then 1 end) as integer) as paying_accounts,
  cast(count(case when f.status = 'trialing' then 1 end) as integer) as trialing_accounts
from {{ ref('fact_subscription_daily') }} as f
left join {{ ref('dim_account') }} as a on a.account_sk = f.account_sk
group by f.snapshot_date, f.plan_id, coalesce(a.country, 'Unknown'), coalesce(a.industry, 'unknown')
