/*---
materialized: scd2
description: >
  Customers with history (SCD type 2). A new version opens when the segment, city, country,
  e-mail or marketing consent changes; it is valid from the change's updated_at, so an order joins
  the version in force when it was placed (valid_from <= placed_at < valid_to). The member with
  customer_id 'UNKNOWN' stands for keys a fact references but the customer export never held:
  facts point such rows at it instead of dropping them. It is there once the customers feed or
  the order_lines feed has delivered (without a customers feed, customers come from the lines).
unique_key: customer_id
load_date_column: load_date
valid_from_column: updated_at
columns:
  customer_sk: Surrogate key of the version (md5 of customer_id and valid_from).
  customer_id: Natural key; 'UNKNOWN' for the unknown member.
  email_hash: md5 of the lower-cased e-mail.
  has_phone: Whether a phone number was given.
  segment: Marketing segment.
  city: City.
  country: ISO country code.
  region: Sales region.
  signup_date: Day the customer registered.
  marketing_opt_in: Consent to marketing e-mail.
  updated_at: When the source wrote this version.
  load_date: Load date of the file that brought it.
  valid_from: Start of the version.
  valid_to: End of the version; null while current.
  is_current: True for the version in force now.
  strata_load_date: Load date whose run created the version.
checks:
  - not_null: customer_id
---*/
select
  customer_id, email_hash, has_phone, segment, city, country, region, signup_date,
  marketing_opt_in, updated_at, load_date
from {{ ref('stg_customers') }}
union all
-- The unknown member is loaded with the first load date. A run from date D can only keep it when
-- no row is older than D (else its date is older too), so the member's branch asks for the rows
-- from D on and whether any row is older: both filters reach the scans, and a day's run does not
-- read the history to find a date it would drop anyway.
select
  'UNKNOWN', null, false, 'unknown', 'Unknown', null, 'Unknown', null,
  false, cast('1900-01-01 00:00:00' as timestamp), m.first_load
from (
  select coalesce(
    (select min(load_date) from {{ ref('stg_customers') }} where load_date >= {{ date_from }}),
    (select min(load_date) from {{ ref('order_lines') }})
  ) as first_load
) as m
where m.first_load is not null
  and not exists (select 1 from {{ ref('stg_customers') }} where load_date < {{ date_from }})
