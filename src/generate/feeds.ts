/**
 * Every feed `generate` writes: path, format, columns (type, required, allowed values, references)
 * and the schema-drift variants. This file is the contract of the raw data; contracts and staging
 * models of the domain packs can be written from it.
 */
import { CATEGORIES, CITIES, COMPANY_SIZES, INDUSTRIES, SAAS_FEATURES } from './pools.ts';
import type { Column, FeedSpec } from './schema.ts';

export const COUNTRIES: readonly string[] = [...new Set(CITIES.map((c) => c.country))].sort();
export const CATEGORY_NAMES: readonly string[] = CATEGORIES.map((c) => c.name);

export const SEGMENTS = ['vip', 'regular', 'occasional'] as const;
export const ORDER_STATUSES = ['placed', 'shipped', 'completed', 'cancelled', 'returned'] as const;
export const ORDER_CHANNELS = ['web', 'mobile_app', 'marketplace'] as const;
export const PAYMENT_METHODS = [
  'credit_card',
  'paypal',
  'apple_pay',
  'klarna',
  'gift_card',
  'bank_transfer',
] as const;
export const POS_PAYMENT_METHODS = ['cash', 'credit_card', 'debit_card', 'mobile_pay'] as const;
export const EVENT_TYPES = ['page_view', 'product_view', 'add_to_cart', 'checkout', 'purchase'] as const;
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export const CAMPAIGN_CHANNELS = ['email', 'paid_search', 'paid_social', 'display', 'affiliate'] as const;
export const CAMPAIGN_STATUSES = ['scheduled', 'active', 'paused', 'completed'] as const;
export const WAREHOUSES = ['WH-NA', 'WH-EU'] as const;
export const PRODUCT_STATUSES = ['active', 'discontinued'] as const;

export const PLAN_IDS = ['free', 'starter', 'pro', 'enterprise'] as const;
export const BILLING_CYCLES = ['monthly', 'annual'] as const;
export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled'] as const;
export const CHANGE_TYPES = [
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
] as const;
export const CANCEL_REASONS = ['voluntary', 'payment_failed', 'trial_expired'] as const;
export const TRANSACTION_TYPES = ['charge', 'refund'] as const;
export const TRANSACTION_STATUSES = ['succeeded', 'failed'] as const;
export const SAAS_PAYMENT_METHODS = ['card', 'sepa_debit', 'paypal', 'invoice'] as const;
export const FAILURE_CODES = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'processing_error',
] as const;
export const USAGE_EVENT_TYPES = [
  'login',
  'feature_used',
  'page_view',
  'api_call',
  'export',
  'invite_sent',
] as const;
export const PLATFORMS = ['web', 'desktop', 'ios', 'android', 'api'] as const;

const USD = ['USD'] as const;

function col(
  name: string,
  type: Column['type'],
  required: boolean,
  description: string,
  extra: Partial<Column> = {},
): Column {
  return { name, type, required, description, ...extra };
}

// ── E-commerce ──────────────────────────────────────────────────────────────────────────────

export const CUSTOMERS: FeedSpec = {
  domain: 'ecommerce',
  name: 'customers',
  format: 'ndjson',
  gzip: false,
  description:
    'Customer master, changed-records export: the first day holds every customer, later days the customers created or changed that day (segment, city/country) — SCD2 input.',
  columns: [
    col('customer_id', 'id', true, "Customer key, 'C' + 8 digits."),
    col('first_name', 'string', true, 'Given name (UTF-8, may hold accents and apostrophes).'),
    col('last_name', 'string', true, 'Family name.'),
    col('email', 'string', true, 'Unique e-mail address.', { plain: true }),
    col('phone', 'string', false, 'Phone number, absent for about 30% of customers.', { plain: true }),
    col('segment', 'enum', true, 'Marketing segment; changes over time with buying behaviour.', {
      values: SEGMENTS,
      invalid: ['platinum', 'gold_plus'],
    }),
    col('city', 'string', true, 'City of the shipping address; changes when a customer moves.'),
    col('country', 'enum', true, 'ISO 3166-1 alpha-2 country of the city.', {
      values: COUNTRIES,
      invalid: ['XX', 'EU'],
    }),
    col('signup_date', 'date', true, 'Day the customer registered.'),
    col('marketing_opt_in', 'bool', false, 'Consent to marketing e-mail.'),
    col('updated_at', 'timestamp', true, 'When this version of the record was written (UTC).'),
  ],
  key: ['customer_id'],
  dateColumn: 'updated_at',
  fact: false,
  extraColumn: { name: 'loyalty_tier', value: 'none' },
  rename: { from: 'phone', to: 'phone_number' },
  fatalColumn: 'email',
};

export const PRODUCTS: FeedSpec = {
  domain: 'ecommerce',
  name: 'products',
  format: 'json',
  gzip: false,
  description:
    'Product catalogue, changed-records export (JSON array): the first day holds every product, later days launches, price changes, re-categorisations and discontinuations — SCD2 input. product_id equals the id of the fixture API.',
  columns: [
    col('product_id', 'int', true, 'Product key (1, 2, ...); the FakeStore-shaped API uses the same id.'),
    col('sku', 'id', true, 'Stock keeping unit.'),
    col('name', 'string', true, 'Title; may contain commas and double quotes (27").'),
    col('category', 'enum', true, 'Department; FakeStore spellings for the first four.', {
      values: CATEGORY_NAMES,
      invalid: ['misc', 'electronic'],
    }),
    col('subcategory', 'string', false, 'Sub-department.'),
    col('brand', 'string', false, 'Brand name.'),
    col('price', 'decimal', true, 'Current list price, USD, 2 decimals.'),
    col('cost', 'decimal', true, 'Unit cost, USD (for margin).'),
    col('currency', 'enum', true, 'Always USD.', { values: USD, invalid: ['usd', 'EURO'] }),
    col('status', 'enum', true, 'active or discontinued.', {
      values: PRODUCT_STATUSES,
      invalid: ['archived', 'draft'],
    }),
    col('launched_date', 'date', true, 'Day the product was first sold.'),
    col('updated_at', 'timestamp', true, 'When this version was written (UTC).'),
  ],
  key: ['product_id'],
  dateColumn: 'updated_at',
  fact: false,
  extraColumn: { name: 'color', value: 'assorted' },
  rename: { from: 'brand', to: 'manufacturer' },
  fatalColumn: 'price',
};

export const CAMPAIGNS: FeedSpec = {
  domain: 'ecommerce',
  name: 'campaigns',
  format: 'csv',
  gzip: false,
  description:
    'Marketing campaigns, changed-records export (CSV): created (scheduled), started (active), budget changes, ended (completed). The first day holds every campaign still relevant.',
  columns: [
    col('campaign_id', 'id', true, "Campaign key 'CMP-YYYYMM-NN'."),
    col('name', 'string', true, 'Display name.'),
    col('channel', 'enum', true, 'Marketing channel.', {
      values: CAMPAIGN_CHANNELS,
      invalid: ['tv', 'print'],
    }),
    col('utm_source', 'id', true, 'utm_source its links carry.'),
    col('utm_medium', 'id', true, 'utm_medium its links carry.'),
    col('utm_campaign', 'id', true, 'utm_campaign its links carry (unique per campaign).'),
    col('start_date', 'date', true, 'First day.'),
    col('end_date', 'date', true, 'Last day (inclusive).'),
    col('budget', 'decimal', true, 'Total budget, USD.'),
    col('currency', 'enum', true, 'Always USD.', { values: USD, invalid: ['usd', 'EURO'] }),
    col('status', 'enum', true, 'Lifecycle state.', {
      values: CAMPAIGN_STATUSES,
      invalid: ['archived', 'running'],
    }),
    col('objective', 'string', false, 'awareness, conversion or retention.', { plain: true }),
    col('updated_at', 'timestamp', true, 'When this version was written (UTC).'),
  ],
  key: ['campaign_id'],
  dateColumn: 'updated_at',
  fact: false,
  extraColumn: { name: 'agency', value: 'in-house' },
  rename: { from: 'objective', to: 'goal' },
  fatalColumn: 'budget',
};

const ORDER_ITEM_FIELDS: readonly Column[] = [
  col('line_number', 'int', true, 'Position of the line in the order, from 1.'),
  col('product_id', 'int', true, 'Product bought.', { references: 'product' }),
  col('quantity', 'int', true, 'Units.', { quantity: true }),
  col('unit_price', 'decimal', true, 'Price per unit at order time, USD.'),
  col('discount_amount', 'decimal', true, 'Discount on the line, USD.'),
];

export const ORDERS: FeedSpec = {
  domain: 'ecommerce',
  name: 'orders',
  format: 'json',
  gzip: false,
  description:
    "Online orders (JSON array, nested line items). A new order appears as 'placed' on its day; each later status change (shipped, completed, cancelled, returned) appears as a full new record in that later day's file. Unique per (order_id, status).",
  columns: [
    col('order_id', 'id', true, "Order key, 'O' + 10 digits."),
    col('customer_id', 'id', true, 'Buyer.', { references: 'customer' }),
    col('status', 'enum', true, 'Status as of updated_at.', {
      values: ORDER_STATUSES,
      invalid: ['on_hold', 'lost_in_transit'],
    }),
    col('placed_at', 'timestamp', true, 'When the order was placed (UTC).'),
    col('updated_at', 'timestamp', true, 'When this status was reached (UTC).'),
    col('channel', 'enum', true, 'Sales channel.', { values: ORDER_CHANNELS, invalid: ['phone', 'kiosk'] }),
    col('payment_method', 'enum', true, 'How it was paid.', {
      values: PAYMENT_METHODS,
      invalid: ['crypto', 'cheque'],
    }),
    col('campaign_id', 'id', false, 'Campaign the order is attributed to (utm on checkout).', {
      references: 'campaign',
    }),
    col('coupon_code', 'string', false, 'Coupon used, if any.', { plain: true }),
    col('currency', 'enum', true, 'Always USD.', { values: USD, invalid: ['usd', 'EURO'] }),
    col('shipping_city', 'string', true, "Customer's city when the order was placed."),
    col('shipping_country', 'enum', true, 'ISO country code.', { values: COUNTRIES, invalid: ['XX', 'EU'] }),
    col('items', 'list', true, 'Line items.', { fields: ORDER_ITEM_FIELDS }),
    col('subtotal', 'decimal', true, 'Σ quantity × unit_price.'),
    col('discount_total', 'decimal', true, 'Σ line discounts.'),
    col('shipping_amount', 'decimal', true, 'Shipping charged (0 above 50 USD).'),
    col('total_amount', 'decimal', true, 'subtotal − discount_total + shipping_amount.'),
  ],
  key: ['order_id', 'status'],
  dateColumn: 'updated_at',
  fact: true,
  extraColumn: { name: 'gift_wrap', value: 'no' },
  rename: { from: 'coupon_code', to: 'promo_code' },
  fatalColumn: 'customer_id',
};

export const SALES: FeedSpec = {
  domain: 'ecommerce',
  name: 'sales',
  format: 'csv',
  gzip: true,
  description:
    'In-store (point of sale) transactions of loyalty-card customers, in the shape of seed 004 (one product per transaction), gzip CSV. Disjoint from online orders; POS stock is not in the inventory feed.',
  columns: [
    col('transaction_id', 'id', true, "Transaction key, 'T' + 10 digits."),
    col('transaction_date', 'timestamp', true, "Local store time 'YYYY-MM-DD HH:MM:SS'.", {
      timestampStyle: 'space',
    }),
    col('customer_id', 'id', true, 'Loyalty-card customer.', { references: 'customer' }),
    col('customer_name', 'string', true, 'First and last name at the time of sale.'),
    col('city', 'string', true, "Customer's city at the time of sale (may be quoted: 'Washington, D.C.')."),
    col('product_id', 'int', true, 'Product sold.', { references: 'product' }),
    col('product_name', 'string', true, 'Product title at the time of sale.'),
    col('category', 'enum', true, 'Product category at the time of sale.', {
      values: CATEGORY_NAMES,
      invalid: ['misc', 'electronic'],
    }),
    col('quantity', 'int', true, 'Units.', { quantity: true }),
    col('unit_price', 'decimal', true, 'Price per unit, USD.'),
    col('total_amount', 'decimal', true, 'quantity × unit_price, USD.'),
    col('payment_method', 'enum', true, 'Tender.', {
      values: POS_PAYMENT_METHODS,
      invalid: ['crypto', 'voucher_x'],
    }),
    col('store_id', 'id', true, 'Store, one per city.'),
    col('promo_code', 'string', false, 'Promotion code, if any.', { plain: true }),
  ],
  key: ['transaction_id'],
  dateColumn: 'transaction_date',
  fact: true,
  extraColumn: { name: 'register_id', value: 'R01' },
  rename: { from: 'promo_code', to: 'coupon' },
  fatalColumn: 'transaction_date',
};

export const EVENTS: FeedSpec = {
  domain: 'ecommerce',
  name: 'events',
  format: 'csv',
  gzip: false,
  description:
    'Clickstream of consented web/app sessions (CSV). Sessions are contiguous; within a session events are in time order and gaps stay under 30 minutes. Funnel: page_view → product_view → add_to_cart → checkout → purchase; ~3% of sessions purchase, and a purchase event carries the order_id of a real order (only the tracked share of online orders has one). customer_id is empty for anonymous visitors and, in some purchasing sessions, until login at checkout; anonymous_id is a stable per-browser id.',
  columns: [
    col('event_id', 'id', true, "Event key, 'E' + 12 digits."),
    col('event_time', 'timestamp', true, 'UTC time.'),
    col('event_type', 'enum', true, 'Funnel step.', {
      values: EVENT_TYPES,
      invalid: ['hover', 'scroll_depth'],
    }),
    col('session_id', 'id', true, "Session key, 'S' + 10 digits."),
    col('anonymous_id', 'id', true, 'Browser/device id (cookie).'),
    col('customer_id', 'id', false, 'Logged-in customer.', { references: 'customer' }),
    col(
      'page_url',
      'string',
      true,
      'Path: /, /c/<category>, /p/<product_id>, /cart, /checkout, /checkout/complete.',
      { plain: true },
    ),
    col('product_id', 'int', false, 'Product of product_view and add_to_cart.', { references: 'product' }),
    col('order_id', 'id', false, 'Order of a purchase.', { references: 'order' }),
    col('revenue', 'decimal', false, 'Order total of a purchase, USD.'),
    col('device', 'enum', true, 'Device class.', { values: DEVICES, invalid: ['smart_tv', 'console'] }),
    col('referrer', 'string', false, 'Referring host of the landing page view.', { plain: true }),
    col('utm_source', 'id', false, 'Campaign tagging of the landing page view.'),
    col('utm_medium', 'id', false, 'Campaign tagging of the landing page view.'),
    col('utm_campaign', 'id', false, 'Matches campaigns.utm_campaign.'),
    col('country', 'enum', true, 'Visitor country (IP-based).', { values: COUNTRIES, invalid: ['XX', 'EU'] }),
  ],
  key: ['event_id'],
  dateColumn: 'event_time',
  fact: true,
  extraColumn: { name: 'consent_state', value: 'granted' },
  rename: { from: 'referrer', to: 'referrer_url' },
  fatalColumn: 'event_type',
};

export const INVENTORY: FeedSpec = {
  domain: 'ecommerce',
  name: 'inventory',
  format: 'parquet',
  gzip: false,
  description:
    'End-of-day stock per product × warehouse (Parquet). on_hand_qty = previous on_hand − units_sold + units_received + units_returned (returned or cancelled units put back). Restocks arrive some days after stock falls under the reorder point; popular products run out.',
  columns: [
    col('snapshot_date', 'date', true, 'Day of the snapshot.'),
    col('warehouse_id', 'enum', true, 'Warehouse: WH-NA ships to the Americas, WH-EU to the rest.', {
      values: WAREHOUSES,
      invalid: ['WH-MARS', 'WH-XX'],
    }),
    col('product_id', 'int', true, 'Product.', { references: 'product', sqlType: 'INTEGER' }),
    col('on_hand_qty', 'int', true, 'Units on hand at end of day.', { quantity: true, sqlType: 'INTEGER' }),
    col('units_sold', 'int', true, 'Units taken by orders placed that day.', {
      quantity: true,
      sqlType: 'INTEGER',
    }),
    col('units_received', 'int', true, 'Units received from suppliers.', {
      quantity: true,
      sqlType: 'INTEGER',
    }),
    col('units_returned', 'int', true, 'Units put back (returns, cancellations).', {
      quantity: true,
      sqlType: 'INTEGER',
    }),
    col('reorder_point', 'int', true, 'Reorder threshold.', { sqlType: 'INTEGER' }),
    col('unit_cost', 'decimal', true, 'Unit cost, USD.', { sqlType: 'DECIMAL(12,2)' }),
    col('bin_location', 'string', false, 'Storage bin.'),
  ],
  key: ['snapshot_date', 'warehouse_id', 'product_id'],
  dateColumn: 'snapshot_date',
  fact: true,
  extraColumn: { name: 'cycle_count_flag', value: 'N' },
  rename: { from: 'bin_location', to: 'location_code' },
  fatalColumn: 'on_hand_qty',
};

// ── SaaS ────────────────────────────────────────────────────────────────────────────────────

export const PLANS: FeedSpec = {
  domain: 'saas',
  name: 'plans',
  format: 'json',
  gzip: false,
  description: 'Price list, a full snapshot every day (JSON array). Prices are per seat.',
  columns: [
    col('plan_id', 'id', true, 'free, starter, pro or enterprise.'),
    col('name', 'string', true, 'Display name.'),
    col('tier', 'int', true, 'Rank 0–3, for upgrade/downgrade direction.'),
    col('monthly_price', 'decimal', true, 'Per seat per month on monthly billing, USD.'),
    col('annual_price', 'decimal', true, 'Per seat per year on annual billing, USD (MRR = annual / 12).'),
    col('currency', 'enum', true, 'Always USD.', { values: USD, invalid: ['usd', 'EURO'] }),
    col('max_seats', 'int', false, 'Seat limit; null for enterprise.'),
    col('trial_days', 'int', true, 'Length of the free trial.'),
    col('features', 'raw', false, 'Features included (JSON array of names).'),
    col('updated_at', 'timestamp', true, 'When the price list was exported.'),
  ],
  key: ['plan_id'],
  dateColumn: 'updated_at',
  fact: false,
  extraColumn: { name: 'is_public', value: 'true' },
  rename: { from: 'features', to: 'included_features' },
  fatalColumn: 'monthly_price',
};

export const ACCOUNTS: FeedSpec = {
  domain: 'saas',
  name: 'accounts',
  format: 'json',
  gzip: false,
  description:
    'Customer accounts (user profiles), changed-records export (JSON array): the first day holds every account, later days signups and profile changes.',
  columns: [
    col('account_id', 'id', true, "Account key, 'ACC' + 7 digits."),
    col('company_name', 'string', true, 'Company name.'),
    col('email', 'string', true, 'Billing contact.', { plain: true }),
    col('country', 'enum', true, 'ISO country code.', { values: COUNTRIES, invalid: ['XX', 'EU'] }),
    col('industry', 'enum', true, 'Industry.', { values: INDUSTRIES, invalid: ['crypto', 'other_industry'] }),
    col('company_size', 'enum', true, 'Employees band.', {
      values: COMPANY_SIZES,
      invalid: ['10-50', 'large'],
    }),
    col('website', 'string', false, 'Company web site.'),
    col('signup_at', 'timestamp', true, 'When the account was created (UTC).'),
    col('updated_at', 'timestamp', true, 'When this version was written (UTC).'),
  ],
  key: ['account_id'],
  dateColumn: 'updated_at',
  fact: false,
  extraColumn: { name: 'crm_owner', value: 'unassigned' },
  rename: { from: 'website', to: 'homepage' },
  fatalColumn: 'signup_at',
};

export const SUBSCRIPTIONS: FeedSpec = {
  domain: 'saas',
  name: 'subscriptions',
  format: 'ndjson',
  gzip: false,
  description:
    "Subscription change log (NDJSON): each record is the full state of a subscription after a change, with change_type saying what changed. The first day holds an 'initial_load' record for every subscription. One subscription per account; cancellations and reactivations are changes of it.",
  columns: [
    col('subscription_id', 'id', true, "Subscription key, 'SUB' + 7 digits."),
    col('account_id', 'id', true, 'Owning account.', { references: 'account' }),
    col('plan_id', 'enum', true, 'Plan after the change.', {
      values: PLAN_IDS,
      invalid: ['business', 'premium'],
    }),
    col('billing_cycle', 'enum', true, 'monthly or annual.', {
      values: BILLING_CYCLES,
      invalid: ['quarterly', 'weekly'],
    }),
    col('seats', 'int', true, 'Seats after the change.', { quantity: true }),
    col('status', 'enum', true, 'State after the change.', {
      values: SUBSCRIPTION_STATUSES,
      invalid: ['paused', 'suspended'],
    }),
    col('change_type', 'enum', true, 'What changed.', {
      values: CHANGE_TYPES,
      invalid: ['migrated', 'renewed_x'],
    }),
    col('previous_plan_id', 'id', false, 'Plan before an upgrade or downgrade.'),
    col('previous_seats', 'int', false, 'Seats before a seat change.'),
    col('unit_price', 'decimal', true, 'Price per seat per billing period after the change, USD.'),
    col('effective_at', 'timestamp', true, 'When the change took effect (UTC).'),
    col('started_at', 'date', true, 'Day the subscription was first created.'),
    col('trial_end', 'date', false, 'Last trial day, for trials.'),
    col('current_period_start', 'date', false, 'Start of the paid period.'),
    col('current_period_end', 'date', false, 'Next renewal day.'),
    col('canceled_at', 'timestamp', false, 'When it was canceled (null once reactivated).'),
    col('cancel_reason', 'enum', false, 'Why it was canceled.', {
      values: CANCEL_REASONS,
      invalid: ['fraud', 'moved'],
    }),
    col('coupon_code', 'string', false, 'Discount code on the subscription.', { plain: true }),
  ],
  key: ['subscription_id', 'change_type', 'effective_at'],
  dateColumn: 'effective_at',
  fact: true,
  extraColumn: { name: 'proration_behavior', value: 'create_prorations' },
  rename: { from: 'coupon_code', to: 'discount_code' },
  fatalColumn: 'account_id',
};

export const TRANSACTIONS: FeedSpec = {
  domain: 'saas',
  name: 'transactions',
  format: 'csv',
  gzip: false,
  description:
    'Payments (CSV): charges at signup/conversion, renewals and upgrades (prorated), failed charges with retries, refunds of earlier charges. amount is positive; a refund is type=refund.',
  columns: [
    col('transaction_id', 'id', true, "Transaction key, 'TX' + 10 digits."),
    col('account_id', 'id', true, 'Paying account.', { references: 'account' }),
    col('subscription_id', 'id', true, 'Subscription charged.', { references: 'subscription' }),
    col('created_at', 'timestamp', true, 'UTC time.'),
    col('type', 'enum', true, 'charge or refund.', {
      values: TRANSACTION_TYPES,
      invalid: ['chargeback_reversal', 'adjustment'],
    }),
    col('status', 'enum', true, 'succeeded or failed.', {
      values: TRANSACTION_STATUSES,
      invalid: ['pending_review', 'unknown'],
    }),
    col('amount', 'decimal', true, 'USD, positive.'),
    col('currency', 'enum', true, 'Always USD.', { values: USD, invalid: ['usd', 'EURO'] }),
    col('payment_method', 'enum', true, 'Payment method.', {
      values: SAAS_PAYMENT_METHODS,
      invalid: ['bitcoin', 'cheque'],
    }),
    col('failure_code', 'enum', false, 'Why a charge failed.', {
      values: FAILURE_CODES,
      invalid: ['do_not_honor_x', 'timeout'],
    }),
    col('refunded_transaction_id', 'id', false, 'The charge a refund returns.', {
      references: 'transaction',
    }),
    col('description', 'string', false, "E.g. 'pro monthly × 12 seats'.", { plain: true }),
  ],
  key: ['transaction_id'],
  dateColumn: 'created_at',
  fact: true,
  extraColumn: { name: 'gateway', value: 'stripe' },
  rename: { from: 'description', to: 'memo' },
  fatalColumn: 'amount',
};

export const USAGE_EVENTS: FeedSpec = {
  domain: 'saas',
  name: 'usage_events',
  format: 'ndjson',
  gzip: true,
  description:
    'Product usage events (gzip NDJSON), grouped by account, then by user session (a login, then actions in time order). feature is set for feature_used, api_call, export and invite_sent; which features are used depends on the plan.',
  columns: [
    col('event_id', 'id', true, "Event key, 'UE' + 12 digits."),
    col('event_time', 'timestamp', true, 'UTC time.'),
    col('account_id', 'id', true, 'Account.', { references: 'account' }),
    col('user_id', 'id', true, "User '<account_id>-U<n>' (n < seats)."),
    col('event_type', 'enum', true, 'What happened.', {
      values: USAGE_EVENT_TYPES,
      invalid: ['heartbeat', 'logout_x'],
    }),
    col('feature', 'enum', false, 'Feature used.', {
      values: SAAS_FEATURES,
      invalid: ['beta_lab', 'ai_magic'],
    }),
    col('platform', 'enum', true, 'Client.', { values: PLATFORMS, invalid: ['watch', 'fax'] }),
    col('duration_ms', 'int', false, 'Time spent.', { quantity: true }),
    col('app_version', 'string', false, 'Client version.', { plain: true }),
  ],
  key: ['event_id'],
  dateColumn: 'event_time',
  fact: true,
  extraColumn: { name: 'experiment_group', value: 'control' },
  rename: { from: 'app_version', to: 'client_version' },
  fatalColumn: 'account_id',
};

export const ECOMMERCE_FEEDS: readonly FeedSpec[] = [
  CUSTOMERS,
  PRODUCTS,
  CAMPAIGNS,
  ORDERS,
  SALES,
  EVENTS,
  INVENTORY,
];
export const SAAS_FEEDS: readonly FeedSpec[] = [PLANS, ACCOUNTS, SUBSCRIPTIONS, TRANSACTIONS, USAGE_EVENTS];
export const ALL_FEEDS: readonly FeedSpec[] = [...ECOMMERCE_FEEDS, ...SAAS_FEEDS];
