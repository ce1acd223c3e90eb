/*---
materialized: scd2
description: >
  Accounts with history (SCD type 2) of the attributes that segment revenue and do not depend on
  the plan: industry, company size and country. A new version opens when one of them changes, valid
  from the change's updated_at. The member with account_id 'UNKNOWN' stands for accounts a
  subscription or event names but the account export never held.
unique_key: account_id
load_date_column: load_date
valid_from_column: updated_at
tracked_columns: [industry, company_size, country]
columns:
  account_sk: Surrogate key of the version (md5 of account_id and valid_from).
  account_id: Natural key; 'UNKNOWN' for the unknown member.
  company_name: Company name.
  email_hash: md5 of the billing e-mail.
  country: ISO country code.
  region: Sales region of the country.
  industry: Industry.
  company_size: Employees band.
  signup_at: When the account was created.
  updated_at: When the source wrote this version.
  load_date: Load date of the file that brought it.
  valid_from: Start of the version.
  valid_to: End of the version; null while current.
  is_current: True for the version in force now.
  strata_load_date: Load date whose run created the version.
surrogate_key: account_sk
checks:
  - not_null: account_id
---*/
select
  a.account_id, a.company_name, a.email_hash, a.country, coalesce(r.region, 'Unknown') as region,
  a.industry, a.company_size, a.signup_at, a.updated_at, a.load_date
from {{ ref('stg_accounts') }} as a
left join {{ ref('country_regions') }} as r on r.country = a.country
union all
-- The unknown member is loaded with the first load date. A run from date D can only keep it when
-- no account row is older than D (else its date is older too), so the member's branch asks for
-- the rows from D on and whether any row is older: both filters reach the scans, and a day's run
-- does not read the history to find a date it would drop anyway.
select
  'UNKNOWN', 'Unknown', null, null, 'Unknown', 'unknown', 'unknown', null,
  cast('1900-01-01 00:00:00' as timestamp), m.first_load
from (
  select min(load_date) as first_load from {{ ref('stg_accounts') }} where load_date >= {{ date_from }}
) as m
where m.first_load is not null
  and not exists (select 1 from {{ ref('stg_accounts') }} where load_date < {{ date_from }})
