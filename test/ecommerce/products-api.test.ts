/**
 * The e-commerce pack with its products from a product API (the fixture API, failing on purpose
 * with 500s and 429s): the same dimension as from the product files of the same generated
 * catalogue, every check passing, and a later refresh of products alone that records a changed
 * price as SCD2 history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResponse } from '../../src/api/run.ts';
import type { Row } from '../../src/engine/types.ts';
import { type FixtureApi, generatedCatalogue, startFixtureApi } from '../../src/fixture-api/index.ts';
import { PackProject, cents, dateRange } from './pack.ts';

const DATA = { start: '2025-01-20', days: 6, scale: 0.01, seed: 11, defects: 0 };
const DATES = dateRange(DATA.start, DATA.days);
const FIRST = DATES[0] as string;
const SECOND = DATES[1] as string;
const LAST = DATES[DATES.length - 1] as string;
/** The weekly refresh's day, a Monday after the data (a scheduled run without dates fetches for today). */
const REFRESH_DAY = '2025-02-03';
const PRICE_CHANGED = 3;
const API_FIELDS = 'product_id, product_name, category, department, price';
/** Every field of a version but its bookkeeping, to compare two dimensions. */
const VERSION_FIELDS = `${API_FIELDS}, sku, subcategory, brand, cost, status, launched_date`;

const ENV = 'STRATA_PRODUCTS_API_URL';

/** Runs `work` with the project config naming `api` (the template reads the URL from the environment). */
async function withApi<T>(api: FixtureApi, work: () => Promise<T>): Promise<T> {
  const before = process.env[ENV];
  process.env[ENV] = api.url;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env[ENV];
    else process.env[ENV] = before;
  }
}

function failedChecks(response: RunResponse): string[] {
  return response.summary.checks.filter((c) => c.status !== 'pass').map((c) => `${c.checkId}: ${c.message}`);
}

describe('e-commerce pack: products from the product API', () => {
  let files: PackProject;
  let fromApi: PackProject;
  let faults: { '500': number; '429': number };
  const runs: RunResponse[] = [];

  beforeAll(async () => {
    files = await PackProject.withData(DATA);
    fromApi = await files.copy();
    await files.run({ from: FIRST, to: LAST });
    const api = await startFixtureApi({
      seed: DATA.seed,
      scale: DATA.scale,
      faults: '500:0.25,429:0.25@0',
    });
    try {
      await withApi(api, async () => {
        // The API is fetched for the first date, then for the last (the catalogue is the same).
        runs.push(await fromApi.run({ date: FIRST }));
        runs.push(await fromApi.run({ from: SECOND, to: LAST }));
      });
      faults = api.stats().faults;
    } finally {
      await api.close();
    }
  });

  afterAll(async () => {
    await files?.dispose();
    await fromApi?.dispose();
  });

  it('fetches through 500s and 429s, and every check of the pack passes', () => {
    expect(faults['500']).toBeGreaterThan(0);
    expect(faults['429']).toBeGreaterThan(0);
    for (const response of runs) expect(failedChecks(response)).toEqual([]);
  });

  it('stages the catalogue the API served, every product once per fetch, from the API', async () => {
    const catalogue = generatedCatalogue(DATA.seed, DATA.scale);
    const staged = await fromApi.query(`
      select load_date, count(*) as products, count(distinct product_id) as ids
      from staging.stg_products where from_api group by load_date order by load_date`);
    expect(staged.map((r) => [day(r.load_date), Number(r.products), Number(r.ids)])).toEqual([
      [FIRST, catalogue.length, catalogue.length],
      [LAST, catalogue.length, catalogue.length],
    ]);
    const served = await fromApi.query(`
      select product_id, product_name, price from staging.stg_products
      where from_api and load_date = '${FIRST}' order by product_id`);
    expect(served.map((r) => [Number(r.product_id), r.product_name, cents(r.price)])).toEqual(
      catalogue.map((p) => [p.id, p.title, Math.round(p.price * 100)]),
    );
  });

  it('builds dim_product as the product files do for the same catalogue', async () => {
    // The files' first version of each product is the generated catalogue, as the API serves it.
    const firstVersions = (project: PackProject) =>
      project.query(`
        select ${VERSION_FIELDS} from warehouse.dim_product as d
        where product_id <> 0
          and valid_from = (select min(valid_from) from warehouse.dim_product as v where v.product_id = d.product_id)
        order by product_id`);
    const expected = normalise(await firstVersions(files));
    const actual = normalise(await firstVersions(fromApi));
    expect(actual.length).toBeGreaterThanOrEqual(generatedCatalogue(DATA.seed, DATA.scale).length);
    expect(actual).toEqual(expected);
    // The API's fields never change between the two fetches: the files' price changes are not
    // taken (a product's later version comes from a field only the files carry, e.g. status).
    const changedByApi = await fromApi.query(`
      select product_id from warehouse.dim_product
      where product_id between 1 and ${generatedCatalogue(DATA.seed, DATA.scale).length}
      group by product_id
      having count(distinct price) > 1 or count(distinct product_name) > 1 or count(distinct category) > 1`);
    expect(changedByApi).toEqual([]);
  });

  it('a refresh of products alone records a changed price as a new version', async () => {
    const catalogue = generatedCatalogue(DATA.seed, DATA.scale);
    const before = catalogue.find((p) => p.id === PRICE_CHANGED);
    if (!before) throw new Error(`product ${PRICE_CHANGED} is not in the catalogue`);
    const newPrice = Math.round(before.price * 110) / 100 + 1;
    const changed = catalogue.map((p) => (p.id === PRICE_CHANGED ? { ...p, price: newPrice } : p));
    const [factsBefore] = await fromApi.query(
      `select count(*) as n, sum(list_price) as amount from warehouse.fact_order_items`,
    );
    const api = await startFixtureApi({ catalogue: changed, seed: DATA.seed, faults: '500:0.2' });
    let response: RunResponse;
    try {
      response = await withApi(api, () => fromApi.run({ select: ['products_api+'], date: REFRESH_DAY }));
    } finally {
      await api.close();
    }
    expect(failedChecks(response)).toEqual([]);
    const ran = new Set(response.summary.tasks.map((t) => t.task));
    expect(ran.has('products_api')).toBe(true);
    expect(ran.has('dim_product')).toBe(true);
    expect(ran.has('orders')).toBe(false);
    expect(ran.has('products')).toBe(false);

    const versions = await fromApi.query(`
      select price, cast(valid_from as date) as valid_from, cast(valid_to as date) as valid_to, is_current
      from warehouse.dim_product where product_id = ${PRICE_CHANGED} order by valid_from`);
    expect(versions.map((v) => [cents(v.price), day(v.valid_to), v.is_current])).toEqual([
      [Math.round(before.price * 100), REFRESH_DAY, false],
      [Math.round(newPrice * 100), null, true],
    ]);
    expect(day(versions[1]?.valid_from)).toBe(REFRESH_DAY);
    // Only the changed product got a version; the facts sold before keep the price of their time.
    const [others] = await fromApi.query(`
      select count(*) as n from warehouse.dim_product where strata_load_date = '${REFRESH_DAY}'`);
    expect(Number(others?.n)).toBe(1);
    const [factsAfter] = await fromApi.query(
      `select count(*) as n, sum(list_price) as amount from warehouse.fact_order_items`,
    );
    expect(Number(factsAfter?.n)).toBe(Number(factsBefore?.n));
    expect(cents(factsAfter?.amount)).toBe(cents(factsBefore?.amount));
  });
});

/** Rows as plain comparable values (decimals as cents, dates as text). */
function normalise(rows: Row[]): unknown[] {
  return rows.map((r) => ({
    ...r,
    product_id: Number(r.product_id),
    price: cents(r.price),
    cost: r.cost === null ? null : cents(r.cost),
    launched_date: day(r.launched_date),
  }));
}

function day(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}
