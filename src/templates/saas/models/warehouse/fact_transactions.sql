/*---
materialized: incremental
load_date_column: load_date
description: >
  One row per payment attempt or refund, in the partition of the file that brought it. amount is
  the money moved (refunds negative, failed charges 0); the account is the version in force when
  it happened (the UNKNOWN member when the account export does not hold it).
columns:
  transaction_id: Natural key.
  account_id: Paying account.
  account_sk: dim_account version at created_at.
  account_found: False when the account is not in dim_account.
  subscription_id: Subscription charged.
  date_key: dim_date key of the day.
  transaction_date: Day (UTC).
  created_at: When it happened (UTC).
  transaction_type: charge or refund.
  status: succeeded or failed.
  is_failed_charge: A charge that failed.
  amount_attempted: The amount asked for, USD.
  amount: Money moved, USD.
  payment_method: How it was paid.
  failure_code: Why a charge failed.
  refunded_transaction_id: The charge a refund returns.
  load_date: Load date of the file that brought it.
---*/
select
  t.transaction_id,
  t.account_id,
  coalesce(a.account_sk, (select account_sk from {{ ref('dim_account') }} where account_id = 'UNKNOWN')) as account_sk,
  a.account_sk is not null as account_found,
  t.subscription_id,
  cast(extract(year from t.created_at) * 10000 + extract(month from t.created_at) * 100
    + extract(day from t.created_at) as integer) as date_key,
  cast(t.created_at as date) as transaction_date,
  t.created_at,
  t.transaction_type,
  t.status,
  t.transaction_type = 'charge' and t.status = 'failed' as is_failed_charge,
  t.amount_attempted,
  t.amount,
  t.payment_method,
  t.failure_code,
  t.refunded_transaction_id,
  t.load_date
from {{ ref('stg_transactions') }} as t
left join {{ ref('account_versions') }} as a
  on a.account_id = t.account_id
 and t.created_at >= a.applies_from
 and t.created_at < a.applies_until
where t.load_date between {{ date_from }} and {{ date_to }}
