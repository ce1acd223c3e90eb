/*---
materialized: table
description: >
  Customers, churn and MRR per month and contract type, read off the pack's MRR movements: an
  account counts under the plan it ends the month on (or, when it churned, the plan it opened
  with). On the Telco snapshot every churn falls in the snapshot month (December 2024), so that
  month's rows are the classic churn-by-contract table.
unique_key: [month_start, contract_type]
columns:
  month_start: First day of the month.
  contract_type: Month-to-month, One year or Two year (the plan's name).
  plan_id: The contract type's plan.
  customers: Accounts paying at the opening of the month or at its end.
  customers_start: Accounts paying at the opening of the month.
  new_customers: Accounts paying for the first time.
  churned_customers: Accounts that stopped paying.
  customers_end: Accounts paying at the end of the month.
  churn_rate: churned_customers / customers, the share of the month's customers that left.
  logo_churn_rate: churned_customers / customers_start, the pack's logo churn.
  mrr_start: MRR at the opening of the month, USD.
  new_mrr: MRR of new accounts, USD.
  churned_mrr: MRR lost with churned accounts, USD.
  net_change_mrr: Expansion, contraction and reactivation together, USD (0 on Telco).
  mrr_end: MRR at the end of the month, USD.
  revenue_churn_rate: churned_mrr / mrr_start.
checks:
  - expression: abs(mrr_end - (mrr_start + new_mrr - churned_mrr + net_change_mrr)) < 0.005
    name: contract_mrr_identity
  - expression: customers_end = customers_start + new_customers - churned_customers
    name: contract_customers_identity
---*/
with movements as (
  select
    m.*,
    a.opening_day,
    a.month_end
  from {{ ref('mrr_movements_by_account') }} as m
  inner join {{ ref('account_mrr_monthly') }} as a
    on a.month_start = m.month_start and a.account_id = m.account_id
),

planned as (
  select
    m.*,
    coalesce(e.plan_id, o.plan_id) as plan_id
  from movements as m
  left join {{ ref('fact_subscription_daily') }} as e
    on e.account_id = m.account_id and e.snapshot_date = m.month_end and e.mrr > 0
  left join {{ ref('fact_subscription_daily') }} as o
    on o.account_id = m.account_id and o.snapshot_date = m.opening_day and o.mrr > 0
),

totals as (
  select
    p.month_start,
    p.plan_id,
    count(*) as customers,
    count(case when p.mrr_start > 0 then 1 end) as customers_start,
    count(case when p.movement = 'new' then 1 end) as new_customers,
    count(case when p.movement = 'churn' then 1 end) as churned_customers,
    count(case when p.mrr_end > 0 then 1 end) as customers_end,
    sum(p.mrr_start) as mrr_start,
    sum(p.new_mrr) as new_mrr,
    sum(p.churned_mrr) as churned_mrr,
    sum(p.reactivation_mrr + p.expansion_mrr - p.contraction_mrr) as net_change_mrr,
    sum(p.mrr_end) as mrr_end
  from planned as p
  group by p.month_start, p.plan_id
)

select
  t.month_start,
  coalesce(d.plan_name, 'Unknown') as contract_type,
  t.plan_id,
  cast(t.customers as integer) as customers,
  cast(t.customers_start as integer) as customers_start,
  cast(t.new_customers as integer) as new_customers,
  cast(t.churned_customers as integer) as churned_customers,
  cast(t.customers_end as integer) as customers_end,
  cast(t.churned_customers as double precision) / nullif(t.customers, 0) as churn_rate,
  cast(t.churned_customers as double precision) / nullif(t.customers_start, 0) as logo_churn_rate,
  cast(t.mrr_start as decimal(16, 4)) as mrr_start,
  cast(t.new_mrr as decimal(16, 4)) as new_mrr,
  cast(t.churned_mrr as decimal(16, 4)) as churned_mrr,
  cast(t.net_change_mrr as decimal(16, 4)) as net_change_mrr,
  cast(t.mrr_end as decimal(16, 4)) as mrr_end,
  cast(t.churned_mrr / nullif(t.mrr_start, 0) as double precision) as revenue_churn_rate
from totals as t
left join {{ ref('dim_plan') }} as d on d.plan_id = t.plan_id
