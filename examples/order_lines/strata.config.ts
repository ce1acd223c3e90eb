import { defineConfig } from 'strata';
import pack from '../../src/templates/ecommerce/strata.config.ts';

// The UCI "Online Retail" sample (a UK gift-ware wholesaler, 1 December 2010), a line-item export:
// one row per invoice line, the invoice's date, customer and country repeated on each. It feeds
// the e-commerce pack, whose models, seeds and contracts are used where they are
// (src/templates/ecommerce): no model of this project's own. After `strata init --template
// ecommerce` the same edits go into the copied strata.config.ts.
const feeds = pack.sources ?? {};
const lines = feeds.order_lines;
const packFields = lines?.contract.fields ?? {};

export default defineConfig({
  ...pack,
  name: 'order_lines',
  engine: { type: 'duckdb', path: process.env.STRATA_EXAMPLE_WAREHOUSE ?? 'warehouse.duckdb' },
  models: { paths: ['../../src/templates/ecommerce/models'] },
  seeds: { paths: ['../../src/templates/ecommerce/seeds'] },
  sources: {
    // The feeds this shop does not export: built empty, so the pack's models run.
    customers: { ...feeds.customers, files: [] },
    products: { ...feeds.products, files: [] },
    // No product API either (the pack's products_api source, empty unless one is named).
    ...(feeds.products_api ? { products_api: { contract: feeds.products_api.contract, files: [] } } : {}),
    campaigns: { ...feeds.campaigns, files: [] },
    orders: { ...feeds.orders, files: [] },
    sales: { ...feeds.sales, files: [] },
    events: { ...feeds.events, files: [] },
    inventory: { ...feeds.inventory, files: [] },
    order_lines: {
      ...lines,
      files: '../../../shared/realdata/online_retail_sample/online_retail_sample.csv',
      // A one-off export with no date in its name: the day it covers.
      loadDate: { value: '2010-12-01' },
      contract: {
        ...lines?.contract,
        // The pack's fields, the file's own column names and formats where it has them. The
        // fields it lacks (status, channel, payment method, line number, discount, shipping) stay
        // empty: an order is completed, a line numbered by its place in the invoice.
        fields: {
          ...packFields,
          // C536379 is a cancellation: its lines have negative quantities and take revenue back.
          order_id: { type: 'string', from: 'INVOICE', required: true, pattern: 'C?[0-9]{6}' },
          // Stock codes are text (85123A, POST): the product's SKU, not a catalogue id.
          sku: { type: 'string', from: 'STOCKCODE', required: true },
          quantity: { type: 'integer', from: 'QUANTITY', required: true },
          // Day first, unpadded: 1/12/2010 8:26 is 1 December.
          placed_at: { type: 'timestamp', from: 'INVOICEDATE', required: true, formats: ['%d/%m/%Y %H:%M'] },
          unit_price: { type: 'decimal', precision: 12, scale: 2, from: 'PRICE', required: true, min: 0 },
          customer_id: { type: 'string', from: 'CUSTOMERID' },
          // Country names, mapped onto the ISO codes the pack's regions are keyed by.
          shipping_country: {
            type: 'enum',
            from: 'COUNTRY',
            values: ['GB', 'FR', 'AU'],
            map: { 'United Kingdom': 'GB', France: 'FR', Australia: 'AU' },
          },
        },
      },
    },
  },
  checks: {
    ...pack.checks,
    // No product catalogue: every line's product is unknown (its SKU is kept on the line), so the
    // gate that stops the marts when most products are unknown does not apply; the warning stays.
    fact_order_items: [{ expression: 'product_found', severity: 'warn', name: 'product_known' }],
  },
});
