import { defineConfig, defineContract } from 'strata';

/**
 * The SaaS pack. Daily exports land in data/saas/<feed>/YYYY-MM-DD.<ext> (the layout
 * `strata generate --domain saas` writes); the load date is the date in the file name.
 *
 * To load your own billing exports, point `files` at them and map your column names and formats
 * in the contracts (`from:`, `formats:`, `nullValues:`). A feed you do not have is `files: []`:
 * its table is built empty and the models reading it run.
 *
 * Two shapes of subscription data feed the pack, either or both: the change log
 * (`subscriptions`, what the generator writes) and subscription periods (`subscription_periods`:
 * account, start, exclusive end, monthly amount — what most billing exports and the dbt MRR
 * playbook reduce to). stg_subscriptions reads each period as a change log (created on its start,
 * canceled on its end) and stg_accounts adds the accounts that only periods name. See README,
 * "Bring your own data", and examples/subscription_periods.
 */
const data = 'data/saas';
const iso = ['%Y-%m-%dT%H:%M:%SZ'];
const day = ['%Y-%m-%d'];
const money = { type: 'decimal', precision: 12, scale: 2 } as const;
const countries = ['AT', 'AU', 'BR', 'CA', 'CH', 'DE', 'DK', 'ES', 'FR', 'GB', 'IE', 'IT', 'JP', 'MX'].concat(
  ['NL', 'NZ', 'PL', 'PT', 'SE', 'SG', 'US'],
);
const industries = ['software', 'retail', 'healthcare', 'finance', 'education', 'manufacturing'].concat([
  'media',
  'logistics',
  'hospitality',
  'non-profit',
  'real estate',
  'consulting',
]);
const plans = ['free', 'starter', 'pro', 'enterprise'];

const planList = defineContract({
  description: 'Price list, a full snapshot every day. Prices are per seat.',
  uniqueKey: ['plan_id'],
  latestBy: 'updated_at',
  fields: {
    plan_id: { type: 'string', required: true },
    name: { type: 'string', required: true },
    tier: { type: 'integer', required: true, min: 0 },
    monthly_price: { ...money, required: true, min: 0 },
    annual_price: { ...money, required: true, min: 0 },
    currency: { type: 'enum', required: true, values: ['USD'] },
    max_seats: { type: 'integer', min: 1 },
    trial_days: { type: 'integer', required: true, min: 0 },
    features: { type: 'string' },
    updated_at: { type: 'timestamp', required: true, formats: iso },
  },
});

const accounts = defineContract({
  description:
    'Customer accounts, changed records: every account on the first day, then signups and changes.',
  uniqueKey: ['account_id'],
  latestBy: 'updated_at',
  fields: {
    account_id: { type: 'string', required: true, pattern: 'ACC[0-9]{7}' },
    company_name: { type: 'string', required: true },
    email: { type: 'string', required: true, pattern: '[^@ ]+@[^@ ]+' },
    country: { type: 'enum', required: true, values: countries },
    industry: { type: 'enum', required: true, values: industries },
    company_size: { type: 'enum', required: true, values: ['1-10', '11-50', '51-200', '201-1000', '1000+'] },
    website: { type: 'string' },
    signup_at: { type: 'timestamp', required: true, formats: iso },
    updated_at: { type: 'timestamp', required: true, formats: iso },
  },
});

const subscriptions = defineContract({
  description: 'Subscription change log: each record is the full state of a subscription after a change.',
  uniqueKey: ['subscription_id', 'change_type', 'effective_at'],
  fields: {
    subscription_id: { type: 'string', required: true },
    account_id: { type: 'string', required: true },
    plan_id: { type: 'enum', required: true, values: plans },
    billing_cycle: { type: 'enum', required: true, values: ['monthly', 'annual'] },
    seats: { type: 'integer', required: true, min: 1 },
    status: { type: 'enum', required: true, values: ['trialing', 'active', 'past_due', 'canceled'] },
    change_type: {
      type: 'enum',
      required: true,
      values: [
        'initial_load',
        'created',
        'trial_started',
        'trial_converted',
        'trial_expired',
        'upgraded',
        'downgraded',
        'seats_changed',
        'billing_cycle_changed',
        'renewed',
        'payment_failed',
        'payment_recovered',
        'canceled',
        'reactivated',
      ],
    },
    previous_plan_id: { type: 'string' },
    previous_seats: { type: 'integer' },
    unit_price: { ...money, required: true, min: 0 },
    effective_at: { type: 'timestamp', required: true, formats: iso },
    started_at: { type: 'date', required: true, formats: day },
    trial_end: { type: 'date', formats: day },
    current_period_start: { type: 'date', formats: day },
    current_period_end: { type: 'date', formats: day },
    canceled_at: { type: 'timestamp', formats: iso },
    cancel_reason: { type: 'enum', values: ['voluntary', 'payment_failed', 'trial_expired'] },
    coupon_code: { type: 'string' },
  },
});

const subscriptionPeriods = defineContract({
  description:
    'Subscription periods: one row per period an account paid a monthly amount, from start_date up to end_date (exclusive: the first day no longer paid; empty while it runs).',
  uniqueKey: ['subscription_id', 'account_id', 'start_date'],
  fields: {
    // Optional: without it a period is named by its account and start.
    subscription_id: { type: 'string' },
    account_id: { type: 'string', required: true },
    plan_id: { type: 'string' },
    start_date: { type: 'date', required: true, formats: day },
    end_date: { type: 'date', formats: day },
    monthly_amount: { ...money, required: true, min: 0 },
  },
  checks: [{ expression: 'end_date is null or end_date >= start_date', name: 'ends_after_start' }],
});

const transactions = defineContract({
  description:
    'Payments: charges, failed charges and refunds. amount is positive; a refund is type = refund.',
  uniqueKey: ['transaction_id'],
  fields: {
    transaction_id: { type: 'string', required: true },
    account_id: { type: 'string', required: true },
    subscription_id: { type: 'string', required: true },
    created_at: { type: 'timestamp', required: true, formats: iso },
    type: { type: 'enum', required: true, values: ['charge', 'refund'] },
    status: { type: 'enum', required: true, values: ['succeeded', 'failed'] },
    amount: { ...money, required: true, min: 0 },
    currency: { type: 'enum', required: true, values: ['USD'] },
    payment_method: { type: 'enum', required: true, values: ['card', 'sepa_debit', 'paypal', 'invoice'] },
    failure_code: {
      type: 'enum',
      values: ['card_declined', 'insufficient_funds', 'expired_card', 'processing_error'],
    },
    refunded_transaction_id: { type: 'string' },
    description: { type: 'string' },
  },
});

const usageEvents = defineContract({
  description: 'Product usage: logins and feature use, per user of an account.',
  uniqueKey: ['event_id'],
  fields: {
    event_id: { type: 'string', required: true },
    event_time: { type: 'timestamp', required: true, formats: iso },
    account_id: { type: 'string', required: true },
    user_id: { type: 'string', required: true },
    event_type: {
      type: 'enum',
      required: true,
      values: ['login', 'feature_used', 'page_view', 'api_call', 'export', 'invite_sent'],
    },
    feature: { type: 'string' },
    platform: { type: 'enum', required: true, values: ['web', 'desktop', 'ios', 'android', 'api'] },
    duration_ms: { type: 'integer', min: 0 },
    app_version: { type: 'string' },
  },
});

/** Every source checks its own ledger: records received = staged + quarantined + duplicates removed. */
const ledger = [{ reconciliation: 'raw' }];

export default defineConfig({
  name: 'saas',
  // The warehouse is a DuckDB file in this folder. Set STRATA_DATABASE_URL=postgres://... to use a server.
  engine: { type: 'duckdb', path: process.env.STRATA_WAREHOUSE ?? 'warehouse.duckdb', memoryLimit: '1GB' },
  run: { concurrency: 2, retries: 1 },
  // `strata schedule` (or `strata serve --schedule`) runs it; UTC. After downtime the missed load
  // dates run in order, up to catchupDays back. See README, "Schedules".
  schedules: {
    daily: { cron: '0 2 * * *', description: "Yesterday's exports, everything." },
  },
  sources: {
    plans: { files: `${data}/plans/*.json`, contract: planList, checks: ledger },
    accounts: { files: `${data}/accounts/*.json`, contract: accounts, checks: ledger },
    subscriptions: { files: `${data}/subscriptions/*.ndjson`, contract: subscriptions, checks: ledger },
    // The generator writes the change log, not periods: point files at a periods export to use it.
    subscription_periods: { files: [], contract: subscriptionPeriods, checks: ledger },
    transactions: { files: `${data}/transactions/*.csv`, contract: transactions, checks: ledger },
    usage_events: { files: `${data}/usage_events/*.ndjson.gz`, contract: usageEvents, checks: ledger },
  },
  checks: {
    // Subscriptions of accounts missing from the account export count under the UNKNOWN account.
    fact_subscription_daily: [
      { expression: 'account_found', severity: 'warn', name: 'account_known' },
      { expression: 'account_found', fail_above: '5%', name: 'account_known_mostly' },
      { range: { column: 'mrr', min: 0 } },
    ],
  },
});
