/*---
materialized: view
description: >
  Accounts, one row per account and load date (the newest change of that day). The billing e-mail
  is reduced to a hash and the company name is kept (it is what a churn list is read by); the
  website is dropped.
columns:
  account_id: Natural key.
  company_name: Company name, trimmed.
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
