import { monitorEngine } from './monitor-audit.ts';
import { dateParam, intParam, textParam } from './request-params.ts';
import { markInterrupted, type RunSummary, searchRuns } from '../audit/runs.ts';
import { RUN_STATUSES } from '../audit/schema.ts';
import type { MonitorRunRow, MonitorRunsView, MonitorRunView } from '../dashboards/monitor-runs-views.ts';
import { StrataError } from '../errors/strata-error.ts';
import { planTasks } from '../runner/plan-tasks.ts';
import { clip, type DashboardSite, type ServedProject } from './dashboard-site.ts';
import { buildTimeline } from './monitor-timeline.ts';
import { readRun } from './runs.ts';

/** The monitor's runs views over a served project's open warehouse (`/api/<project>/monitor/runs...`). */

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 200;
/** What a filter may name: audit's statuses (`interrupted` also covers a `running` run whose process is gone). */
const FILTER_STATUSES: string[] = [...RUN_STATUSES];

/** `GET /api/<project>/monitor/runs?status=&from=&to=&limit=&offset=`: a page of runs, newest first. */
export async function monitorRuns(
  site: DashboardSite,
  slug: string,
  params: URLSearchParams,
): Promise<MonitorRunsView> {
  const served = await monitorEngine(site, slug);
  const engine = served.engine;
  const status = textParam(params, 'status') ?? undefined;
  if (status !== undefined && !FILTER_STATUSES.includes(status)) {
    throw new StrataError('DASHBOARD_BAD_INPUT', `status must be one of ${FILTER_STATUSES.join(', ')}`, {
      field: 'status',
    });
  }
  const from = dateParam(params, 'from') ?? undefined;
  const to = dateParam(params, 'to') ?? undefined;
  const limit = intParam(params, 'limit', { min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT });
  const offset = intParam(params, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
  // A run whose process is gone is recorded as running: ask for those too, then keep the ones shown
  // as the filter asks.
  const recorded = status === 'interrupted' ? ['running', 'interrupted'] : status;
  const page = await searchRuns(engine, {
    limit,
    offset,
    ...(recorded ? { status: recorded } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  });
  let runs = await markInterrupted(engine, page.runs);
  let total = page.total;
  if (status === 'interrupted' || status === 'running') {
    const kept = runs.filter((r) => r.status === status);
    // Runs of this page shown otherwise than recorded are left out of the count (those of other
    // pages are not looked at: the count may be high by the runs of other pages so shown).
    total -= runs.length - kept.length;
    runs = kept;
  }
  return {
    project: served.slug,
    title: served.title,
    runs: runs.map(toRow),
    total,
    limit,
    offset,
    filters: { status: status ?? null, from: from ?? null, to: to ?? null },
    statuses: FILTER_STATUSES,
    live: runs.some((r) => r.status === 'running'),
  };
}

/** `GET /api/<project>/monitor/runs/<runId>`: the run's report (as `strata runs --run`) and its timeline. */
export async function monitorRun(site: DashboardSite, slug: string, runId: string): Promise<MonitorRunView> {
  const served = await monitorEngine(site, slug);
  const engine = served.engine;
  const report = await readRun(engine, runId).catch((error: unknown) => {
    if (error instanceof StrataError && error.code === 'RUN_NOT_FOUND') return null;
    throw error;
  });
  if (!report) {
    throw new StrataError('DASHBOARD_NOT_FOUND', `no run "${clip(runId)}" is recorded for ${served.slug}`, {
      hint: `GET /api/${served.slug}/monitor/runs lists the runs.`,
    });
  }
  const now = new Date();
  const timeline = buildTimeline(report.run.startedAt, report.tasks, taskDeps(served, report.tasks), now);
  // The list's figures, from the same report: its metrics line (null when none) and its alerts.
  const { metrics } = report;
  const run = toRow({
    ...report.run,
    rowsByLayer: metrics ? (metrics.rows_by_layer as Record<string, number>) : null,
    checksFailed: metrics ? Number(metrics.checks_failed) : null,
    checksWarned: metrics ? Number(metrics.checks_warned) : null,
    quarantined: metrics ? Number(metrics.quarantined) : null,
    alerts: report.alerts.length,
  });
  return {
    project: served.slug,
    title: served.title,
    run,
    report: {
      tasks: report.tasks,
      checks: report.checks,
      alerts: report.alerts,
      metrics: report.metrics,
    },
    checks: report.checks.map((c) => ({
      checkId: c.checkId,
      type: c.type,
      target: c.target,
      severity: c.severity,
      status: c.status,
      failingRows: c.failingRows,
      message: c.message,
    })),
    alerts: report.alerts.map((a) => ({
      rule: a.rule,
      subject: a.subject,
      message: a.message,
      delivery: a.delivery,
    })),
    timeline: { startedAt: report.run.startedAt, ...timeline },
    tasksUnchanged: report.tasksUnchanged,
    live: run.status === 'running',
    now: now.toISOString(),
  };
}

/** What each task of the run waited for: the run's plan over the nodes it ran, from the project's DAG. */
function taskDeps(served: ServedProject, attempts: readonly { task: string }[]): Map<string, string[]> {
  const { graph, checks } = served.project;
  const nodes = new Set(
    attempts.map((a) => a.task.replace(/:checks$/, '')).filter((n) => graph.nodes.has(n)),
  );
  const plan = planTasks(graph, nodes, checks, { build: true });
  return new Map(plan.map((t) => [t.id, t.deps]));
}

function toRow(r: RunSummary): MonitorRunRow {
  return {
    runId: r.runId,
    status: r.status,
    trigger: r.trigger,
    dateFrom: r.dateFrom,
    dateTo: r.dateTo,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    tasksSucceeded: r.tasksSucceeded,
    tasksFailed: r.tasksFailed,
    tasksSkipped: r.tasksSkipped,
    rowsByLayer: r.rowsByLayer,
    checksFailed: r.checksFailed,
    checksWarned: r.checksWarned,
    quarantined: r.quarantined,
    alerts: r.alerts,
    error: r.error,
    resumedFrom: r.resumedFrom,
  };
}
