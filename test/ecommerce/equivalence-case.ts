/**
 * One generated data set loaded three ways — a run per day in order, one run over the whole range,
 * and the range followed by a full refresh — must give the same staging, warehouse and marts, table
 * by table; re-running a day in the middle of the day-by-day warehouse must change nothing; and
 * re-running that day after its files changed (records dropped, others added: late orders and
 * store sales of earlier days, a customer who moved) must give what a full refresh gives — the
 * marts incremental by key recompute exactly the keys the change touched, stale keys included.
 * Shared by equivalence.test.ts (clean data) and equivalence-defects.test.ts (1% defects), which are
 * two files so each stays within the time budget of a test file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MODEL_SCHEMAS, PackProject, dateRange, type PackData } from './pack.ts';

/** Tables every comparison must hold, so that an empty or missing schema cannot pass. */
const EXPECTED_TABLES = [
  'staging.stg_orders',
  'staging.stg_order_items',
  'warehouse.dim_customer',
  'warehouse.dim_product',
  'warehouse.fact_orders',
  'warehouse.fact_order_items',
  'warehouse.fact_sessions',
  'warehouse.fact_store_sales',
  'warehouse.fact_inventory_daily',
  'marts.campaign_attribution',
  'marts.cohort_retention',
  'marts.customer_days',
  'marts.customer_metrics',
  'marts.daily_sales',
  'marts.executive_kpis',
  'marts.funnel_daily',
  'marts.inventory_performance',
  'marts.monthly_sales',
  'marts.product_performance',
  'marts.sales_by_dimension',
  'marts.sessions_daily',
  'marts.visitor_journeys',
];

export function loadingOrderDoesNotMatter(data: PackData): void {
  const dates = dateRange(data.start, data.days);
  const first = dates[0] as string;
  const last = dates[dates.length - 1] as string;
  let daily: PackProject;
  let range: PackProject;
  let dailySums: Record<string, string>;
  let rangeSums: Record<string, string>;
  let refreshedSums: Record<string, string>;

  beforeAll(async () => {
    daily = await PackProject.withData(data);
    range = await daily.copy();
    for (const date of dates) await daily.run({ date });
    await range.run({ from: first, to: last });
    dailySums = await daily.checksums(MODEL_SCHEMAS);
    rangeSums = await range.checksums(MODEL_SCHEMAS);
    // (c) is the range warehouse after a full refresh: its checksums were taken just before.
    await range.run({ fullRefresh: true });
    refreshedSums = await range.checksums(MODEL_SCHEMAS);
    // Three warehouses built day by day and by range: minutes on a busy machine.
  }, 600_000);

  afterAll(async () => {
    await daily?.dispose();
    await range?.dispose();
  });

  it('builds every layer, with rows in the facts', async () => {
    expect(Object.keys(dailySums)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
    const [counts] = await daily.query(
      `select (select count(*) from warehouse.fact_orders) as orders,
              (select count(*) from warehouse.fact_sessions) as sessions,
              (select count(*) from warehouse.fact_store_sales) as store_sales,
              (select count(distinct load_date) from warehouse.fact_orders) as order_dates`,
    );
    expect(counts?.orders).toBeGreaterThan(0);
    expect(counts?.sessions).toBeGreaterThan(0);
    expect(counts?.store_sales).toBeGreaterThan(0);
    expect(counts?.order_dates).toBe(data.days);
    if ((data.defects ?? 0) > 0) {
      // The defect case must hold the defects that make loading order delicate.
      const kinds = new Set((await daily.manifest()).defects.map((d) => d.kind));
      expect([...kinds]).toEqual(expect.arrayContaining(['duplicate', 'late_arriving', 'orphan_fk']));
      const [quarantined] = await daily.query('select count(*) as n from audit.bad_records');
      expect(quarantined?.n).toBeGreaterThan(0);
    }
  });

  it('one run per day in order = one run over the range, table by table', () => {
    expect(Object.keys(rangeSums).sort()).toEqual(Object.keys(dailySums).sort());
    expect(rangeSums).toEqual(dailySums);
  });

  it('the range then a full refresh = one run per day, table by table', () => {
    expect(Object.keys(refreshedSums).sort()).toEqual(Object.keys(dailySums).sort());
    expect(refreshedSums).toEqual(dailySums);
  });

  it('re-running a day in the middle of the day-by-day warehouse changes nothing', async () => {
    const before = await daily.checksums();
    await daily.run({ date: dates[Math.floor(dates.length / 2)] as string });
    expect(await daily.checksums()).toEqual(before);
  });

  it('re-running a mid-range day whose files dropped and added records = a full refresh, table by table', async () => {
    const middle = Math.floor(dates.length / 2);
    await changeDay(daily, dates, middle);
    await daily.run({ date: dates[middle] as string });
    const rerun = await daily.checksums(MODEL_SCHEMAS);
    await daily.run({ fullRefresh: true });
    const refreshed = await daily.checksums(MODEL_SCHEMAS);
    expect(Object.keys(rerun)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
    expect(rerun).toEqual(refreshed);
  });
}

/**
 * Rewrites the files of `dates[index]`: a third of its store sales, events and customer records
 * dropped (customers lose purchases, sessions vanish), a third of its order records now cancelled,
 * and new records added: two late orders placed days earlier by a customer who already bought
 * (their first purchase moves) and by one nobody knows, a late store sale, and a customer who
 * moved that day.
 */
async function changeDay(project: PackProject, dates: readonly string[], index: number): Promise<void> {
  const day = dates[index] as string;
  const earlier = dates[Math.max(0, index - 2)] as string;
  const dropThird = <T>(items: readonly T[]) => items.filter((_, i) => i % 3 !== 1);

  // Worked on line by line (a record a line, as generated): damaged records and a byte-order mark
  // stay as they are. Order records are changed, not dropped: fact_orders, an upsert, keeps an
  // order whose records vanish (the dropped records are the store sales, events and customers).
  const ordersPath = project.feedFile('orders', `${day}.json`);
  const orderLines = (await readFile(ordersPath, 'utf8')).trimEnd().split('\n');
  const firstDay = (await readFile(project.feedFile('orders', `${dates[0] as string}.json`), 'utf8')).split(
    '\n',
  );
  const template = parsedRecord(orderLines);
  const buyer = parsedRecord(firstDay).customer_id;
  const late = (id: string, customer: unknown) =>
    JSON.stringify({
      ...template,
      order_id: id,
      customer_id: customer,
      status: 'completed',
      placed_at: `${earlier}T09:15:00Z`,
      updated_at: `${day}T08:00:00Z`,
    });
  const changed = orderLines
    .slice(0, -1)
    .map((line, i) =>
      i % 3 === 1 && line.startsWith('{')
        ? line
            .replace(/"status":"[a-z]+"/, '"status":"cancelled"')
            .replace(/"updated_at":"[^"]*"/, `"updated_at":"${day}T23:00:00Z"`)
        : line,
    );
  const last = changed.length - 1;
  changed[last] = `${(changed[last] ?? '').replace(/,$/, '')},`;
  await writeFile(
    ordersPath,
    [...changed, `${late('O9900000001', buyer)},`, late('O9900000002', 'C99999990'), ']'].join('\n') + '\n',
  );

  const salesPath = project.feedFile('sales', `${day}.csv.gz`);
  const [salesHeader, ...sales] = gunzipSync(await readFile(salesPath))
    .toString('utf8')
    .trimEnd()
    .split('\n');
  const sale = (sales[0] ?? '').split(',');
  const lateSale = ['T9900000001', `${earlier} 10:00:00`, ...sale.slice(2)].join(',');
  await writeFile(salesPath, gzipSync([salesHeader, ...dropThird(sales), lateSale].join('\n') + '\n'));

  const eventsPath = project.feedFile('events', `${day}.csv`);
  const [eventsHeader, ...events] = (await readFile(eventsPath, 'utf8')).trimEnd().split('\n');
  await writeFile(eventsPath, [eventsHeader, ...dropThird(events)].join('\n') + '\n');

  const customersPath = project.feedFile('customers', `${day}.ndjson`);
  const customers = (await readFile(customersPath, 'utf8')).trimEnd().split('\n').filter(Boolean);
  const snapshot = (await readFile(project.feedFile('customers', `${dates[0] as string}.ndjson`), 'utf8'))
    .split('\n')
    .filter(Boolean);
  const record = parsedRecord(snapshot.filter((line) => line.includes(`"customer_id":"${String(buyer)}"`)));
  const moved = { ...record, city: 'Springfield', updated_at: `${day}T12:00:00Z` };
  await writeFile(customersPath, [...dropThird(customers), JSON.stringify(moved)].join('\n') + '\n');
}

/** The first line of `lines` that parses as a JSON record (a trailing comma dropped). */
function parsedRecord(lines: readonly string[]): Record<string, unknown> {
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line.replace(/,\s*$/, ''));
      if (value && typeof value === 'object' && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // a damaged record, the array's brackets or a byte-order mark: the next line
    }
  }
  throw new Error('no record parses');
}
