/*---
materialized: view
description: >
  The pack's payments feed, empty: this export has no payments or usage; those marts stay empty
  (fact_transactions here, fact_user_events beside it). The columns and types are the pack's, so
  its models build unchanged.
columns:
  transaction_id: Natural key.
  account_id: Paying account.
  subscription_id: Subscription charged.
  created_at: When it happened (UTC).
  type: charge or refund.
  status: succeeded or failed.
  amount: Amount, positive, USD.
  payment_method: card, sepa_debit, paypal or invoice.
  failure_code: Why a charge failed.
  refunded_transaction_id: The charge a refund returns.
  load_date: Load date of the file that brought it.
---*/
select
  cast(null as varchar) as transaction_id,
  cast(null as varchar) as account_id,
  cast(null as varchar) as subscription_id,
  cast(null as timestamp) as created_at,
  cast(null as varchar) as type,
  cast(null as varchar) as status,
  cast(null as decimal(12, 2)) as amount,
  cast(null as varchar) as payment_method,
  cast(null as varchar) as failure_code,
  cast(null as varchar) as refunded_transaction_id,
  cast(null as date) as load_date
where false
