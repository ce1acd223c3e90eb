/*---
materialized: incremental
load_date_column: snapshot_date
description: >
  A periodic snapshot: one row per account and day while the account has a live subscription
  (trialing, active or past_due), with the state known at the end of that day — plan, seats, MRR,
  status. A run builds the days of its load dates; a day's row depends only on what had been
  loaded by that day (see subscription_states), so it never changes afterwards. An account with
  several live subscriptions gets one row: MRR and seats summed, plan and billing cycle of the
  subscription worth the most. Canceled accounts have no row; their MRR that day is 0.
columns:
  snapshot_date: The day.
  date_key: dim_date key of the day.
  account_id: Account.
  account_sk: dim_account version in force at the end of the day (the UNKNOWN member when not found).
  account_found: False when the account is not in dim_account.
  plan_id: Plan of the account's main subscription.
  plan_sk: dim_plan key of that plan.
  billing_cycle: monthly or annual.
  subscriptions: Live subscriptions of the account.
  seats: Seats over its live subscriptions.
  status: Status of the main subscription (active, past_due or trialing).
  mrr: Monthly recurring revenue, USD; 0 for a trial.
  is_paying: mrr > 0.
---*/
with loaded as (
  select max(load_date) as last_day from {{ ref('stg_subscriptions') }}
  union all select max(load_date) from {{ ref('stg_accounts') }}
  union all select max(load_date) from {{ ref('stg_plans') }}
  union all select max(load_date) from {{ ref('stg_transactions') }}
  union all select max(load_date) from {{ ref('stg_usage_events') }}
  union all select max(load_date) from {{ ref('subscription_periods') }}
),

-- The days of the run: a quiet day (no subscription changes) still gets its snapshot. A run
-- without an end date goes up to the last day any export delivered.
days as (
  select d.date_day, d.date_key
  from {{ ref('dim_date') }} as d
  where d.date_day between {{ date_from }} and {{ date_to }}
    and d.date_day >= (select min(load_date) from {{ ref('stg_subscriptions') }})
    and d.date_day <= case
      when {{ date_to }} < date '9999-12-31' then {{ date_to }}
      else (select max(last_day) from loaded)
    end
),

live as (
  select
    d.date_day,
    d.date_key,
    s.*,
    row_number() over (
      partition by d.date_day, s.account_id
      order by s.mrr desc, case s.status when 'active' then 0 when 'past_due' then 1 else 2 end, s.subscription_id
    ) as rank_in_account,
    count(*) over (partition by d.date_day, s.account_id) as subscriptions,
    sum(s.seats) over (partition by d.date_day, s.account_id) as account_seats,
    sum(s.mrr) over (partition by d.date_day, s.account_id) as account_mrr
  from days as d
  inner join {{ ref('subscription_states') }} as s
    on s.known_from <= d.date_day
   and (s.known_until is null or d.date_day < s.known_until)
  where s.status <> 'canceled'
)

select
  l.date_day as snapshot_date,
  l.date_key,
  l.account_id,
  coalesce(a.account_sk, (select account_sk from {{ ref('dim_account') }} where account_id = 'UNKNOWN')) as account_sk,
  a.account_sk is not null as account_found,
  l.plan_id,
  coalesce(p.plan_sk, (select plan_sk from {{ ref('dim_plan') }} where plan_id = 'UNKNOWN')) as plan_sk,
  l.billing_cycle,
  cast(l.subscriptions as integer) as subscriptions,
  cast(l.account_seats as integer) as seats,
  l.status,
  cast(l.account_mrr as decimal(14, 4)) as mrr,
  l.account_mrr > 0 as is_paying
from live as l
left join {{ ref('account_versions') }} as a
  on a.account_id = l.account_id
 and a.applies_from < l.date_day + interval '1 day'
 and l.date_day + interval '1 day' <= a.applies_until
left join {{ ref('dim_plan') }} as p on p.plan_id = l.plan_id
where l.rank_in_account = 1
