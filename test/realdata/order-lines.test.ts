import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ExampleRun,
  REALDATA,
  add,
  describeRealdata,
  expectQuarantineExplained,
  expectReconciled,
  readCsv,
  runExample,
  units,
  useExample,
} from './support.ts';

// Independently of strata: the Online Retail sample read with a plain CSV parser, and every answer
// worked out from its lines in JavaScript, in cents.
const file = readCsv(join(REALDATA, 'online_retail_sample', 'online_retail_sample.csv'));
const lines = file.records;
const field = (line: Record<string, string>, name: string) => (line[name] ?? '').trim();

const ISO: Record<string, string> = { 'United Kingdom': 'GB', France: 'FR', Australia: 'AU' };
/** The pack's country_regions seed for the three countries of the sample. */
const REGION: Record<string, string> = { GB: 'Europe', FR: 'Europe', AU: 'Asia Pacific' };

/** "1/12/2010 8:26" is day first: 1 December 2010. */
function invoiceDay(text: string): string {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) \d{1,2}:\d{2}$/.exec(text);
  if (!match) throw new Error(`not an invoice date: ${text}`);
  const [, day, month, year] = match as unknown as string[];
  return `${year}-${(month as string).padStart(2, '0')}-${(day as string).padStart(2, '0')}`;
}

const cents = (line: Record<string, string>) =>
  Number(field(line, 'QUANTITY')) * units(field(line, 'PRICE'), 2);

/** Per invoice: its lines, total, units, customer and country (from its first line). */
interface Invoice {
  id: string;
  lines: number;
  units: number;
  cents: number;
  customer: string;
  day: string;
  country: string;
}
const invoices = new Map<string, Invoice>();
for (const line of lines) {
  const id = field(line, 'INVOICE');
  const invoice = invoices.get(id) ?? {
    id,
    lines: 0,
    units: 0,
    cents: 0,
    customer: field(line, 'CUSTOMERID'),
    day: invoiceDay(field(line, 'INVOICEDATE')),
    country: ISO[field(line, 'COUNTRY')] as string,
  };
  invoice.lines += 1;
  invoice.units += Number(field(line, 'QUANTITY'));
  invoice.cents += cents(line);
  invoices.set(id, invoice);
}
const all = [...invoices.values()];

/** Decimal text from the warehouse in cents; fails on a fraction of a cent. */
function money(value: unknown): number {
  const millionths = units(String(value), 6);
  expect(Math.abs(millionths % 10_000), String(value)).toBe(0);
  return millionths / 10_000;
}

describeRealdata('examples/order_lines: the Online Retail line-item export on the e-commerce pack', () => {
  let example: ExampleRun;

  beforeAll(async () => {
    example = await useExample('order_lines');
    const { exitCode, summary } = await runExample(example);
    expect(exitCode, JSON.stringify(summary.tasks, null, 2)).toBe(0);
    expect(summary.warnings).toEqual([]);
  });

  afterAll(async () => {
    await example?.dispose();
  });

  it('stages every line and accounts for every record', async () => {
    expect(lines).toHaveLength(232);
    expect(file.malformedLines).toEqual([]);
    const loads = await expectReconciled(example, ['order_lines']);
    expect(loads['order_lines']).toMatchObject({ received: 232, staged: 232, quarantined: 0, duplicates: 0 });
    await expectQuarantineExplained(example);
  });

  it('reads the lines as orders, one per invoice, with its lines, units and total', async () => {
    const orders = await example.query(
      `SELECT o.order_id, o.lines, o.units, CAST(o.gross_revenue AS VARCHAR) AS gross,
              CAST(s.total_amount AS VARCHAR) AS total, o.customer_id, CAST(o.order_date AS VARCHAR) AS day,
              o.shipping_country, o.status, o.customer_found
       FROM warehouse.fact_orders AS o JOIN staging.stg_orders AS s ON s.order_id = o.order_id
       ORDER BY o.order_id`,
    );
    expect(
      orders.map((o) => ({
        id: o.order_id,
        lines: Number(o.lines),
        units: Number(o.units),
        cents: money(o.gross),
        total: money(o.total),
        customer: o.customer_id,
        day: o.day,
        country: o.shipping_country,
        status: o.status,
        found: o.customer_found,
      })),
    ).toEqual(
      all
        .map((i) => ({ ...i, total: i.cents, status: 'completed', found: true }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    // 536381 lists stock code 71270 twice: two lines, both sales, numbered by their place.
    const twice = await example.query(
      `SELECT line_number, quantity FROM staging.stg_order_items
       WHERE order_id = '536381' AND sku = '71270' ORDER BY line_number`,
    );
    const inFile = lines.filter((l) => field(l, 'INVOICE') === '536381');
    expect(twice).toEqual(
      inFile
        .map((l, i) => ({
          line_number: i + 1,
          quantity: Number(field(l, 'QUANTITY')),
          sku: field(l, 'STOCKCODE'),
        }))
        .filter((l) => l.sku === '71270')
        .map(({ line_number, quantity }) => ({ line_number, quantity })),
    );
    expect(twice).toHaveLength(2);
  });

  it('computes the daily sales and the sales by region to the cent', async () => {
    const [day] = await example.query(
      `SELECT CAST(sale_date AS VARCHAR) AS day, orders, customers, new_customers, units,
              CAST(gross_revenue AS VARCHAR) AS gross, CAST(net_revenue AS VARCHAR) AS net, cancelled_orders
       FROM marts.daily_sales`,
    );
    const customers = new Set(all.map((i) => i.customer));
    const total = all.reduce((sum, i) => sum + i.cents, 0);
    expect({ ...day, gross: money(day?.gross), net: money(day?.net) }).toEqual({
      day: '2010-12-01',
      orders: all.length,
      customers: customers.size,
      new_customers: customers.size,
      units: all.reduce((sum, i) => sum + i.units, 0),
      gross: total,
      net: total,
      // No status in the export: the cancellation invoice (C...) counts as a sale of negative revenue.
      cancelled_orders: 0,
    });
    expect(all.filter((i) => i.id.startsWith('C')).length).toBeGreaterThan(0);

    const byRegion = new Map<string, number>();
    for (const i of all) add(byRegion, REGION[i.country] as string, i.cents);
    const regions = await example.query(
      `SELECT dimension_value AS region, CAST(net_revenue AS VARCHAR) AS net
       FROM marts.sales_by_dimension WHERE dimension = 'region' ORDER BY dimension_value`,
    );
    expect(regions.map((r) => [r.region, money(r.net)])).toEqual([...byRegion.entries()].sort());
  });

  it('gives each customer their orders and lifetime value', async () => {
    const expected = new Map<string, { orders: number; cents: number }>();
    for (const i of all) {
      const c = expected.get(i.customer) ?? { orders: 0, cents: 0 };
      c.orders += 1;
      c.cents += i.cents;
      expected.set(i.customer, c);
    }
    const rows = await example.query(
      `SELECT customer_id, orders, CAST(lifetime_value AS VARCHAR) AS ltv, country FROM marts.customer_metrics`,
    );
    expect(
      new Map(rows.map((r) => [String(r.customer_id), { orders: Number(r.orders), cents: money(r.ltv) }])),
    ).toEqual(expected);
  });
});
