import { defineConfig } from 'strata';

// The first 232 lines of the UCI "Online Retail" data set (a UK gift-ware wholesaler, 1 Dec
// 2010), read in place from shared/realdata. Upper-case headers, day-first dates without zero
// padding ("1/12/2010 8:26" is 1 December), cancellations as invoices starting with C and
// negative quantities, a customer id that the full data set often leaves empty.
export default defineConfig({
  name: 'online_retail',
  engine: { type: 'duckdb', path: process.env.STRATA_EXAMPLE_WAREHOUSE ?? 'warehouse.duckdb' },
  sources: {
    invoice_lines: {
      files: '../../../shared/realdata/online_retail_sample/online_retail_sample.csv',
      loadDate: { value: '2010-12-01' },
      contract: {
        // No uniqueKey: one invoice can list the same stock code twice (536381 has two lines of
        // 71270 with different quantities), and both are real sales.
        fields: {
          invoice_no: { type: 'string', from: 'INVOICE', required: true, pattern: 'C?[0-9]{6}' },
          stock_code: { type: 'string', from: 'STOCKCODE', required: true },
          description: { type: 'string', from: 'DESCRIPTION' },
          // Negative on cancellation lines: valid, and kept (the marts leave them out).
          quantity: { type: 'integer', from: 'QUANTITY', required: true },
          invoiced_at: {
            type: 'timestamp',
            from: 'INVOICEDATE',
            required: true,
            formats: ['%d/%m/%Y %H:%M'],
          },
          unit_price: { type: 'decimal', precision: 10, scale: 2, from: 'PRICE', required: true, min: 0 },
          // Empty in a quarter of the full data set: null, not a reason to quarantine the sale.
          customer_id: { type: 'integer', from: 'CUSTOMERID' },
          country: { type: 'string', from: 'COUNTRY', required: true },
        },
      },
    },
  },
});
