import { defineConfig } from 'strata';

// dbt Labs' classic jaffle_shop seeds, read in place from shared/realdata (a one-off export:
// the path holds no date, so every file is loaded under one fixed load date).
const data = '../../../shared/realdata/jaffle_shop';
const loadDate = { value: '2018-04-09' };

export default defineConfig({
  name: 'jaffle_shop',
  engine: { type: 'duckdb', path: process.env.STRATA_EXAMPLE_WAREHOUSE ?? 'warehouse.duckdb' },
  sources: {
    customers: {
      files: `${data}/raw_customers.csv`,
      loadDate,
      contract: {
        uniqueKey: ['customer_id'],
        fields: {
          customer_id: { type: 'integer', from: 'id', required: true, min: 1 },
          first_name: { type: 'string', required: true },
          // The export keeps only the initial of the last name: "P."
          last_initial: { type: 'string', from: 'last_name', pattern: '[A-Z]\\.' },
        },
      },
    },
    orders: {
      // raw_orders.csv has CRLF line endings; the other two files LF.
      files: `${data}/raw_orders.csv`,
      loadDate,
      contract: {
        uniqueKey: ['order_id'],
        fields: {
          order_id: { type: 'integer', from: 'id', required: true, min: 1 },
          customer_id: { type: 'integer', from: 'user_id', required: true, min: 1 },
          order_date: { type: 'date', required: true, formats: ['%Y-%m-%d'] },
          status: {
            type: 'enum',
            required: true,
            values: ['placed', 'shipped', 'completed', 'return_pending', 'returned'],
          },
        },
      },
    },
    payments: {
      files: `${data}/raw_payments.csv`,
      loadDate,
      contract: {
        uniqueKey: ['payment_id'],
        fields: {
          payment_id: { type: 'integer', from: 'id', required: true, min: 1 },
          order_id: { type: 'integer', required: true, min: 1 },
          payment_method: {
            type: 'enum',
            required: true,
            values: ['credit_card', 'coupon', 'bank_transfer', 'gift_card'],
          },
          // Integer cents in the export; some payments are zero.
          amount_cents: { type: 'integer', from: 'amount', required: true, min: 0 },
        },
      },
    },
  },
});
