/*---
materialized: incremental
unique_key: month_start
description: >
  Who churned: one row per account and month in which its MRR went to zero (an account that
  churns, comes back and churns again has two rows). The last plan and MRR are those of the
  month's opening day; the reason is that of the cancellation in force at the month's end
  (payment_failed is involuntary churn); tenure runs from the first day it paid. A run
  recomputes the months mrr_movements_by_account recomputes (every month from the one of the
  first day it changes on), and the earlier months in which an account churned whose account
  record it loaded (its name, industry and country now) or whose usage events it loaded up to
  that month's end (a late event moves its last activity).
touched: |
  select distinct d.month_start
  from {{ ref('dim_date') }} as d
  where d.month_start >= cast(date_trunc('month', coalesce(
      (select max(f.snapshot_date) from {{ ref('fact_subscription_daily') }} as f
       where f.snapshot_date < {{ date_from }}) + 1,
      {{ date_from }})) as date)
    or exists (
      select 1 from {{ ref('stg_subscriptions') }} as s
      where s.load_date between {{ date_from }} and {{ date_to }}
        and s.status = 'canceled' and s.cancel_reason in ('voluntary', 'payment_failed')
        and s.effective_at < (select min(x.snapshot_date) from {{ ref('fact_subscription_daily') }} as x)
    )
  union
  select m.month_start
  from {{ ref('mrr_movements_by_account') }} as m
  where m.movement = 'churn'
    and m.account_id in (
      select a.account_id from {{ ref('stg_accounts') }} as a
      where a.load_date between {{ date_from }} and {{ date_to }}
    )
  union
  select m.month_start
  from {{ ref('mrr_movements_by_account') }} as m
  inner join {{ ref('account_mrr_monthly') }} as a
    on a.month_start = m.month_start and a.account_id = m.account_id
  where m.movement = 'churn'
    and exists (
      select 1 from {{ ref('fact_user_events') }} as e
      where e.load_date between {{ date_from }} and {{ date_to }}
        and e.account_id = m.account_id and e.event_date <= a.month_end
    )
columns:
  month_start: Month of the churn.
  account_id: Account.
  company_name: Company, as the account export names it now.
  industry: Industry now.
  country: Country now.
  last_plan_id: Plan before churning.
  mrr_lost: MRR before churning, USD.
  cancel_reason: voluntary, payment_failed or trial_expired; null when the subscription ended otherwise.
  is_involuntary: The subscription was canceled because payments failed.
  first_paid_date: First day the account paid.
  last_paid_date: Last day it had MRR.
  tenure_days: Days from first_paid_date to last_paid_date, inclusive.
  tenure_months: Whole calendar months from first_paid_date to the day after last_paid_date.
  last_activity_at: Its last product usage event up to the month's end; null when none.
checks:
  - unique: [month_start, account_id]
---*/
with churned as (
  select m.month_start, m.account_id, m.mrr_start, a.opening_day, a.month_end, a.first_paid_date
  from {{ ref('mrr_movements_by_account') }} as m
  inner join {{ ref('account_mrr_monthly') }} as a
    on a.month_start = m.month_start and a.account_id = m.account_id
  where m.movement = 'churn'
    and m.month_start in (select month_start from {{ touched }} as t)
),

last_plan as (
  select c.month_start, c.account_id, f.plan_id
  from churned as c
  inner join {{ ref('fact_subscription_daily') }} as f
    on f.account_id = c.account_id and f.snapshot_date = c.opening_day
  where f.snapshot_date in (select opening_day from churned)
),

last_paid as (
  select c.month_start, c.account_id, max(f.snapshot_date) as last_paid_date
  from churned as c
  inner join {{ ref('fact_subscription_daily') }} as f
    on f.account_id = c.account_id and f.snapshot_date between c.opening_day and c.month_end and f.mrr > 0
  where f.snapshot_date >= (select min(opening_day) from churned)
  group by c.month_start, c.account_id
),

reasons as (
  select c.month_start, c.account_id, max(s.cancel_reason) as cancel_reason
  from churned as c
  inner join {{ ref('subscription_states') }} as s
    on s.account_id = c.account_id
   and s.status = 'canceled'
   and s.known_from <= c.month_end
   and (s.known_until is null or s.known_until > c.month_end)
  group by c.month_start, c.account_id
),

activity as (
  select c.month_start, c.account_id, max(e.event_time) as last_activity_at
  from churned as c
  inner join {{ ref('fact_user_events') }} as e
    on e.account_id = c.account_id and e.event_date <= c.month_end
  where e.account_id in (select account_id from churned)
  group by c.month_start, c.account_id
),

accounts_now as (
  select account_id, company_name, industry, country from {{ ref('dim_account') }}
  where is_current and account_id in (select account_id from churned)
)

select
  c.month_start,
  c.account_id,
  n.company_name,
  n.industry,
  n.country,
  p.plan_id as last_plan_id,
  c.mrr_start as mrr_lost,
  r.cancel_reason,
  coalesce(r.cancel_reason = 'payment_failed', false) as is_involuntary,
  c.first_paid_date,
  l.last_paid_date,
  cast(l.last_paid_date - c.first_paid_date as integer) + 1 as tenure_days,
  cast(
    (extract(year from l.last_paid_date + 1) - extract(year from c.first_paid_date)) * 12
    + extract(month from l.last_paid_date + 1) - extract(month from c.first_paid_date)
    - case when extract(day from l.last_paid_date + 1) < extract(day from c.first_paid_date) then 1 else 0 end
    as integer
  ) as tenure_months,
  act.last_activity_at
from churned as c
left join last_plan as p on p.month_start = c.month_start and p.account_id = c.account_id
left join last_paid as l on l.month_start = c.month_start and l.account_id = c.account_id
left join reasons as r on r.month_start = c.month_start and r.account_id = c.account_id
left join activity as act on act.month_start = c.month_start and act.account_id = c.account_id
left join accounts_now as n on n.account_id = c.account_id
