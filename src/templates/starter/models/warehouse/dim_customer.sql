/*---
materialized: scd2
description: Customers with history. A new version opens when the city or segment changes.
unique_key: customer_id
tracked_columns: [city, segment]
load_date_column: snapshot_date
columns:
  customer_sk: Surrogate key of the version (added by strata).
  valid_from: Start of the version (added by strata).
  valid_to: End of the version, null while current (added by strata).
  is_current: True for the version in force now (added by strata).
checks:
  - not_null: customer_id
---*/
select customer_id, name, email_hash, city, segment, snapshot_date
from {{ ref('stg_customers') }}
