/**
 * Column-level lineage of every model of the two domain packs, on a small generated project of
 * each built on the test run's engine: every model's compiled SQL parses, the headline columns
 * trace back to the right upstream columns, and the share of columns resolved (printed, per pack
 * and engine) is every column. Before the first run, lineage falls back on the upstream models'
 * own lineage and names the sources that are not built.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelColumnLineage, projectColumnLineage } from '../../src/api/column-lineage.ts';
import { initProject } from '../../src/api/init.ts';
import { withProject } from '../../src/api/open-project.ts';
import { run } from '../../src/api/run.ts';
import { generate } from '../../src/generate/index.ts';
import type { ColumnLineage, ModelColumnLineage } from '../../src/lineage/types.ts';
import { testEnvironment } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';

type Pack = 'ecommerce' | 'saas';

interface PackProject {
  dir: string;
  env: NodeJS.ProcessEnv;
  dispose: () => Promise<void>;
}

const projects = new Map<Pack, Promise<PackProject>>();

/** One project per pack for the file: created empty, run by the test that needs it built. */
function packProject(pack: Pack): Promise<PackProject> {
  let project = projects.get(pack);
  if (!project) {
    project = (async () => {
      const dir = join(await mkdtemp(join(tmpdir(), `strata-lineage-${pack}-`)), pack);
      await initProject(dir, pack);
      await generate({
        domain: pack,
        out: join(dir, 'data'),
        start: '2025-01-01',
        days: 7,
        scale: 0.01,
        threads: 0,
      });
      const { env, dispose } = await testEnvironment();
      return { dir, env, dispose };
    })();
    projects.set(pack, project);
  }
  return project;
}

afterAll(async () => {
  for (const project of projects.values()) {
    const created = await project.catch(() => undefined);
    if (!created) continue;
    await created.dispose();
    await rm(join(created.dir, '..'), { recursive: true, force: true });
  }
});

async function buildAndDerive(pack: Pack): Promise<ModelColumnLineage[]> {
  const project = await packProject(pack);
  const response = await run({ projectDir: project.dir, env: project.env });
  expect(response.summary.tasks.filter((t) => t.status !== 'success').map((t) => t.task)).toEqual([]);
  return withProject({ projectDir: project.dir, env: project.env }, (loaded, engine) =>
    projectColumnLineage(loaded, engine),
  );
}

function column(all: readonly ModelColumnLineage[], model: string, name: string): ColumnLineage | undefined {
  return all.find((entry) => entry.model === model)?.columns.find((entry) => entry.column === name);
}

function coverage(pack: Pack, all: readonly ModelColumnLineage[]): number {
  const columns = all.flatMap((model) => model.columns);
  const resolved = columns.filter((entry) => entry.unresolved === null).length;
  console.log(
    `column lineage coverage, ${pack} on ${testEngine()}: ${resolved}/${columns.length} columns resolved`,
  );
  return resolved / columns.length;
}

describe('column lineage of the e-commerce pack', () => {
  it('before the first run, reads upstream models by their own lineage and names the sources not built', async () => {
    const project = await packProject('ecommerce');
    const factOrders = await withProject({ projectDir: project.dir, env: project.env }, (loaded, engine) =>
      modelColumnLineage(loaded, engine, 'fact_orders'),
    );
    expect(factOrders.parseError).toBeNull();
    expect(factOrders.columns.find((entry) => entry.column === 'order_id')).toEqual({
      column: 'order_id',
      derivation: 'copy',
      inputs: [{ node: 'stg_orders', column: 'order_id' }],
      unresolved: null,
    });
    const stgOrders = await withProject({ projectDir: project.dir, env: project.env }, (loaded, engine) =>
      modelColumnLineage(loaded, engine, 'stg_orders'),
    );
    expect(stgOrders.columns.find((entry) => entry.column === 'order_id')?.unresolved).toContain(
      '`orders` is not built yet, so its columns are not known',
    );
  });

  it('derives every model on this engine and traces the headline columns', async () => {
    const all = await buildAndDerive('ecommerce');
    expect(all.length).toBe(35);
    expect(
      all.filter((model) => model.parseError).map((model) => `${model.model}: ${model.parseError}`),
    ).toEqual([]);

    // A staging model reads both order feeds: the source `orders` and the flat `order_lines`.
    expect(column(all, 'stg_orders', 'order_id')).toEqual({
      column: 'order_id',
      derivation: 'copy',
      inputs: [
        { node: 'order_lines', column: 'order_id' },
        { node: 'orders', column: 'order_id' },
      ],
      unresolved: null,
    });
    // A nested array of a source is its own node.
    expect(column(all, 'stg_order_items', 'order_id')?.inputs).toContainEqual({
      node: 'orders__items',
      column: 'order_id',
    });
    expect(column(all, 'fact_orders', 'order_id')).toEqual({
      column: 'order_id',
      derivation: 'copy',
      inputs: [{ node: 'stg_orders', column: 'order_id' }],
      unresolved: null,
    });
    expect(column(all, 'fact_orders', 'net_revenue')).toEqual({
      column: 'net_revenue',
      derivation: 'aggregate',
      inputs: [
        { node: 'stg_order_items', column: 'discount_amount' },
        { node: 'stg_order_items', column: 'line_amount' },
      ],
      unresolved: null,
    });
    expect(column(all, 'daily_sales', 'net_revenue')).toEqual({
      column: 'net_revenue',
      derivation: 'aggregate',
      inputs: [{ node: 'sales_lines_base', column: 'net_revenue' }],
      unresolved: null,
    });
    // A UNION ALL of online and store lines: each position reads both branches.
    expect(column(all, 'sales_lines_base', 'quantity')).toEqual({
      column: 'quantity',
      derivation: 'copy',
      inputs: [
        { node: 'fact_order_items', column: 'quantity' },
        { node: 'fact_store_sales', column: 'quantity' },
      ],
      unresolved: null,
    });
    expect(column(all, 'dim_date', 'date_day')).toEqual({
      column: 'date_day',
      derivation: 'transform',
      inputs: [],
      unresolved: null,
    });
    expect(coverage('ecommerce', all)).toBe(1);
  });
});

describe('column lineage of the SaaS pack', () => {
  it('derives every model on this engine and traces the headline columns', async () => {
    const all = await buildAndDerive('saas');
    expect(all.length).toBe(24);
    expect(
      all.filter((model) => model.parseError).map((model) => `${model.model}: ${model.parseError}`),
    ).toEqual([]);
    expect(column(all, 'mrr_daily', 'mrr')).toEqual({
      column: 'mrr',
      derivation: 'aggregate',
      inputs: [{ node: 'fact_subscription_daily', column: 'mrr' }],
      unresolved: null,
    });
    expect(column(all, 'stg_transactions', 'transaction_type')).toEqual({
      column: 'transaction_type',
      derivation: 'copy',
      inputs: [{ node: 'transactions', column: 'type' }],
      unresolved: null,
    });
    expect(coverage('saas', all)).toBe(1);
  });
});
