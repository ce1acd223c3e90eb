/*---
materialized: table
description: >
  The pack's account feed: one account per customer, known from the day its first period
  started. The Telco file says nothing of who the customers are beyond their household, so the
  attributes the pack segments by are constants: country US (the sample is a California telco,
  which also gives the region North America through the pack's country seed), industry
  "residential" (households, not one of the pack's business industries) and company size "1-10"
  (a household is the smallest band). With one version per account, dim_account never changes.
columns:
  account_id: Telco customerID.
  company_name: The customer id again (the file has no names).
  email: Null (no e-mail; the pack's email_hash is null too).
  country: US.
  industry: residential.
  company_size: 1-10.
  signup_at: Midnight of the first period's start.
  updated_at: Same as signup_at.
  load_date: The day of signup_at.
---*/
select
  account_id,
  account_id as company_name,
  cast(null as varchar) as email,
  'US' as country,
  'residential' as industry,
  '1-10' as company_size,
  cast(min(started_on) as timestamp) as signup_at,
  cast(min(started_on) as timestamp) as updated_at,
  min(started_on) as load_date
from {{ ref('periods') }}
group by account_id
