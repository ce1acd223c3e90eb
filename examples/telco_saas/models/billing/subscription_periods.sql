/*---
materialized: table
description: >
  The Telco file read back into subscription periods, the shape the SaaS pack's
  subscription_periods feed takes (account, start, exclusive end, monthly amount): a model of that
  name stands in for the feed, and the pack's staging turns the periods into its change log and
  accounts. This is the only model that knows the Telco file; an export of real periods needs no
  model at all (examples/subscription_periods).

  The Telco file is a snapshot, so the periods are read back from it: a customer started tenure
  months before the snapshot date (0 months: on the snapshot date), and a churner (Churn = Yes,
  "left within the last month") ended on the snapshot date. The amount is today's MonthlyCharges
  for the whole period: the file has no price history (TotalCharges differs from tenure ×
  MonthlyCharges for most customers, so prices did change), so MRR before the snapshot month is
  an approximation; the snapshot month's MRR and churn are exact.
columns:
  subscription_id: Null, so a period is named by its customer and start.
  account_id: The customer (Telco customerID).
  plan_id: The contract type's plan (see billing.plans).
  start_date: First day of the period, the snapshot date minus tenure months (month ends stay month ends).
  end_date: First day no longer paid, the snapshot date for churners; null while it runs.
  monthly_amount: MonthlyCharges, USD per month.
  load_date: Date of the export (the Telco file's load date), as of which the history is known.
---*/
select
  cast(null as varchar) as subscription_id,
  t.customer_id as account_id,
  p.plan_id,
  cast(t.load_date - t.tenure_months * interval '1 month' as date) as start_date,
  case when t.churned then t.load_date end as end_date,
  t.monthly_charges as monthly_amount,
  t.load_date
from {{ ref('telco') }} as t
inner join {{ ref('plans') }} as p on p.name = t.contract_type
