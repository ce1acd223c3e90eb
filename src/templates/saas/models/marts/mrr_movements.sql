/*---
materialized: incremental
unique_key: month_start
description: >
  MRR and its movements per month (the waterfall), with the rates read off them. Every amount is
  the sum of mrr_movements_by_account; mrr_end of a month is mrr_start of the next. Every month
  of the calendar (snapshot_days, up to the last day loaded) has a row, a month without any
  paying account too (all zero, its rates null). A run recomputes the months
  mrr_movements_by_account recomputes (every month from the one of the first day it changes on: a
  change moves that month and, through the opening balance, every later one).
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
columns:
  month_start: First day of the month.
  mrr_start: MRR at the opening day, USD.
  new_mrr: From accounts paying for the first time, USD.
  reactivation_mrr: From accounts coming back, USD.
  expansion_mrr: Increases, USD.
  contraction_mrr: Decreases of accounts that stay, USD.
  churned_mrr: Lost with accounts going to zero, USD.
  mrr_end: MRR at the end of the month, USD.
  net_new_mrr: mrr_end − mrr_start, USD.
  accounts_start: Paying accounts at the opening day.
  accounts_end: Paying accounts at the end of the month.
  new_accounts: Accounts paying for the first time.
  reactivated_accounts: Accounts coming back.
  churned_accounts: Accounts going to zero.
  logo_churn_rate: churned_accounts / accounts_start.
  gross_revenue_churn_rate: (churned_mrr + contraction_mrr) / mrr_start.
  net_revenue_retention: (mrr_start + expansion_mrr − contraction_mrr − churned_mrr) / mrr_start.
  gross_revenue_retention: (mrr_start − contraction_mrr − churned_mrr) / mrr_start.
  arpa: Average revenue per paying account at the end of the month, mrr_end / accounts_end, USD.
checks:
  - unique: month_start
  - expression: abs(mrr_end - (mrr_start + new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churned_mrr)) < 0.005
    name: mrr_identity
  - sql: >
      select first_start, movements, last_end from (
        select
          sum(case when month_start = (select min(month_start) from {{ this }}) then mrr_start else 0 end) as first_start,
          sum(new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churned_mrr) as movements,
          sum(case when month_start = (select max(month_start) from {{ this }}) then mrr_end else 0 end) as last_end
        from {{ this }}
      ) as totals
      where abs(last_end - (first_start + movements)) >= 0.005
    name: mrr_identity_in_total
  - sql: >
      select m.month_start, m.mrr_start, p.mrr_end as previous_mrr_end
      from {{ this }} as m
      inner join {{ this }} as p on p.month_start = cast(m.month_start - interval '1 month' as date)
      where abs(m.mrr_start - p.mrr_end) >= 0.005
    name: mrr_carries_over
---*/
with months as (
  select distinct month_start from {{ ref('snapshot_days') }}
  where month_start in (select month_start from {{ touched }} as t)
),

by_account as (
  select
    month_start,
    sum(mrr_start) as mrr_start,
    sum(new_mrr) as new_mrr,
    sum(reactivation_mrr) as reactivation_mrr,
    sum(expansion_mrr) as expansion_mrr,
    sum(contraction_mrr) as contraction_mrr,
    sum(churned_mrr) as churned_mrr,
    sum(mrr_end) as mrr_end,
    count(case when mrr_start > 0 then 1 end) as accounts_start,
    count(case when mrr_end > 0 then 1 end) as accounts_end,
    count(case when movement = 'new' then 1 end) as new_accounts,
    count(case when movement = 'reactivation' then 1 end) as reactivated_accounts,
    count(case when movement = 'churn' then 1 end) as churned_accounts
  from {{ ref('mrr_movements_by_account') }}
  where month_start in (select month_start from months)
  group by month_start
),

totals as (
  select
    m.month_start,
    coalesce(a.mrr_start, 0) as mrr_start,
    coalesce(a.new_mrr, 0) as new_mrr,
    coalesce(a.reactivation_mrr, 0) as reactivation_mrr,
    coalesce(a.expansion_mrr, 0) as expansion_mrr,
    coalesce(a.contraction_mrr, 0) as contraction_mrr,
    coalesce(a.churned_mrr, 0) as churned_mrr,
    coalesce(a.mrr_end, 0) as mrr_end,
    coalesce(a.accounts_start, 0) as accounts_start,
    coalesce(a.accounts_end, 0) as accounts_end,
    coalesce(a.new_accounts, 0) as new_accounts,
    coalesce(a.reactivated_accounts, 0) as reactivated_accounts,
    coalesce(a.churned_accounts, 0) as churned_accounts
  from months as m
  left join by_account as a on a.month_start = m.month_start
)

select
  month_start,
  cast(mrr_start as decimal(16, 4)) as mrr_start,
  cast(new_mrr as decimal(16, 4)) as new_mrr,
  cast(reactivation_mrr as decimal(16, 4)) as reactivation_mrr,
  cast(expansion_mrr as decimal(16, 4)) as expansion_mrr,
  cast(contraction_mrr as decimal(16, 4)) as contraction_mrr,
  cast(churned_mrr as decimal(16, 4)) as churned_mrr,
  cast(mrr_end as decimal(16, 4)) as mrr_end,
  cast(mrr_end - mrr_start as decimal(16, 4)) as net_new_mrr,
  cast(accounts_start as integer) as accounts_start,
  cast(accounts_end as integer) as accounts_end,
  cast(new_accounts as integer) as new_accounts,
  cast(reactivated_accounts as integer) as reactivated_accounts,
  cast(churned_accounts as integer) as churned_accounts,
  cast(churned_accounts as double precision) / nullif(accounts_start, 0) as logo_churn_rate,
  cast((churned_mrr + contraction_mrr) / nullif(mrr_start, 0) as double precision) as gross_revenue_churn_rate,
  cast((mrr_start + expansion_mrr - contraction_mrr - churned_mrr) / nullif(mrr_start, 0) as double precision)
    as net_revenue_retention,
  cast((mrr_start - contraction_mrr - churned_mrr) / nullif(mrr_start, 0) as double precision)
    as gross_revenue_retention,
  cast(mrr_end / nullif(accounts_end, 0) as decimal(16, 4)) as arpa
from totals
