/**
 * The documentation site's data (`collectDocsData`) of the e-commerce pack, on a real warehouse
 * (DuckDB, or PostgreSQL under the postgres project): fact_orders as the warehouse and audit hold
 * it, its checks' results, its lineage back to the orders source, and the coverage figure; and a
 * project not built yet still gives a site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.ts';
import { buildDocsSite } from '../../src/api/docs.ts';
import { withProject } from '../../src/api/open-project.ts';
import type { DocsData } from '../../src/docs/types.ts';
import { PackProject } from '../ecommerce/pack.ts';

const DATA = { start: '2025-03-01', days: 2, scale: 0.005, seed: 11, defects: 0 };
const LAST = '2025-03-02';

describe('the docs data of a built e-commerce project', () => {
  let project: PackProject;
  let data: DocsData;
  let runIds: string[];
  let warehouseColumns: { name: string; type: string }[];

  beforeAll(async () => {
    project = await PackProject.withData(DATA);
    const run = await project.run({ from: DATA.start, to: LAST });
    const checked = await check({ projectDir: project.dir, env: project.env });
    runIds = [run.summary.runId, checked.summary.runId];
    ({ data, warehouseColumns } = await withProject(
      { projectDir: project.dir, env: project.env },
      async (p, e) => ({
        data: (await buildDocsSite(p, e)).data,
        warehouseColumns: await e.listColumns({ schema: 'warehouse', name: 'fact_orders' }),
      }),
    ));
  });

  afterAll(async () => {
    await project?.dispose();
  });

  const factOrders = () => {
    const model = data.models.find((m) => m.name === 'fact_orders');
    if (!model) throw new Error('no fact_orders in the docs');
    return model;
  };

  it('shows fact_orders built, with its columns in warehouse order, their types and descriptions', () => {
    const model = factOrders();
    expect(model).toMatchObject({
      kind: 'model',
      table: 'warehouse.fact_orders',
      file: 'models/warehouse/fact_orders.sql',
      built: true,
      materialized: 'upsert',
      uniqueKey: ['order_id'],
    });
    expect(model.description).toMatch(/^One row per order/);
    expect(model.columns.map((c) => [c.name, c.type])).toEqual(warehouseColumns.map((c) => [c.name, c.type]));
    const byName = new Map(model.columns.map((c) => [c.name, c]));
    expect(byName.get('customer_sk')).toMatchObject({
      description: 'dim_customer version in force at placed_at (the UNKNOWN member when not found).',
      checks: ['fact_orders:not_null(customer_sk)'],
    });
    expect(byName.get('order_id')?.description).toBe('Natural key.');
    // The SQL as written keeps its template; compiled, refs are the engine's qualified tables.
    expect(model.sql).toContain("{{ ref('stg_orders') }}");
    expect(model.compiledSql).not.toContain('{{');
    expect(model.compiledSql).toMatch(/"staging"\."stg_orders"/);
    // An upsert has no touched SELECT; a mart incremental by key shows its own, as written.
    expect(model.touchedSql).toBeNull();
    const daily = data.models.find((m) => m.name === 'daily_sales');
    expect(daily?.touchedSql).toMatch(/\{\{ ref\('/);
    // Column lineage from the compiled SQL: the order's key is the staged order's.
    expect(model.columnLineage).toMatchObject({ model: 'fact_orders', parseError: null });
    const orderId = model.columnLineage?.columns.find((c) => c.column === 'order_id');
    expect(orderId?.inputs).toContainEqual({ node: 'stg_orders', column: 'order_id' });
  });

  it('shows the checks of fact_orders with their latest results and history, as audit holds them', async () => {
    const checks = data.checks.filter((c) => c.target === 'fact_orders');
    expect(checks.map((c) => c.id).sort()).toEqual([
      'fact_orders:customer_known',
      'fact_orders:customer_known_mostly',
      'fact_orders:discount_within_gross',
      'fact_orders:not_null(customer_sk)',
    ]);
    const recorded = await project.query(
      `select check_id, run_id, status from audit.dq_results where target = 'fact_orders' order by check_id, started_at`,
    );
    for (const docs of checks) {
      const rows = recorded.filter((r) => r.check_id === docs.id);
      expect(rows.map((r) => [r.run_id, r.status])).toEqual(runIds.map((runId) => [runId, 'pass']));
      expect(docs.history.map((h) => [h.runId, h.status])).toEqual(runIds.map((runId) => [runId, 'pass']));
      expect(docs.latest).toEqual(docs.history.at(-1));
      expect(docs.latest?.checkedRows).toBeGreaterThan(0);
      expect(docs.sql).toMatch(/fact_orders/);
    }
    const notNull = checks.find((c) => c.id === 'fact_orders:not_null(customer_sk)');
    expect(notNull).toMatchObject({
      column: 'customer_sk',
      type: 'not_null',
      definition: 'customer_sk is never null',
    });
  });

  it('traces fact_orders upstream back to the orders source, whose ledger shows the loads', () => {
    const nodes = new Map<string, { upstream: string[] }>(
      [...data.models, ...data.seeds, ...data.sources].map((n) => [n.name, n]),
    );
    const reached = new Set<string>();
    const visit = (name: string) => {
      for (const parent of nodes.get(name)?.upstream ?? []) {
        if (!reached.has(parent)) {
          reached.add(parent);
          visit(parent);
        }
      }
    };
    visit('fact_orders');
    expect(reached).toContain('stg_orders');
    expect(reached).toContain('orders');
    expect(factOrders().downstream).toContain('fact_order_items');

    const orders = data.sources.find((s) => s.name === 'orders');
    expect(orders).toMatchObject({ type: 'files', format: 'json', raw: 'raw.orders', built: true });
    // Its nested items table is read through it: stg_order_items is downstream of the source.
    expect(orders?.downstream).toEqual(['stg_order_items', 'stg_orders']);
    expect(orders?.provides).toEqual(['orders__items']);
    // The table of its nested items, built, with the warehouse's types.
    const items = orders?.tables?.[0];
    expect(items).toMatchObject({ name: 'orders__items', table: 'staging.orders__items', built: true });
    expect(items?.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['order_id', 'item_position', 'load_date']),
    );
    expect(items?.columns.every((c) => c.type !== null)).toBe(true);
    expect(orders?.loads.map((l) => l.loadDate)).toEqual([LAST, DATA.start]);
    for (const load of orders?.loads ?? []) {
      expect(load.received).toBeGreaterThan(0);
      expect(load.received).toBe(load.staged + load.quarantined + load.duplicates);
    }
    // The lineage graph: every node once, sources at depth 0, every edge between known nodes.
    const ids = data.lineage.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(data.lineage.nodes.find((n) => n.id === 'orders')).toMatchObject({ kind: 'source', depth: 0 });
    expect(data.lineage.nodes.filter((n) => n.kind === 'page')).toHaveLength(data.pages.length);
    for (const edge of data.lineage.edges) {
      expect(ids).toContain(edge.source);
      expect(ids).toContain(edge.target);
    }
  });

  it('counts the coverage over the columns of models, seeds and sources', () => {
    const { coverage } = data;
    const counted = [
      ...data.models.flatMap((m) => m.columns.map((c) => ({ node: m.name, c }))),
      ...data.seeds.flatMap((s) => s.columns.map((c) => ({ node: s.name, c }))),
      ...data.sources
        .flatMap((s) => [s, ...(s.tables ?? [])])
        .flatMap((s) =>
          s.columns
            .filter(
              (c) =>
                !['load_date', '_source_file', '_record_position', '_ingestion_id', 'item_position'].includes(
                  c.name,
                ),
            )
            .map((c) => ({ node: s.name, c })),
        ),
    ];
    expect(coverage.columns).toBe(counted.length);
    expect(coverage.described).toBe(counted.filter(({ c }) => c.description).length);
    expect(coverage.undocumented).toHaveLength(coverage.columns - coverage.described);
    // fact_orders documents every column; the seeds document none.
    expect(coverage.undocumented.filter((u) => u.node === 'fact_orders')).toEqual([]);
    expect(coverage.undocumented).toContainEqual({ node: 'country_regions', column: 'region' });
    expect(coverage.models).toBe(data.models.length);
    expect(coverage.modelsDescribed).toBe(data.models.filter((m) => m.description).length);
  });
});

describe('the docs of a project not built yet', () => {
  let project: PackProject;
  beforeAll(async () => {
    project = await PackProject.create();
  });
  afterAll(async () => {
    await project?.dispose();
  });

  it('still gives a site: columns as declared, no types, nothing built, no results', async () => {
    const { data, files } = await withProject({ projectDir: project.dir, env: project.env }, (p, e) =>
      buildDocsSite(p, e),
    );
    expect(files.map((f) => f.path)).toContain('index.html');
    const model = data.models.find((m) => m.name === 'fact_orders');
    expect(model?.built).toBe(false);
    expect(model?.columns.map((c) => c.name)).toContain('customer_sk');
    expect(model?.columns.every((c) => c.type === null)).toBe(true);
    expect([...data.models, ...data.seeds, ...data.sources].every((n) => !n.built)).toBe(true);
    expect(data.checks.every((c) => c.latest === null && c.history.length === 0)).toBe(true);
    expect(data.sources.every((s) => s.loads.length === 0)).toBe(true);
    // A seed's columns come from its CSV header before it is loaded.
    expect(data.seeds.find((s) => s.name === 'country_regions')?.columns.map((c) => c.name)).toContain(
      'region',
    );
  });
});
