/*---
materialized: view
description: >
  Payments with a signed amount: charges positive, refunds negative, failed charges 0 (they moved
  no money; their attempted amount stays in amount_attempted).
columns:
  transaction_id: Natural key.
  account_id: Paying account.
  subscription_id: Subscription charged.
  created_at: When it happened (UTC).
  transaction_type: charge or refund.
  status: succeeded or failed.
  amount_attempted: The amount asked for, positive, USD.
  amount: Money moved, USD; negative for a refund, 0 for a failed charge.
  payment_method: card, sepa_debit, paypal or invoice.
  failure_code: Why a charge failed.
  refunded_transaction_id: The charge a refund returns.
  load_date: Load date of the file that brought it.
---*/
select
  transaction_id,
  account_id,
  subscription_id,
  created_at,
  type as transaction_type,
  status,
  amount as amount_attempted,
  case
    when status <> 'succeeded' then cast(0 as decimal(12, 2))
    when type = 'refund' then -amount
    else amount
  end as amount,
  payment_method,
  failure_code,
  refunded_transaction_id,
  load_date
from {{ ref('transactions') }}
