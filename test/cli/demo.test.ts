import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoResult } from '../../src/index.ts';
import { checksums, queryWarehouse, testEnvironment } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';
import { cli } from './in-process.ts';
import { type Result, explain, strata, tempDir } from './strata-process.ts';

// `strata demo` end to end on a tiny slice of both packs: 3 days at scale 0.01, one project per
// pack in the demo folder. On PostgreSQL the warehouse is the test's database (STRATA_DATABASE_URL),
// which both packs' projects share, as they do for a user who sets it.
const ARGS = ['--days', '3', '--scale', '0.01'];
const onDuckDB = testEngine() === 'duckdb';

type DemoJson = Omit<DemoResult, 'run'> & { run: { runId: string; status: string } };

/** The e-commerce project's result in `strata demo --format json`. */
function ecommerceResult(stdout: string): DemoJson {
  const { packs } = JSON.parse(stdout) as { packs: DemoJson[] };
  return packs.find((p) => p.pack === 'ecommerce') as DemoJson;
}

describe('strata demo', () => {
  let root: { path: string; remove: () => Promise<void> };
  let dir: string;
  let first: Result;
  let firstSums: Record<string, string>;
  let second: { code: number; stdout: string; stderr: string };
  let secondSums: Record<string, string>;
  let database: Awaited<ReturnType<typeof testEnvironment>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = await tempDir('demo');
    database = await testEnvironment();
    env = database.env;
    dir = join(root.path, 'shop', 'ecommerce');
    // As a user runs it; the folder is relative to the current one.
    first = await strata(['demo', ...ARGS, '--dir', 'shop'], { cwd: root.path, env });
    firstSums = await checksums(dir, env);
    second = await cli(['demo', ...ARGS, '--dir', 'shop', '--format', 'json'], { cwd: root.path, env });
    secondSums = await checksums(dir, env);
  });
  afterAll(async () => {
    await root.remove();
    await database.dispose();
  });

  it('creates the project, generates the data, builds the warehouse and exits 0', () => {
    expect(first.code, explain(first)).toBe(0);
    expect(existsSync(join(dir, 'strata.config.ts'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'manifest.json'))).toBe(true);
    // the warehouse is the project's DuckDB file, or on PostgreSQL the database (and no file)
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(onDuckDB);
    expect(first.stdout).toContain('Project    shop/ecommerce (created from the "ecommerce" template)');
    expect(first.stdout).toContain('Project    shop/saas (created from the "saas" template)');
    expect(first.stdout).toMatch(/^━━ an e-commerce shop \(ecommerce\) ━+$/m);
    expect(first.stdout).toMatch(/^━━ a SaaS business \(saas\) ━+$/m);
    expect(first.stdout).toMatch(
      /^Run +r\S+ success in .*: \d+ succeeded, 0 failed, 0 skipped \(window 2025-01-01\.\.2025-01-03\)$/m,
    );
  });

  it('shows progress on stderr as `strata run` does, and the summary on stdout', () => {
    expect(first.stderr).toMatch(/● Creating a project in \S+shop\/ecommerce from the "ecommerce" template/);
    expect(first.stderr).toMatch(/^generated day 3\/3 \(2025-01-03\): [\d,]+ records so far, all feeds$/m);
    expect(first.stderr).toMatch(/^\d\d:\d\d:\d\d ✓ dim_customer +scd2 +\d+\.\d\ds {2}[\d,]+ rows$/m);
    expect(first.stderr).toMatch(/■ run r\S+ success/);
    expect(first.stdout).not.toMatch(/■ run/);
  });

  it('lists the tables per layer with their rows and the sources’ reconciliation', () => {
    expect(first.stdout).toMatch(/^LAYER +TABLE +MATERIALIZATION +ROWS$/m);
    expect(first.stdout).toMatch(/^staging +orders +source +[\d,]+$/m);
    expect(first.stdout).toMatch(/^marts +monthly_sales +incremental +1$/m);
    expect(first.stdout).toMatch(/^SOURCE +FILES +RECEIVED +STAGED +QUARANTINED +DUPLICATES +RECONCILED$/m);
    expect(first.stdout).toMatch(/^orders +3 +[\d,]+ +[\d,]+ +[\d,]+ +[\d,]+ +yes$/m);
  });

  it('reports the quality gates: all ran, none failed, and the warnings come from the damage injected', () => {
    expect(first.stdout).toMatch(/^Quality gates: \d+ checks: \d+ passed(, \d+ warned)?$/m);
    if (/^Quality gates: .* warned$/m.test(first.stdout)) {
      expect(first.stdout).toMatch(
        /^The warnings come from the [\d,]+ defects the demo injected on purpose:$/m,
      );
    }
  });

  it('prints the headline numbers read from the marts, and where to look next', () => {
    expect(first.stdout).toMatch(/^ {2}Net revenue +[\d,]+\.\d\d$/m);
    expect(first.stdout).toMatch(/^ {2}Orders \(online and in store\) +[\d,]+$/m);
    expect(first.stdout).toMatch(/^ {2}Average order value +[\d,]+\.\d\d$/m);
    expect(first.stdout).toMatch(/^ {2}Customers who ordered +[\d,]+$/m);
    expect(first.stdout).toMatch(/^ {2}Best month +2025-01 \(net revenue [\d,]+\.\d\d\)$/m);
    expect(first.stdout).toMatch(/^ {2}Top category +\S.* \(net revenue [\d,]+\.\d\d\)$/m);
    // strata is not on this PATH (as after `npm install`): the commands say `npx strata`.
    expect(first.stdout).toContain(
      '  npx strata query "select * from marts.monthly_sales" --project shop/ecommerce\n',
    );
    expect(first.stdout).toMatch(/^ {2}npx strata runs --run r\S+ --project shop\/ecommerce$/m);
    expect(first.stdout).toContain('  npx strata check --project shop/ecommerce\n');
    expect(first.stdout).toContain('  npx strata quarantine --project shop/ecommerce\n');
  });

  it('a second demo reuses the project and the data, and leaves every table as it was', () => {
    expect(second.code, second.stderr).toBe(0);
    const result = ecommerceResult(second.stdout);
    expect(result.projectDir).toBe(dir);
    expect(result.project.created).toBe(false);
    expect(result.generation).toMatchObject({ reused: true, replaced: false, durationMs: null });
    expect(result.generation.arguments).toMatchObject({
      domain: 'ecommerce',
      days: 3,
      scale: 0.01,
      seed: 42,
    });
    expect(result.run.status).toBe('success');
    expect(second.stderr).toContain('Reusing the data in');
    expect(second.stderr).not.toMatch(/day \d+\/3/);
    expect(Object.keys(firstSums).length).toBeGreaterThan(20);
    expect(secondSums).toEqual(firstSums);
  });

  it('reports the headline as data that agrees with the marts', async () => {
    const result = ecommerceResult(second.stdout);
    const metric = (key: string) => result.headline.metrics.find((m) => m.key === key);
    expect(result.headline.missingMarts).toEqual([]);
    for (const m of result.headline.metrics) expect(m.unavailable, m.key).toBeUndefined();
    const [totals] = await queryWarehouse(
      dir,
      'select cast(sum(net_revenue) as double precision) as net, cast(sum(orders) as bigint) as orders from marts.monthly_sales',
      env,
    );
    expect(metric('net_revenue')?.value).toBeCloseTo(Number(totals?.net), 2);
    expect(metric('orders')?.value).toBe(Number(totals?.orders));
    expect(Number(metric('orders')?.value)).toBeGreaterThan(0);
    expect(metric('average_order_value')?.value).toBeCloseTo(Number(totals?.net) / Number(totals?.orders), 2);
    expect(metric('best_month')).toMatchObject({ value: '2025-01', amount: metric('net_revenue')?.value });
    expect(typeof metric('top_category')?.value).toBe('string');
    const sources = new Map(result.sources.map((s) => [s.source, s]));
    expect(sources.get('orders')).toMatchObject({ loadDates: 3, files: 3, reconciled: true });
    for (const s of result.sources) expect(s.received).toBe(s.staged + s.quarantined + s.duplicates);
  });

  it('builds the SaaS pack in its own project, with its MRR headline read from the marts', async () => {
    const { packs } = JSON.parse(second.stdout) as { packs: DemoJson[] };
    const saas = packs.find((p) => p.pack === 'saas') as DemoJson;
    expect(saas.run.status).toBe('success');
    expect(saas.projectDir).toBe(join(root.path, 'shop', 'saas'));
    expect(saas.headline.missingMarts).toEqual([]);
    const [last] = await queryWarehouse(
      saas.projectDir,
      'select cast(mrr_end as double precision) as mrr, accounts_end from marts.mrr_movements order by month_start desc limit 1',
      env,
    );
    const metric = (key: string) => saas.headline.metrics.find((m) => m.key === key);
    expect(Number(last?.mrr)).toBeGreaterThan(0);
    expect(metric('mrr')?.value).toBeCloseTo(Number(last?.mrr), 2);
    expect(metric('arr')?.value).toBeCloseTo(12 * Number(last?.mrr), 2);
    expect(metric('paying_accounts')?.value).toBe(Number(last?.accounts_end));
    expect(first.stdout).toMatch(/^ {2}MRR \(end of window\) +[\d,]+\.\d\d$/m);
  });

  let third: DemoJson;

  it('with other arguments, replaces the data and builds the new window', async () => {
    const result = await cli(
      [
        'demo',
        '--pack',
        'ecommerce',
        ...['--days', '2', '--scale', '0.01', '--dir', join(root.path, 'shop'), '--format', 'json'],
      ],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    third = ecommerceResult(result.stdout);
    expect(third.generation).toMatchObject({ reused: false, replaced: true });
    expect(third.window).toEqual({ from: '2025-01-01', to: '2025-01-02' });
    expect(third.run.status).toBe('success');
    const orders = third.sources.find((s) => s.source === 'orders');
    expect(orders).toMatchObject({ loadDates: 2, files: 2, reconciled: true });
    const [staged] = await queryWarehouse(
      dir,
      `select count(*) as n from staging.orders where load_date between date '2025-01-01' and date '2025-01-02'`,
      env,
    );
    expect(Number(staged?.n)).toBe(orders?.staged);
  });

  it.runIf(onDuckDB)('DuckDB only: the demo’s own warehouse file is removed and rebuilt', async () => {
    expect(third.project.warehouseReset).toBe(true);
    const [dates] = await queryWarehouse(
      dir,
      'select cast(max(load_date) as varchar) as last from staging.orders',
      env,
    );
    expect(dates?.last).toBe('2025-01-02');
  });

  it.runIf(!onDuckDB)('PostgreSQL only: a server’s warehouse is not removed but fully refreshed', () => {
    expect(third.project.warehouseReset).toBe(false);
    expect(third.project.warehouse).toMatch(/^postgres/);
  });

  it('refuses a project it did not create, as a usage error', async () => {
    const other = join(root.path, 'mine');
    expect((await cli(['init', other], { env })).code).toBe(0);
    const refused = await cli(['demo', ...ARGS, '--dir', other], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error[DEMO_TARGET_NOT_DEMO]');
    expect(refused.stderr).toContain('hint:');
    expect(existsSync(join(other, 'data'))).toBe(false);
  });
});
