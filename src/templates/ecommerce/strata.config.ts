import { defineConfig, defineContract } from 'strata';

/**
 * The e-commerce pack. Daily exports land in data/ecommerce/<feed>/YYYY-MM-DD.<ext> (the layout
 * `strata generate --domain ecommerce` writes); the load date is the date in the file name.
 *
 * To load your own exports, point `files` at them and map your column names and formats in the
 * contracts: `from: 'Order Date'`, `formats: ['%m/%d/%Y']`, `nullValues: ['NULL']`. The models
 * only ever see the contract's field names. A feed you do not have is `files: []`: its table is
 * built empty and the models reading it run.
 *
 * Orders arrive in either shape, or both: `orders`, one record per order with its lines nested
 * (what the generator writes), or `order_lines`, one row per order line with the order's columns
 * repeated on each (most shop exports: Shopify, WooCommerce, Superstore, Online Retail). The
 * staging models read both into the same orders and lines, and customers that only the lines
 * name into stg_customers. See README, "Bring your own data", and examples/order_lines.
 *
 * Products come from the product files by default. Name a product API in the FakeStore shape
 * (GET <url>/products: id, title, price, description, category, image, rating) with
 * STRATA_PRODUCTS_API_URL=https://fakestoreapi.com (or write the URL below) and the
 * `products_api` source fetches it once per run's last date, retrying 5xx, 429 and timeouts:
 * from the first date the API serves a product, stg_products takes its name, price and
 * category from the API, and the fields the API lacks (sku, cost, brand, status...) from the
 * newest product file up to that date when there is one. Without a URL the source is empty.
 */
const data = 'data/ecommerce';
const productsApi = process.env.STRATA_PRODUCTS_API_URL?.trim().replace(/\/+$/, '') || undefined;
const iso = ['%Y-%m-%dT%H:%M:%SZ'];
const day = ['%Y-%m-%d'];
const money = { type: 'decimal', precision: 12, scale: 2 } as const;
const countries = ['AT', 'AU', 'BR', 'CA', 'CH', 'DE', 'DK', 'ES', 'FR', 'GB', 'IE', 'IT', 'JP', 'MX'].concat(
  ['NL', 'NZ', 'PL', 'PT', 'SE', 'SG', 'US'],
);
const categories = ['electronics', 'jewelery', "men's clothing", "women's clothing", 'home & kitchen'].concat(
  ['beauty', 'sports & outdoors', 'toys & games', 'books'],
);

const customers = defineContract({
  description: 'Customer master, changed records: every customer on the first day, then changes.',
  uniqueKey: ['customer_id'],
  latestBy: 'updated_at',
  fields: {
    customer_id: { type: 'string', required: true, pattern: 'C[0-9]{8}' },
    first_name: { type: 'string', required: true },
    last_name: { type: 'string', required: true },
    email: { type: 'string', required: true, pattern: '[^@ ]+@[^@ ]+' },
    phone: { type: 'string' },
    segment: { type: 'enum', required: true, values: ['vip', 'regular', 'occasional'] },
    city: { type: 'string', required: true },
    country: { type: 'enum', required: true, values: countries },
    signup_date: { type: 'date', required: true, formats: day },
    marketing_opt_in: { type: 'boolean' },
    updated_at: { type: 'timestamp', required: true, formats: iso },
  },
});

const products = defineContract({
  description: 'Product catalogue, changed records: launches, price changes, re-categorisations.',
  uniqueKey: ['product_id'],
  latestBy: 'updated_at',
  fields: {
    product_id: { type: 'integer', required: true, min: 1 },
    sku: { type: 'string', required: true },
    name: { type: 'string', required: true },
    category: { type: 'enum', required: true, values: categories },
    subcategory: { type: 'string' },
    brand: { type: 'string' },
    price: { ...money, required: true, min: 0 },
    cost: { ...money, required: true, min: 0 },
    currency: { type: 'enum', required: true, values: ['USD'] },
    status: { type: 'enum', required: true, values: ['active', 'discontinued'] },
    launched_date: { type: 'date', required: true, formats: day },
    updated_at: { type: 'timestamp', required: true, formats: iso },
  },
});

/** The product API's records (FakeStore shape); `rating` is not kept. */
const productsFromApi = defineContract({
  description: 'Product catalogue from the products API, one snapshot per fetch (load date).',
  uniqueKey: ['id'],
  fields: {
    id: { type: 'integer', required: true, min: 1 },
    title: { type: 'string', required: true },
    price: { ...money, required: true, min: 0 },
    description: { type: 'string' },
    category: { type: 'string', required: true },
    image: { type: 'string', pattern: 'https?://.+' },
  },
});

const campaigns = defineContract({
  description: 'Marketing campaigns, changed records.',
  uniqueKey: ['campaign_id'],
  latestBy: 'updated_at',
  fields: {
    campaign_id: { type: 'string', required: true },
    name: { type: 'string', required: true },
    channel: {
      type: 'enum',
      required: true,
      values: ['email', 'paid_search', 'paid_social', 'display', 'affiliate'],
    },
    utm_source: { type: 'string', required: true },
    utm_medium: { type: 'string', required: true },
    utm_campaign: { type: 'string', required: true },
    start_date: { type: 'date', required: true, formats: day },
    end_date: { type: 'date', required: true, formats: day },
    budget: { ...money, required: true, min: 0 },
    currency: { type: 'enum', required: true, values: ['USD'] },
    status: { type: 'enum', required: true, values: ['scheduled', 'active', 'paused', 'completed'] },
    objective: { type: 'string' },
    updated_at: { type: 'timestamp', required: true, formats: iso },
  },
});

const orders = defineContract({
  description: 'Online orders with nested line items; every status change is a full new record.',
  uniqueKey: ['order_id', 'status'],
  latestBy: 'updated_at',
  fields: {
    order_id: { type: 'string', required: true },
    customer_id: { type: 'string', required: true },
    status: {
      type: 'enum',
      required: true,
      values: ['placed', 'shipped', 'completed', 'cancelled', 'returned'],
    },
    placed_at: { type: 'timestamp', required: true, formats: iso },
    updated_at: { type: 'timestamp', required: true, formats: iso },
    channel: { type: 'enum', required: true, values: ['web', 'mobile_app', 'marketplace'] },
    payment_method: {
      type: 'enum',
      required: true,
      values: ['credit_card', 'paypal', 'apple_pay', 'klarna', 'gift_card', 'bank_transfer'],
    },
    campaign_id: { type: 'string' },
    coupon_code: { type: 'string' },
    currency: { type: 'enum', required: true, values: ['USD'] },
    shipping_city: { type: 'string', required: true },
    shipping_country: { type: 'enum', required: true, values: countries },
    items: {
      type: 'array',
      required: true,
      items: {
        line_number: { type: 'integer', required: true, min: 1 },
        product_id: { type: 'integer', required: true, min: 1 },
        quantity: { type: 'integer', required: true, min: 0 },
        unit_price: { ...money, required: true },
        discount_amount: { ...money, required: true },
      },
    },
    subtotal: { ...money, required: true },
    discount_total: { ...money, required: true },
    shipping_amount: { ...money, required: true },
    total_amount: { ...money, required: true },
  },
});

const orderLines = defineContract({
  description:
    "Order lines, one row per line with the order's columns repeated on every line. Only the order id, when it was placed, the quantity and the unit price or line amount are needed; the lines of an order are the rows sharing its id (and status) in a load date.",
  fields: {
    order_id: { type: 'string', required: true },
    // Position of the line in its order; without it, its position among the order's rows.
    line_number: { type: 'integer', min: 1 },
    customer_id: { type: 'string' },
    // Without it an order is completed.
    status: { type: 'enum', values: ['placed', 'shipped', 'completed', 'cancelled', 'returned'] },
    placed_at: { type: 'timestamp', required: true, formats: iso },
    updated_at: { type: 'timestamp', formats: iso },
    channel: { type: 'enum', values: ['web', 'mobile_app', 'marketplace'] },
    payment_method: {
      type: 'enum',
      values: ['credit_card', 'paypal', 'apple_pay', 'klarna', 'gift_card', 'bank_transfer'],
    },
    campaign_id: { type: 'string' },
    coupon_code: { type: 'string' },
    currency: { type: 'enum', values: ['USD'] },
    shipping_city: { type: 'string' },
    shipping_country: { type: 'enum', values: countries },
    // The order's shipping, repeated on its lines: counted once per order.
    shipping_amount: { ...money, min: 0 },
    // The product: its catalogue id, or its SKU (looked up in the products feed when there is one).
    product_id: { type: 'integer', min: 1 },
    sku: { type: 'string' },
    // Negative on a return or cancellation line: it takes the revenue back.
    quantity: { type: 'integer', required: true },
    // The price per unit, or the line's amount (quantity × unit price) when the export gives that.
    unit_price: { ...money },
    line_amount: { ...money },
    // The line's discount in money (0 when empty).
    discount_amount: { ...money },
  },
  checks: [
    { expression: 'unit_price is not null or line_amount is not null', name: 'line_priced' },
    // The order's columns are read from its first line: the others should say the same.
    {
      sql: `select order_id, load_date from {{ this }} group by order_id, load_date
        having count(distinct customer_id) > 1 or count(distinct placed_at) > 1
            or count(distinct shipping_country) > 1 or count(distinct shipping_amount) > 1`,
      severity: 'warn',
      name: 'order_columns_agree',
    },
  ],
});

const sales = defineContract({
  description: 'In-store transactions of loyalty-card customers, one product each (gzip CSV).',
  uniqueKey: ['transaction_id'],
  fields: {
    transaction_id: { type: 'string', required: true },
    transaction_date: { type: 'timestamp', required: true, formats: ['%Y-%m-%d %H:%M:%S'] },
    customer_id: { type: 'string', required: true },
    customer_name: { type: 'string', required: true },
    city: { type: 'string', required: true },
    product_id: { type: 'integer', required: true, min: 1 },
    product_name: { type: 'string', required: true },
    category: { type: 'enum', required: true, values: categories },
    quantity: { type: 'integer', required: true, min: 0 },
    unit_price: { ...money, required: true },
    total_amount: { ...money, required: true },
    payment_method: {
      type: 'enum',
      required: true,
      values: ['cash', 'credit_card', 'debit_card', 'mobile_pay'],
    },
    store_id: { type: 'string', required: true },
    promo_code: { type: 'string' },
  },
});

const events = defineContract({
  description: 'Clickstream (CSV): page_view → product_view → add_to_cart → checkout → purchase.',
  uniqueKey: ['event_id'],
  fields: {
    event_id: { type: 'string', required: true },
    event_time: { type: 'timestamp', required: true, formats: iso },
    event_type: {
      type: 'enum',
      required: true,
      values: ['page_view', 'product_view', 'add_to_cart', 'checkout', 'purchase'],
    },
    session_id: { type: 'string', required: true },
    anonymous_id: { type: 'string', required: true },
    customer_id: { type: 'string' },
    page_url: { type: 'string', required: true },
    product_id: { type: 'integer', min: 1 },
    order_id: { type: 'string' },
    revenue: { ...money },
    device: { type: 'enum', required: true, values: ['desktop', 'mobile', 'tablet'] },
    referrer: { type: 'string' },
    utm_source: { type: 'string' },
    utm_medium: { type: 'string' },
    utm_campaign: { type: 'string' },
    country: { type: 'enum', required: true, values: countries },
  },
});

const inventory = defineContract({
  description: 'End-of-day stock per product and warehouse (Parquet).',
  uniqueKey: ['snapshot_date', 'warehouse_id', 'product_id'],
  fields: {
    snapshot_date: { type: 'date', required: true, formats: day },
    warehouse_id: { type: 'enum', required: true, values: ['WH-NA', 'WH-EU'] },
    product_id: { type: 'integer', required: true, min: 1 },
    on_hand_qty: { type: 'integer', required: true, min: 0 },
    units_sold: { type: 'integer', required: true, min: 0 },
    units_received: { type: 'integer', required: true, min: 0 },
    units_returned: { type: 'integer', required: true, min: 0 },
    reorder_point: { type: 'integer', required: true },
    unit_cost: { ...money, required: true },
    bin_location: { type: 'string' },
  },
});

/** Every source checks its own ledger: records received = staged + quarantined + duplicates removed. */
const ledger = [{ reconciliation: 'raw' }];

export default defineConfig({
  name: 'ecommerce',
  // The warehouse is a DuckDB file in this folder. Set STRATA_DATABASE_URL=postgres://... to use a server.
  // memoryLimit bounds the warehouse's memory at any data size (DuckDB spills to disk beyond it).
  engine: { type: 'duckdb', path: process.env.STRATA_WAREHOUSE ?? 'warehouse.duckdb', memoryLimit: '1GB' },
  run: { concurrency: 2, retries: 1 },
  // `strata schedule` (or `strata serve --schedule`) runs these; times are UTC. After downtime the
  // missed load dates run in order, up to catchupDays back. See README, "Schedules".
  schedules: {
    daily: {
      cron: '0 2 * * *',
      description: "Yesterday's exports; the product API, when one is named, refreshes weekly instead.",
      exclude: ['products_api'],
    },
    // With a product API named: its products on Mondays, and everything built on them. The fetch
    // is dated the day it happens: from that day the API's names and prices hold.
    ...(productsApi
      ? {
          products_weekly: {
            cron: '0 3 * * 1',
            description: 'Products from the product API, and everything built on them.',
            select: ['products_api+'],
            loadDateOffsetDays: 0,
          },
        }
      : {}),
  },
  sources: {
    customers: { files: `${data}/customers/*.ndjson`, contract: customers, checks: ledger },
    products: { files: `${data}/products/*.json`, contract: products, checks: ledger },
    // The product API, when one is named (see the top of this file); else a feed the project does not have.
    products_api: productsApi
      ? {
          http: {
            url: `${productsApi}/products`,
            // Pages of 100 while the API sends a `Link: <...>; rel="next"` header (FakeStore itself
            // sends none and answers every product to a limit of 100 or more).
            query: { limit: '100' },
            pagination: { type: 'link' },
            retries: 6,
            retryDelayMs: 250,
            timeoutMs: 15_000,
          },
          contract: productsFromApi,
          checks: ledger,
        }
      : { files: [], contract: productsFromApi, checks: ledger },
    campaigns: { files: `${data}/campaigns/*.csv`, contract: campaigns, checks: ledger },
    orders: { files: `${data}/orders/*.json`, contract: orders, checks: ledger },
    // The generator writes nested orders, not lines: point files at a line-item export to use it.
    order_lines: { files: [], contract: orderLines, checks: ledger },
    sales: { files: `${data}/sales/*.csv.gz`, contract: sales, checks: ledger },
    events: { files: `${data}/events/*.csv`, contract: events, checks: ledger },
    inventory: { files: `${data}/inventory/*.parquet`, contract: inventory, checks: ledger },
  },
  // Quality gates beyond the ones in model headers. An error-severity check that fails skips
  // everything downstream of the model it checks; a warning is recorded and reported.
  checks: {
    // Ids missing from the customer and product exports land on the UNKNOWN members: a few are
    // normal (late exports), many mean a broken export upstream — then stop before the marts.
    fact_orders: [
      { expression: 'customer_found', severity: 'warn', name: 'customer_known' },
      { expression: 'customer_found', fail_above: '5%', name: 'customer_known_mostly' },
      // abs(): an order of return lines (negative quantities) takes back its revenue and discount.
      { expression: 'abs(discount_amount) <= abs(gross_revenue)', name: 'discount_within_gross' },
    ],
    fact_order_items: [
      { expression: 'product_found', severity: 'warn', name: 'product_known' },
      { expression: 'product_found', fail_above: '5%', name: 'product_known_mostly' },
    ],
    fact_store_sales: [
      { expression: 'customer_found', severity: 'warn', name: 'customer_known' },
      { expression: 'product_found', fail_above: '5%', name: 'product_known_mostly' },
      // Every staged sale becomes exactly one fact row, date by date.
      { reconciliation: { with: 'sales' } },
    ],
    fact_inventory_daily: [{ expression: 'product_found', severity: 'warn', name: 'product_known' }],
    fact_events: [{ volume: { tolerance_percent: 60 }, severity: 'warn' }],
    daily_sales: [{ expression: 'net_revenue <= gross_revenue', name: 'net_within_gross' }],
  },
});
