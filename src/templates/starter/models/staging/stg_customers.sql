/*---
materialized: view
description: Customer snapshots as delivered, one row per customer per snapshot date, tidied.
columns:
  customer_id: Natural key from the shop system.
  email_hash: SHA-like hash of the lower-cased email; the warehouse keeps no raw PII.
  city: City, trimmed.
  segment: Marketing segment, lower-case.
  snapshot_date: The date of the snapshot this row came from (its load date).
---*/
select
  customer_id,
  trim(name) as name,
  md5(lower(trim(email))) as email_hash,
  trim(city) as city,
  lower(trim(segment)) as segment,
  cast(snapshot_date as date) as snapshot_date
from {{ ref('customers') }}
