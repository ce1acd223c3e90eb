import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoResult } from '../../src/index.ts';
import { generatedCatalogue } from '../../src/fixture-api/index.ts';
import { queryWarehouse, testEnvironment } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';
import { cli } from './in-process.ts';
import { type Result, explain, strata, tempDir } from './strata-process.ts';

// `strata demo --products-api`: the e-commerce demo on a tiny slice (3 days at scale 0.01, seed 42)
// with its products fetched from the bundled fixture API, which fails some requests on purpose.
const ARGS = ['--pack', 'ecommerce', '--days', '3', '--scale', '0.01', '--no-serve'];

type DemoJson = Omit<DemoResult, 'run'> & { run: { runId: string; status: string } };

describe('strata demo --products-api', () => {
  let root: { path: string; remove: () => Promise<void> };
  let dir: string;
  let first: Result;
  let database: Awaited<ReturnType<typeof testEnvironment>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = await tempDir('demo-products-api');
    database = await testEnvironment();
    env = database.env;
    dir = join(root.path, 'shop', 'ecommerce');
    first = await strata(['demo', ...ARGS, '--products-api', '--dir', 'shop'], { cwd: root.path, env });
  });
  afterAll(async () => {
    await root.remove();
    await database.dispose();
  });

  it('completes, and its summary says the products came from the API and what it retried', () => {
    expect(first.code, explain(first)).toBe(0);
    expect(first.stdout).toMatch(
      /^Products +from the product API at http:\/\/127\.0\.0\.1:\d+ \(the bundled fixture, stopped after the run\): 100 products, \d+ requests, [1-9]\d* failed on purpose \(500:0\.2,429:0\.2@1\) and retried$/m,
    );
    expect(first.stdout).toMatch(/^Run +r\S+ success in .*: \d+ succeeded, 0 failed, 0 skipped/m);
    expect(first.stdout).toMatch(/^products_api +1 +100 +100 +0 +0 +yes$/m);
    expect(first.stderr).toMatch(/✓ products_api +source .*fetched 1 pages \([1-9]\d* retries\)/);
  });

  it('loads the generated catalogue from the API into the products dimension', async () => {
    const catalogue = generatedCatalogue(42, 0.01);
    const rows = await queryWarehouse(
      dir,
      `select d.product_id, d.product_name, d.price from warehouse.dim_product as d
       join staging.stg_products as s on s.product_id = d.product_id and s.from_api
       where d.is_current order by d.product_id`,
      env,
    );
    expect(
      rows.map((r) => [Number(r.product_id), r.product_name, Math.round(Number(r.price) * 100)]),
    ).toEqual(catalogue.map((p) => [p.id, p.title, Math.round(p.price * 100)]));
  });

  // On a server the raw layer keeps the API's records (the demo removes only its own DuckDB file).
  it.runIf(testEngine() === 'duckdb')(
    'without --products-api, the same demo goes back to the product files, rebuilt',
    async () => {
      const second = await cli(['demo', ...ARGS, '--dir', 'shop', '--format', 'json'], {
        cwd: root.path,
        env,
      });
      expect(second.code, second.stderr).toBe(0);
      const { packs } = JSON.parse(second.stdout) as { packs: DemoJson[] };
      expect(packs[0]?.productsApi).toBeNull();
      const [fromApi] = await queryWarehouse(
        dir,
        'select count(*) as n from staging.stg_products where from_api',
        env,
      );
      expect(Number(fromApi?.n)).toBe(0);
      const marker = JSON.parse(await readFile(join(dir, '.strata-demo.json'), 'utf8')) as {
        products?: string;
      };
      expect(marker.products).toBeUndefined();
    },
  );

  it('refuses --products-api for a pack without a product API', async () => {
    const saas = await cli(['demo', '--pack', 'saas', '--products-api', '--dir', 'other'], {
      cwd: root.path,
      env,
    });
    expect(saas.code).toBe(2);
    expect(saas.stderr).toContain('--products-api is for the ecommerce pack');
  });
});
