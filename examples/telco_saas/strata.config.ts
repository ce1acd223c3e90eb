import { defineConfig } from 'strata';
import pack from '../../src/templates/saas/strata.config.ts';

const feeds = pack.sources ?? {};

// The IBM "Telco Customer Churn" sample (7,043 customers of a fictional California telco, one
// snapshot row each), read in place from shared/realdata and mapped onto the SaaS pack, whose
// models and seeds are used where they are (src/templates/saas), not copied.
//
// The Telco rows become subscription periods (customer, start, exclusive end, monthly amount): the
// model billing.subscription_periods stands in for the pack's feed of that name (a ref() finds a
// model as it would a source), and the pack turns the periods into its change log and accounts.
// billing.plans is the price list, one plan per contract type. The feeds the file has nothing for
// (accounts, the change log, payments, usage) are the pack's sources, declared empty.
export default defineConfig({
  name: 'telco_saas',
  engine: { type: 'duckdb', path: process.env.STRATA_EXAMPLE_WAREHOUSE ?? 'warehouse.duckdb' },
  // Paths are relative to this folder. A model's schema is its first folder under its path
  // (staging, warehouse, marts for the pack; billing and marts here).
  models: { paths: ['models', '../../src/templates/saas/models'] },
  seeds: { paths: ['../../src/templates/saas/seeds'] },
  sources: {
    telco: {
      files: '../../../shared/realdata/telco_churn/Telco-Customer-Churn.csv',
      // The file is a snapshot with no date in it or in its name. 31 December 2024 is the date
      // this example says it was taken: tenures count back from it, churners leave on it.
      loadDate: { value: '2024-12-31' },
      contract: {
        uniqueKey: ['customer_id'],
        // Only what MRR and churn need; the service columns (PhoneService, InternetService,
        // StreamingTV, ...) stay in raw.telco.
        fields: {
          customer_id: { type: 'string', from: 'customerID', required: true, pattern: '[0-9]{4}-[A-Z]{5}' },
          // Whole months with the company at the snapshot; 0 for the 11 who joined this month.
          tenure_months: { type: 'integer', from: 'tenure', required: true, min: 0, max: 1200 },
          contract_type: {
            type: 'enum',
            from: 'Contract',
            required: true,
            values: ['Month-to-month', 'One year', 'Two year'],
          },
          // What the customer pays per month now, whatever the contract's length.
          monthly_charges: {
            type: 'decimal',
            precision: 12,
            scale: 2,
            from: 'MonthlyCharges',
            required: true,
            min: 0,
          },
          // Text in the file, and a single space for the tenure-0 customers (billed nothing yet):
          // trimmed, a blank is an empty string, which is null, so not required.
          total_charges: { type: 'decimal', precision: 12, scale: 2, from: 'TotalCharges', min: 0 },
          // Yes when the customer left within the last month.
          churned: { type: 'boolean', from: 'Churn', required: true },
        },
      },
      checks: [{ reconciliation: 'raw' }],
    },
    accounts: { ...feeds.accounts, files: [] },
    subscriptions: { ...feeds.subscriptions, files: [] },
    transactions: { ...feeds.transactions, files: [] },
    usage_events: { ...feeds.usage_events, files: [] },
  },
  checks: {
    // Accounts and subscriptions come from the same rows, so every subscription finds its account.
    fact_subscription_daily: [
      { expression: 'account_found', name: 'account_known' },
      { range: { column: 'mrr', min: 0 } },
    ],
  },
});
