import { defineConfig } from 'strata';
import pack from '../../src/templates/saas/strata.config.ts';

// A billing system's subscription-periods export (the dbt MRR playbook's shape: customer, start,
// exclusive end, monthly amount) fed to the SaaS pack, whose models, seeds and contracts are used
// where they are (src/templates/saas): no model of this project's own. After
// `strata init --template saas` the same edits go into the copied strata.config.ts.
const feeds = pack.sources ?? {};

export default defineConfig({
  ...pack,
  name: 'subscription_periods',
  engine: { type: 'duckdb', path: process.env.STRATA_EXAMPLE_WAREHOUSE ?? 'warehouse.duckdb' },
  models: { paths: ['../../src/templates/saas/models'] },
  seeds: { paths: ['../../src/templates/saas/seeds'] },
  sources: {
    // The feeds this billing system does not export: built empty, so the pack's models run.
    plans: { ...feeds.plans, files: [] },
    accounts: { ...feeds.accounts, files: [] },
    subscriptions: { ...feeds.subscriptions, files: [] },
    transactions: { ...feeds.transactions, files: [] },
    usage_events: { ...feeds.usage_events, files: [] },
    subscription_periods: {
      ...feeds.subscription_periods,
      // One export, its date in its name: periods that ended by 15 July 2024 have an end date.
      files: 'exports/subscription_periods_*.csv',
      contract: {
        uniqueKey: ['subscription_id', 'account_id', 'start_date'],
        fields: {
          subscription_id: { type: 'string' },
          account_id: { type: 'string', from: 'customer_id', required: true },
          plan_id: { type: 'string', from: 'plan' },
          // Most dates are ISO; one clerk typed US dates.
          start_date: { type: 'date', required: true, formats: ['%Y-%m-%d', '%m/%d/%Y'] },
          // Exclusive: the first day the customer no longer pays. Empty while the period runs.
          end_date: { type: 'date', formats: ['%Y-%m-%d', '%m/%d/%Y'] },
          monthly_amount: { type: 'decimal', precision: 12, scale: 2, required: true, min: 0 },
        },
        checks: [{ expression: 'end_date is null or end_date >= start_date', name: 'ends_after_start' }],
      },
    },
  },
});
