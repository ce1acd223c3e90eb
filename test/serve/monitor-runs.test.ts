import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import type { MonitorRunsView, MonitorRunView } from '../../src/dashboards/monitor-runs-views.ts';
import type { ErrorView } from '../../src/dashboards/views.ts';
import { withProject } from '../../src/api/open-project.ts';
import { AuditRecorder } from '../../src/audit/recorder.ts';
import { createApp } from '../../src/serve/app.ts';
import { createMonitorProject, monitorConfig, plantFailOnce } from '../helpers/monitor-project.ts';
import { runProjectElsewhere } from '../helpers/other-process.ts';
import { testEngine } from '../support/postgres.ts';
import type { TestProject } from '../helpers/project.ts';

/**
 * The monitor's runs views in the JSON API through `app.request()`, on a real warehouse (DuckDB,
 * or PostgreSQL under the postgres test project): a run with a failed error check (a downstream
 * task skipped), quarantined records and a retried task; every figure is compared with the audit
 * tables, read with SQL.
 */
let project: TestProject;
let site: DashboardSite;
let app: Hono;
let slug: string;
let runId: string;

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  project = await createMonitorProject();
  const result = await project.run({ from: '2025-06-01', to: '2025-06-02' });
  expect(result.exitCode).toBe(1);
  runId = result.summary.runId;
  site = await openDashboardSite({ projectDirs: [project.dir], env: project.env });
  app = createApp({ site });
  slug = site.projects[0]?.slug ?? '';
}, 120_000);

afterAll(async () => {
  await site?.close();
  await project?.dispose();
});

describe('the runs list', () => {
  it('shows the run as audit holds it: status, window, rows per layer, checks failed, quarantined, alerts', async () => {
    const { status, body } = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs`);
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    const [run] = body.runs;
    const [recorded] = await project.query(
      `select r.status, r.trigger, cast(r.date_from as varchar) as date_from, cast(r.date_to as varchar) as date_to,
              r.duration_ms, m.checks_failed, m.quarantined, cast(m.rows_by_layer as varchar) as rows_by_layer,
              (select count(*) from audit.alerts a where a.run_id = r.run_id) as alerts
       from audit.pipeline_runs r join audit.daily_metrics m on m.run_id = r.run_id`,
    );
    expect(run).toMatchObject({
      runId,
      status: 'failed',
      trigger: recorded?.trigger,
      dateFrom: '2025-06-01',
      dateTo: '2025-06-02',
      durationMs: Number(recorded?.duration_ms),
      checksFailed: Number(recorded?.checks_failed),
      quarantined: 2,
      alerts: Number(recorded?.alerts),
      rowsByLayer: JSON.parse(String(recorded?.rows_by_layer)),
    });
    expect(run?.checksFailed).toBe(1);
    expect(run?.alerts).toBeGreaterThan(0);
    expect(body.live).toBe(false);
  });

  it('filters by status and start day, pages, and refuses a bad filter', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const failed = await getJson<MonitorRunsView>(
      `/api/${slug}/monitor/runs?status=failed&from=${day}&to=${day}`,
    );
    expect(failed.body.runs.map((r) => r.runId)).toEqual([runId]);
    const success = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs?status=success`);
    expect(success.body).toMatchObject({ total: 0, runs: [] });
    const before = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs?to=2020-01-01`);
    expect(before.body.total).toBe(0);
    const paged = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs?limit=1&offset=1`);
    expect(paged.body).toMatchObject({ total: 1, runs: [], limit: 1, offset: 1 });
    const bad = await getJson<ErrorView>(`/api/${slug}/monitor/runs?status=sideways`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('DASHBOARD_BAD_INPUT');
    const badDate = await getJson<ErrorView>(`/api/${slug}/monitor/runs?from=yesterday`);
    expect(badDate.body.error.message).toContain('from must be a date');
  });
});

describe('a run page', () => {
  it('holds the report of `strata runs --run`: every attempt, the checks and the alerts', async () => {
    const { status, body } = await getJson<MonitorRunView>(`/api/${slug}/monitor/runs/${runId}`);
    expect(status).toBe(200);
    const attempts = await project.query(
      `select task_id, attempt, status, rows_out from audit.task_runs where run_id = '${runId}' order by task_id, attempt`,
    );
    const shown = body.timeline.tasks
      .flatMap((t) =>
        t.attempts.map((a) => ({
          task_id: a.task,
          attempt: a.attempt,
          status: a.status,
          rows_out: a.rowsOut,
        })),
      )
      .sort((a, b) => a.task_id.localeCompare(b.task_id) || a.attempt - b.attempt);
    expect(shown).toEqual(
      attempts.map((a) => ({
        ...a,
        attempt: Number(a.attempt),
        rows_out: a.rows_out === null ? null : Number(a.rows_out),
      })),
    );
    expect(body.report.tasks).toHaveLength(attempts.length);
    const checks = await project.query(
      `select check_id, status from audit.dq_results where run_id = '${runId}' order by check_id`,
    );
    expect(
      body.checks
        .map((c) => ({ check_id: c.checkId, status: c.status }))
        .sort((a, b) => a.check_id.localeCompare(b.check_id)),
    ).toEqual(checks);
    expect(body.run.status).toBe('failed');
    // its skipped tasks were stopped by a failure upstream, none skipped because nothing changed
    expect(body.run.tasksSkipped).toBeGreaterThan(0);
    expect(body.tasksUnchanged).toBe(0);
    expect(body.live).toBe(false);
  });

  it('shows the retried task as two attempts, the skipped task with its reason, and the critical path', async () => {
    const { body } = await getJson<MonitorRunView>(`/api/${slug}/monitor/runs/${runId}`);
    const task = (id: string) => body.timeline.tasks.find((t) => t.task === id);
    expect(task('fact_orders')?.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    expect(task('fact_orders')?.attempts[0]?.error).toContain('planted conflict');
    expect(task('big_orders:checks')?.status).toBe('failed');
    expect(task('big_order_count')).toMatchObject({
      status: 'skipped',
      skipReason: 'skipped: upstream big_orders:checks failed (CHECK_FAILED)',
    });
    expect(task('big_order_count')?.upstream).toEqual(['big_orders', 'big_orders:checks']);
    // The chain that ends last runs back through the retried task to the source.
    const path = body.timeline.criticalPath;
    expect(path[0]).toBe('orders');
    expect(path).toContain('fact_orders');
    const last = Math.max(
      ...body.timeline.tasks
        .filter((t) => t.status !== 'skipped')
        .flatMap((t) => t.attempts.map((a) => a.endMs)),
    );
    const pathEnd = Math.max(...(task(path[path.length - 1] ?? '')?.attempts.map((a) => a.endMs) ?? []));
    expect(pathEnd).toBe(last);
    for (const t of body.timeline.tasks) expect(t.critical).toBe(path.includes(t.task));
    // Bars lie on the run's axis: none starts before the run or ends after its span.
    for (const a of body.timeline.tasks.flatMap((t) => t.attempts)) {
      expect(a.startMs).toBeGreaterThanOrEqual(0);
      expect(a.endMs).toBeLessThanOrEqual(body.timeline.spanMs);
    }
  });

  it('answers 404 for a run that is not recorded', async () => {
    const { status, body } = await getJson<ErrorView>(`/api/${slug}/monitor/runs/no-such-run`);
    expect(status).toBe(404);
    expect(body.error.code).toBe('DASHBOARD_NOT_FOUND');
  });

  it('serves the page shell at the monitor URLs', async () => {
    const response = await app.request(`/${slug}/monitor/runs/${runId}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="app"');
  });
});

describe('a run whose process died', () => {
  it('shows as interrupted, in the list, on its page and under status=interrupted', async () => {
    // Recorded as a run records its start, then left: no process holds the run lock.
    await withProject(project.options, async (_project, engine) => {
      const recorder = new AuditRecorder(engine);
      await recorder.runStarted({
        runId: 'r-died',
        trigger: 'cli',
        command: 'run',
        selection: [],
        fullRefresh: false,
        startedAt: new Date(),
        strataVersion: '0.0.0-test',
        engine: 'test',
      });
      await recorder.flush();
    });
    const [recorded] = await project.query(`select status from audit.pipeline_runs where run_id = 'r-died'`);
    expect(recorded?.status).toBe('running');
    const list = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs`);
    expect(list.body.runs.find((r) => r.runId === 'r-died')?.status).toBe('interrupted');
    expect(list.body.live).toBe(false);
    const page = await getJson<MonitorRunView>(`/api/${slug}/monitor/runs/r-died`);
    expect(page.body).toMatchObject({
      live: false,
      run: { status: 'interrupted', rowsByLayer: null, quarantined: null },
    });
    expect(page.body.timeline.tasks).toEqual([]);
    const interrupted = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs?status=interrupted`);
    expect(interrupted.body.runs.map((r) => r.runId)).toEqual(['r-died']);
    const running = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs?status=running`);
    expect(running.body).toMatchObject({ total: 0, runs: [] });
  });
});

describe('a run in another process', () => {
  it.runIf(testEngine() === 'postgres')(
    'PostgreSQL only: shows as running while another process runs it (as another machine would), its attempts filling in, then ends',
    async () => {
      await project.write({
        'strata.config.ts': monitorConfig({ retryDelayMs: 2000, retryMaxDelayMs: 2000 }),
      });
      await plantFailOnce(project, 2);
      // A full refresh: fact_orders, built by the run before, would otherwise be skipped as unchanged.
      const other = await runProjectElsewhere(project.dir, /building fact_orders/, project.env, {
        fullRefresh: true,
      });
      try {
        const runs = await getJson<MonitorRunsView>(`/api/${slug}/monitor/runs?status=running`);
        const live = runs.body.runs[0];
        expect(live?.status).toBe('running');
        expect(runs.body.total).toBe(1);
        expect(runs.body.live).toBe(true);
        const during = await getJson<MonitorRunView>(`/api/${slug}/monitor/runs/${live?.runId}`);
        expect(during.body.live).toBe(true);
        const attemptsDuring = during.body.timeline.tasks.flatMap((t) => t.attempts).length;
        expect(await other.exited).toBe(1);
        const after = await getJson<MonitorRunView>(`/api/${slug}/monitor/runs/${live?.runId}`);
        expect(after.body).toMatchObject({ live: false, run: { status: 'failed' } });
        const attemptsAfter = after.body.timeline.tasks.flatMap((t) => t.attempts);
        expect(attemptsAfter.length).toBeGreaterThan(attemptsDuring);
        expect(attemptsAfter.filter((a) => a.task === 'fact_orders').map((a) => a.status)).toEqual([
          'failed',
          'failed',
          'success',
        ]);
      } finally {
        other.stop();
      }
    },
    60_000,
  );
});
