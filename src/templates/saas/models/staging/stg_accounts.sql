/*---
materialized: view
description: >
  Accounts, one row per account and load date (the newest change of that day). The billing e-mail
  is reduced to a hash and the company name is kept (it is what a churn list is read by); the
  website is dropped. An account that only subscription periods name (no accounts feed, or one
  that lacks it) is added once: its id as its name, no country, industry or size, signed up on its
  first period's start, loaded when that start counts (see stg_subscriptions).
columns:
  account_id: Natural key.
  company_name: Company name, trimmed; the account id for an account only periods name.
  email_hash: md5 of the trimmed, lower-cased billing e-mail.
  country: ISO 3166-1 alpha-2 code.
  industry: Industry.
  company_size: Employees band (1-10 ... 1000+).
  signup_at: When the account was created (UTC).
  updated_at: When this version was written (UTC).
  load_date: Load date of the file that brought the change.
---*/
select
  account_id,
  trim(company_name) as company_name,
  md5(lower(trim(email))) as email_hash,
  country,
  industry,
  company_size,
  signup_at,
  updated_at,
  load_date
from {{ ref('accounts') }}
union all
select
  p.account_id,
  p.account_id,
  cast(null as varchar),
  cast(null as varchar),
  cast(null as varchar),
  cast(null as varchar),
  cast(min(p.start_date) as timestamp),
  cast(min(p.start_date) as timestamp),
  case
    when min(p.load_date) = (select min(f.load_date) from {{ ref('subscription_periods') }} as f)
      then least(min(p.start_date), min(p.load_date))
    else min(p.load_date)
  end
from {{ ref('subscription_periods') }} as p
where not exists (select 1 from {{ ref('accounts') }} as a where a.account_id = p.account_id)
group by p.account_id
