/**
 * One generated data set loaded three ways — a run per day in order, one run over the whole range,
 * and the range followed by a full refresh — must give the same staging, warehouse and marts, table
 * by table; and re-running a day in the middle of the day-by-day warehouse must change nothing.
 * Shared by equivalence.test.ts (clean data) and equivalence-defects.test.ts (1% defects), which are
 * two files so each stays within the time budget of a test file.
 */
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
  'marts.daily_sales',
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
  });

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
}
