/*---
materialized: table
description: >
  Subscription periods, the shape most billing exports reduce to: customer, plan, start, end,
  monthly amount. This is the only model that knows the Telco file; a billing system that exports
  periods replaces it (or a source named periods does) and keeps everything downstream.

  The Telco file is a snapshot, so the periods are read back from it: a customer started tenure
  months before the snapshot date (0 months: on the snapshot date), and a churner (Churn = Yes,
  "left within the last month") ended on the snapshot date. The amount is today's MonthlyCharges
  for the whole period: the file has no price history (TotalCharges differs from tenure ×
  MonthlyCharges for most customers, so prices did change), so MRR before the snapshot month is
  an approximation; the snapshot month's MRR and churn are exact.
unique_key: period_id
columns:
  period_id: One period per Telco customer, so the customer id.
  account_id: The customer (Telco customerID).
  plan_id: The contract type's plan (see billing.plans).
  monthly_amount: MonthlyCharges, USD per month.
  started_on: First day of the period, the snapshot date minus tenure months (month ends stay month ends).
  ended_on: Day the period ended, the snapshot date for churners; null while it runs.
  exported_on: Date of the export (the Telco file's load date); an end after it is not known yet.
---*/
select
  t.customer_id as period_id,
  t.customer_id as account_id,
  p.plan_id,
  t.monthly_charges as monthly_amount,
  cast(t.load_date - t.tenure_months * interval '1 month' as date) as started_on,
  case when t.churned then t.load_date end as ended_on,
  t.load_date as exported_on
from {{ ref('telco') }} as t
inner join {{ ref('plans') }} as p on p.name = t.contract_type
