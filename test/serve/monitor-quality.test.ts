import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import type {
  CheckView,
  ChecksView,
  ErrorView,
  LineageView,
  QuarantineView,
  ReconciliationView,
} from '../../src/dashboards/views.ts';
import { recordSourceLoads } from '../../src/audit/source-loads.ts';
import type { Engine } from '../../src/engine/types.ts';
import { createApp } from '../../src/serve/app.ts';
import type { TestProject } from '../helpers/project.ts';
import { monitorProject } from './monitor-quality-project.ts';

/**
 * The monitor's quality views through `app.request()`, on a real warehouse (DuckDB, or
 * PostgreSQL under the postgres project): every value is compared with what the audit tables
 * hold, queried here on the served engine.
 */
let project: TestProject;
let site: DashboardSite;
let app: Hono;
let engine: Engine;
let slug: string;

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as T };
}

async function audit(sql: string): Promise<Record<string, unknown>[]> {
  return (await engine.query(sql)).rows;
}

const text = () => engine.dialect.type('text');

beforeAll(async () => {
  project = await monitorProject();
  site = await openDashboardSite({ projectDirs: [project.dir], env: project.env });
  app = createApp({ site });
  slug = site.projects[0]?.slug ?? '';
  engine = site.project(slug).engine;
});

afterAll(async () => {
  await site?.close();
  await project?.dispose();
});

describe('checks', () => {
  it('lists every check with its newest status and its history across runs, as dq_results holds them', async () => {
    const { status, body } = await getJson<ChecksView>(`/api/${slug}/monitor/checks`);
    expect(status).toBe(200);
    const rows = await audit(
      `select run_id, check_id, status, cast(started_at as ${text()}) as started_at from audit.dq_results order by started_at, run_id, check_id`,
    );
    const runs = [...new Set(rows.map((r) => String(r.run_id)))];
    expect(runs).toHaveLength(2);
    expect(body.runs.map((r) => r.runId)).toEqual(runs);
    const newest = new Map<string, string>();
    for (const r of rows) newest.set(String(r.check_id), String(r.status));
    expect(Object.fromEntries(body.checks.map((c) => [c.checkId, c.status]))).toEqual(
      Object.fromEntries(newest),
    );
    const failing = body.checks.find((c) => c.checkId === 'fact_orders:small_amounts');
    expect(failing?.status).toBe('fail');
    expect(failing?.severity).toBe('error');
    expect(failing?.history.map((h) => [h.runId, h.status])).toEqual(
      rows.filter((r) => r.check_id === 'fact_orders:small_amounts').map((r) => [r.run_id, r.status]),
    );
    expect(body.counts.fail).toBe([...newest.values()].filter((s) => s === 'fail').length);
  });

  it('shows a check with its SQL and its sample of failing rows', async () => {
    const id = encodeURIComponent('fact_orders:small_amounts');
    const { status, body } = await getJson<CheckView>(`/api/${slug}/monitor/checks/${id}`);
    expect(status).toBe(200);
    const [row] = await audit(
      `select check_sql, cast(sample as ${text()}) as sample, failing_rows from audit.dq_results
       where check_id = 'fact_orders:small_amounts' order by started_at desc limit 1`,
    );
    expect(body.sql).toBe(row?.check_sql);
    expect(body.sample).toEqual(JSON.parse(String(row?.sample)));
    expect(body.failingRows).toBe(Number(row?.failing_rows));
    expect(body.sample.map((r) => String(r.order_id)).sort()).toEqual(['4', '7']);
    expect(body.sampleColumns).toContain('amount');
  });

  it('answers 404 for a check that never ran, and 400 for a bad parameter', async () => {
    expect((await getJson<ErrorView>(`/api/${slug}/monitor/checks/nope`)).status).toBe(404);
    const bad = await getJson<ErrorView>(`/api/${slug}/monitor/checks?runs=zero`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('DASHBOARD_BAD_INPUT');
  });
});

describe('quarantine', () => {
  it('lists every rejected record with its raw text, the resolved one marked, and counts by reason', async () => {
    const { status, body } = await getJson<QuarantineView>(`/api/${slug}/monitor/quarantine`);
    expect(status).toBe(200);
    const rows = await audit(
      `select source, cast(load_date as ${text()}) as load_date, field, reason_code, raw_record, run_id, resolved_run_id
       from audit.bad_records order by load_date desc, source, source_file, record_position, source_line, field`,
    );
    expect(body.total).toBe(rows.length);
    expect(
      body.records.map((r) => [r.loadDate, r.field, r.reason, r.rawRecord, r.foundInRun, r.resolvedInRun]),
    ).toEqual(
      rows.map((r) => [r.load_date, r.field, r.reason_code, r.raw_record, r.run_id, r.resolved_run_id]),
    );
    const resolved = body.records.filter((r) => r.resolvedInRun !== null);
    expect(resolved.map((r) => r.reason)).toEqual(['unknown_enum']);
    expect(resolved[0]?.rawRecord).toBe('2,2,2.50,returned,3/14/2025');
    expect(body.records.find((r) => r.loadDate === '2025-03-16')?.rawRecord).toBe(
      '11,1,1.00,caf\\xE9,3/16/2025',
    );
    const byReason = new Map<string, number>();
    for (const r of rows) byReason.set(String(r.reason_code), (byReason.get(String(r.reason_code)) ?? 0) + 1);
    expect(Object.fromEntries(body.reasons.map((r) => [r.reason, r.records]))).toEqual(
      Object.fromEntries(byReason),
    );
  });

  it('filters by date, field and reason, pages, and leaves resolved ones out when asked', async () => {
    const { body } = await getJson<QuarantineView>(`/api/${slug}/monitor/quarantine?date=2025-03-15`);
    expect(body.records.map((r) => [r.loadDate, r.field])).toEqual([['2025-03-15', 'amount']]);
    const open = await getJson<QuarantineView>(`/api/${slug}/monitor/quarantine?open=1`);
    expect(open.body.records.every((r) => r.resolvedInRun === null)).toBe(true);
    expect(open.body.total).toBe(
      Number(
        (await audit('select count(*) as n from audit.bad_records where resolved_run_id is null'))[0]?.n,
      ),
    );
    const reason = await getJson<QuarantineView>(
      `/api/${slug}/monitor/quarantine?reason=invalid_type&limit=1&offset=1`,
    );
    expect(reason.body.records).toHaveLength(1);
    expect(reason.body.total).toBe(
      Number(
        (await audit("select count(*) as n from audit.bad_records where reason_code = 'invalid_type'"))[0]?.n,
      ),
    );
    expect((await getJson<ErrorView>(`/api/${slug}/monitor/quarantine?date=14.03.2025`)).status).toBe(400);
  });
});

describe('reconciliation', () => {
  it('shows per source and date the newest ledger row, adding up, and the rows per layer of each run', async () => {
    const { status, body } = await getJson<ReconciliationView>(`/api/${slug}/monitor/reconciliation`);
    expect(status).toBe(200);
    const rows = await audit(
      `select source, cast(load_date as ${text()}) as load_date, received, staged, quarantined, duplicates from (
         select l.*, row_number() over (partition by l.source, l.load_date order by r.started_at desc, l.run_id desc) as n
         from audit.source_loads l join audit.pipeline_runs r on r.run_id = l.run_id) x
       where n = 1 order by source, load_date`,
    );
    expect(
      body.loads.map((l) => [l.source, l.loadDate, l.received, l.staged, l.quarantined, l.duplicates]),
    ).toEqual(
      rows.map((r) => [
        r.source,
        r.load_date,
        Number(r.received),
        Number(r.staged),
        Number(r.quarantined),
        Number(r.duplicates),
      ]),
    );
    expect(body.loads.every((l) => l.difference === 0 && l.reconciled)).toBe(true);
    expect(body.mismatches).toBe(0);
    const march14 = body.loads.find((l) => l.loadDate === '2025-03-14');
    expect(march14).toMatchObject({ received: 6, duplicates: 1 });

    const metrics = await audit(
      `select run_id, cast(rows_by_layer as ${text()}) as layers from audit.daily_metrics order by recorded_at, run_id`,
    );
    expect(body.layers.runs.map((r) => [r.runId, r.rows])).toEqual(
      metrics.map((m) => [m.run_id, JSON.parse(String(m.layers))]),
    );
    expect(body.layers.names.slice(0, 2)).toEqual(['raw', 'staging']);
  });
});

describe('a load date that does not add up', () => {
  it('is counted and shows its difference', async () => {
    const [run] = await audit('select run_id from audit.pipeline_runs order by started_at desc limit 1');
    // A ledger line whose counts lose 4 records (written through audit/'s own writer).
    await recordSourceLoads(engine, String(run?.run_id), 'orders', [
      {
        loadDate: '2025-03-17',
        files: 1,
        counts: { received: 10, staged: 5, quarantined: 1, duplicates: 0 },
        reconciled: false,
      },
    ]);
    const { body } = await getJson<ReconciliationView>(`/api/${slug}/monitor/reconciliation`);
    expect(body.mismatches).toBe(1);
    expect(body.loads.find((l) => l.loadDate === '2025-03-17')).toMatchObject({
      received: 10,
      difference: 4,
      reconciled: false,
    });
  });
});

describe('lineage', () => {
  it('holds every node of the project, its gates and pages, with each task’s newest status and rows (a skip because nothing changed is not news)', async () => {
    const { status, body } = await getJson<LineageView>(`/api/${slug}/monitor/lineage`);
    expect(status).toBe(200);
    const graph = site.project(slug).project.graph;
    for (const name of graph.nodes.keys()) expect(body.nodes.map((n) => n.id)).toContain(name);
    expect(
      body.nodes
        .filter((n) => n.kind === 'model')
        .map((n) => n.id)
        .sort(),
    ).toEqual(
      [...graph.nodes.values()]
        .filter((n) => n.kind === 'model')
        .map((n) => n.name)
        .sort(),
    );
    const tasks = await audit(
      `select task_id, status, rows_out from (select t.*, row_number() over (partition by task_id order by started_at desc, attempt desc) as n
       from audit.task_runs t where t.error_code is null or t.error_code <> 'TASK_UNCHANGED') x where n = 1`,
    );
    for (const task of tasks) {
      const node = body.nodes.find((n) => n.id === task.task_id);
      if (!node) continue;
      expect([node.id, node.status, node.rows]).toEqual([
        task.task_id,
        task.status,
        task.rows_out === null ? null : Number(task.rows_out),
      ]);
    }
    expect(body.nodes.find((n) => n.id === 'daily_orders')?.status).toBe('skipped');
    expect(body.nodes.find((n) => n.id === 'fact_orders:checks')?.status).toBe('failed');
    const fact = body.nodes.find((n) => n.id === 'fact_orders');
    expect(fact?.upstream).toEqual(['orders']);
    expect(fact?.downstream).toEqual(['daily_orders', 'fact_orders:checks']);
    expect(body.nodes.find((n) => n.id === 'page:orders')?.upstream.sort()).toEqual([
      'channel_list',
      'daily_orders',
    ]);
    const depth = new Map(body.nodes.map((n) => [n.id, n.depth]));
    for (const edge of body.edges)
      expect(depth.get(edge.target)).toBeGreaterThan(depth.get(edge.source) ?? Infinity);
  });
});
