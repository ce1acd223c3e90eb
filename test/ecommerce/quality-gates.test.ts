/**
 * The pack's quality gates on generated data with two problems put in by hand:
 *
 * - one day's orders file lost a required field (customer_id) from every record: the orders
 *   source fails, and everything built from orders is skipped while the rest of the warehouse is
 *   built;
 * - five in-store sales of another day name a customer nobody has (orphan keys): the warning
 *   check on fact_store_sales finds exactly those five, and audit.dq_results keeps them as its
 *   sample.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/project/load-project.ts';
import type { RunSummary } from '../../src/runner/run-pipeline.ts';
import { PackProject } from './pack.ts';

const DATA = { start: '2025-03-01', days: 4, scale: 0.02, seed: 11, defects: 0 };
const ORPHAN = 'C99999999';

describe('the e-commerce pack with a broken orders file and orphan customers', () => {
  let project: PackProject;
  let summary: RunSummary;
  let exitCode: number;
  let orphanedSales: string[];

  beforeAll(async () => {
    project = await PackProject.withData(DATA);
    await dropField(project.feedFile('orders', '2025-03-03.json'), 'customer_id');
    orphanedSales = await orphanCustomers(project.feedFile('sales', '2025-03-02.csv.gz'), 5);
    const { run } = await import('../../src/api/run.ts');
    ({ summary, exitCode } = await run({
      projectDir: project.dir,
      env: project.env,
      from: DATA.start,
      to: '2025-03-04',
    }));
  }, 240_000);
  afterAll(() => project?.dispose());

  it('fails the run, naming the file and the missing field', () => {
    expect(exitCode).toBe(1);
    const orders = summary.tasks.find((t) => t.task === 'orders');
    expect(orders?.status).toBe('failed');
    expect(orders?.error?.message).toMatch(/2025-03-03\.json/);
    expect(orders?.error?.message).toMatch(/customer_id/);
  });

  it('skips exactly what is built from orders, and builds everything else', async () => {
    const { graph } = await loadProject(project.dir, project.env);
    const fromOrders = downstreamOf(graph.downstream, 'orders');
    const statuses = Object.fromEntries(summary.tasks.map((t) => [t.task, t.status]));
    for (const [task, status] of Object.entries(statuses)) {
      const node = task.replace(/:checks$/, '');
      if (node === 'orders') continue;
      expect([task, status]).toEqual([task, fromOrders.has(node) ? 'skipped' : 'success']);
    }
    // The marts a reader would miss, and the ones that must still be there.
    for (const mart of ['daily_sales', 'customer_metrics', 'executive_kpis'])
      expect(statuses[mart]).toBe('skipped');
    for (const mart of ['sessions_daily', 'funnel_daily', 'inventory_performance']) {
      expect(statuses[mart]).toBe('success');
    }
    expect(await project.query('select count(*) as n from marts.sessions_daily')).toEqual([
      { n: expect.any(Number) },
    ]);
  });

  it('keeps the orphan keys as the failing rows of a warning, and passes the other gates', async () => {
    const results = await project.query(
      `select check_id, status, failing_rows, cast(sample as varchar) as sample
       from audit.dq_results where run_id = '${summary.runId}' order by check_id`,
    );
    const orphans = results.find((r) => r.check_id === 'fact_store_sales:customer_known');
    expect(orphans).toMatchObject({ status: 'warn', failing_rows: 5 });
    const sample = JSON.parse(String(orphans?.sample)) as { transaction_id: string; customer_id: string }[];
    expect(sample.map((r) => r.customer_id)).toEqual(Array(5).fill(ORPHAN));
    expect(sample.map((r) => r.transaction_id).sort()).toEqual([...orphanedSales].sort());

    // Every other check that ran passed: the sources' ledgers, the reconciliation of store sales.
    const others = results.filter((r) => r.check_id !== 'fact_store_sales:customer_known');
    expect(others.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(others.map((r) => r.check_id)).toEqual(
      expect.arrayContaining(['sales:reconciliation(raw)', 'fact_store_sales:reconciliation(sales)']),
    );
    expect(summary.metrics.checksWarned).toBe(1);
  });
});

/** Removes a field from every record of a JSON-array file. */
async function dropField(path: string, field: string): Promise<void> {
  const records = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>[];
  for (const record of records) delete record[field];
  await writeFile(path, JSON.stringify(records));
}

/** Points the first `count` sales of a gzip CSV at a customer id nobody has; returns their ids. */
async function orphanCustomers(path: string, count: number): Promise<string[]> {
  const lines = gunzipSync(await readFile(path))
    .toString('utf8')
    .split('\n');
  const header = (lines[0] ?? '').split(',');
  const customer = header.indexOf('customer_id');
  const transaction = header.indexOf('transaction_id');
  const changed: string[] = [];
  for (let i = 1; i < lines.length && changed.length < count; i++) {
    // Plain lines only (no quoted commas), so splitting on commas is exact.
    const line = lines[i] as string;
    if (!line || line.includes('"')) continue;
    const cells = line.split(',');
    cells[customer] = ORPHAN;
    changed.push(cells[transaction] as string);
    lines[i] = cells.join(',');
  }
  await writeFile(path, gzipSync(lines.join('\n')));
  return changed;
}

function downstreamOf(downstream: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(downstream.get(start) ?? [])];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(downstream.get(name) ?? []));
  }
  return seen;
}
