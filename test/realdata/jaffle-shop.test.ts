import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ExampleRun,
  REALDATA,
  add,
  expectQuarantineExplained,
  expectReconciled,
  readCsv,
  useExample,
  describeRealdata,
} from './support.ts';

const BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));
const data = join(REALDATA, 'jaffle_shop');

/**
 * `node bin/strata.js ...args`, as a user would run it, with the example's warehouse redirected
 * (`env`: the example's, selecting its database on PostgreSQL).
 */
function strata(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...env, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

// Independently of strata: the seeds read with a plain CSV parser.
const customers = readCsv(join(data, 'raw_customers.csv')).records;
const orders = readCsv(join(data, 'raw_orders.csv')).records;
const payments = readCsv(join(data, 'raw_payments.csv')).records;

const customerOfOrder = new Map(orders.map((o) => [o['id'], o['user_id']]));
/** Cents paid per customer, over all their orders (the seeds' amounts are integer cents). */
const centsByCustomer = new Map<string, number>();
/** Cents paid per order status. */
const centsByStatus = new Map<string, number>();
const statusOfOrder = new Map(orders.map((o) => [o['id'], o['status']]));
for (const p of payments) {
  add(centsByCustomer, customerOfOrder.get(p['order_id']) as string, Number(p['amount']));
  add(centsByStatus, statusOfOrder.get(p['order_id']) as string, Number(p['amount']));
}
const totalCents = payments.reduce((sum, p) => sum + Number(p['amount']), 0);
const cents = (value: unknown) => Math.round(Number(value) * 100);

describeRealdata('examples/jaffle_shop on the real jaffle_shop seeds', () => {
  let example: ExampleRun;

  beforeAll(async () => {
    example = await useExample('jaffle_shop');
    // Through the command line, exactly as the README says.
    const result = await strata(['run', '--project', example.projectDir], example.env);
    expect(result.code, result.output).toBe(0);
  });

  afterAll(async () => {
    await example?.dispose();
  });

  it('stages every record of the three seeds, with nothing quarantined or duplicated', async () => {
    const loads = await expectReconciled(example, ['customers', 'orders', 'payments']);
    expect(loads['customers']).toMatchObject({ received: customers.length, staged: customers.length });
    expect(loads['orders']).toMatchObject({ received: orders.length, staged: orders.length, quarantined: 0 });
    expect(loads['payments']).toMatchObject({ received: payments.length, staged: payments.length });
    await expectQuarantineExplained(example);
    expect(await example.query('SELECT count(*) AS n FROM audit.bad_records')).toEqual([{ n: 0 }]);
  });

  it('types the fields: CRLF line ends stripped, dates parsed, statuses one of the enum', async () => {
    const statuses = await example.query(
      'SELECT status, count(*) AS n, min(order_date) AS first FROM staging.orders GROUP BY status ORDER BY status',
    );
    const expected = new Map<string, number>();
    for (const o of orders) add(expected, o['status'] as string, 1);
    expect(Object.fromEntries(statuses.map((s) => [s.status, s.n]))).toEqual(Object.fromEntries(expected));
    const [first] = await example.query(
      `SELECT CAST(order_date AS VARCHAR) AS d FROM staging.orders WHERE order_id = 1`,
    );
    expect(first?.d).toBe(orders.find((o) => o['id'] === '1')?.['order_date']);
  });

  it('computes each customer’s lifetime value from their payments', async () => {
    const rows = await example.query(
      'SELECT customer_id, orders, lifetime_value FROM marts.customer_lifetime_value ORDER BY customer_id',
    );
    expect(rows).toHaveLength(customers.length);
    for (const row of rows) {
      expect(cents(row.lifetime_value), `customer ${String(row.customer_id)}`).toBe(
        centsByCustomer.get(String(row.customer_id)) ?? 0,
      );
    }
    // A few by hand, as a reader would check them.
    const value = (id: number) => cents(rows.find((r) => r.customer_id === id)?.lifetime_value);
    expect(value(1)).toBe(centsByCustomer.get('1'));
    expect(value(51)).toBe(centsByCustomer.get('51'));
    expect(value(3)).toBe(centsByCustomer.get('3'));
    const [total] = await example.query(
      'SELECT sum(lifetime_value) AS total FROM marts.customer_lifetime_value',
    );
    expect(cents(total?.total)).toBe(totalCents);
  });

  it('totals orders by status from payments, every payment counted once', async () => {
    const rows = await example.query(
      'SELECT status, amount, credit_card_amount + coupon_amount + bank_transfer_amount + gift_card_amount AS by_method FROM marts.order_totals_by_status',
    );
    expect(rows).toHaveLength(centsByStatus.size);
    for (const row of rows) {
      expect(cents(row.amount), String(row.status)).toBe(centsByStatus.get(String(row.status)));
      expect(cents(row.by_method)).toBe(cents(row.amount));
    }
    const [orderTotal] = await example.query(
      'SELECT sum(amount) AS total, count(*) AS n FROM warehouse.fct_orders',
    );
    expect(cents(orderTotal?.total)).toBe(totalCents);
    expect(orderTotal?.n).toBe(orders.length);
  });

  it('answers `strata query` on the command line', async () => {
    const result = await strata(
      [
        'query',
        'SELECT customer_id, lifetime_value FROM marts.customer_lifetime_value ORDER BY lifetime_value DESC, customer_id LIMIT 1',
        '--format',
        'json',
        '--project',
        example.projectDir,
      ],
      example.env,
    );
    expect(result.code, result.output).toBe(0);
    const [top] = JSON.parse(result.output) as { customer_id: number; lifetime_value: number }[];
    const best = Math.max(...centsByCustomer.values());
    expect(cents(top?.lifetime_value)).toBe(best);
    expect(centsByCustomer.get(String(top?.customer_id))).toBe(best);
  });
});
