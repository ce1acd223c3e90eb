import { checkHistory, latestCheckResults } from '../audit/dq-results.ts';
import type { CheckResult } from '../audit/check-result.ts';
import type {
  CheckHistoryCell,
  CheckStatusView,
  CheckSummaryView,
  CheckView,
  ChecksView,
} from '../dashboards/monitor-quality-views.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { DashboardSite } from './dashboard-site.ts';
import { monitorEngine } from './monitor-audit.ts';
import { intParam } from './request-params.ts';

/** Runs a check's history strip covers by default, and at most. */
const HISTORY_RUNS = 30;
const MAX_HISTORY_RUNS = 200;

/**
 * Every check with its newest result and its history over the newest runs that ran checks
 * (`runs`, default 30): what audit.dq_results holds, read through audit/.
 */
export async function monitorChecks(
  site: DashboardSite,
  slug: string,
  params: URLSearchParams,
): Promise<ChecksView> {
  const served = await monitorEngine(site, slug);
  const runs = intParam(params, 'runs', { min: 1, max: MAX_HISTORY_RUNS, fallback: HISTORY_RUNS });
  const [latest, history] = await Promise.all([
    latestCheckResults(served.engine),
    checkHistory(served.engine, { runs }),
  ]);
  const runList: ChecksView['runs'] = [];
  const seenRuns = new Set<string>();
  const cells = new Map<string, CheckHistoryCell[]>();
  for (const entry of history) {
    if (!seenRuns.has(entry.runId)) {
      seenRuns.add(entry.runId);
      runList.push({ runId: entry.runId, runDate: entry.runDate });
    }
    const list = cells.get(entry.checkId) ?? [];
    list.push({
      runId: entry.runId,
      status: entry.status,
      runDate: entry.runDate,
      startedAt: entry.startedAt,
      failingRows: entry.failingRows,
    });
    cells.set(entry.checkId, list);
  }
  const checks = latest.map((result) => summary(slug, result, cells.get(result.checkId) ?? []));
  const counts: Record<CheckStatusView, number> = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const check of checks) counts[check.status] += 1;
  return { project: slug, runs: runList, checks, counts };
}

/** One check: its newest result with the SQL and sample of failing rows, and its history. */
export async function monitorCheck(
  site: DashboardSite,
  slug: string,
  checkId: string,
  params: URLSearchParams,
): Promise<CheckView> {
  const served = await monitorEngine(site, slug);
  const runs = intParam(params, 'runs', { min: 1, max: MAX_HISTORY_RUNS, fallback: HISTORY_RUNS });
  const [result] = await latestCheckResults(served.engine, checkId);
  if (!result) {
    throw new StrataError(
      'DASHBOARD_NOT_FOUND',
      `no check "${checkId.slice(0, 200)}" has a result in ${slug}`,
      {
        hint: `GET /api/${slug}/monitor/checks lists the checks that ran.`,
      },
    );
  }
  const history = (await checkHistory(served.engine, { runs, checkId })).map((entry) => ({
    runId: entry.runId,
    status: entry.status,
    runDate: entry.runDate,
    startedAt: entry.startedAt,
    failingRows: entry.failingRows,
  }));
  const sampleColumns = [...new Set(result.sample.flatMap((row) => Object.keys(row)))];
  return {
    ...summary(slug, result, history),
    project: slug,
    table: result.table,
    column: result.column ?? null,
    threshold: result.threshold ?? null,
    scope:
      result.scope.kind === 'all'
        ? 'all rows'
        : `load dates ${result.scope.from ?? '…'} to ${result.scope.to ?? '…'}`,
    sql: result.sql,
    sampleColumns,
    sample: result.sample,
  };
}

function summary(
  slug: string,
  result: CheckResult & { runId: string },
  history: CheckHistoryCell[],
): CheckSummaryView {
  return {
    checkId: result.checkId,
    type: result.type,
    target: result.target,
    severity: result.severity,
    status: result.status,
    runId: result.runId,
    startedAt: result.startedAt.toISOString(),
    failingRows: result.failingRows,
    checkedRows: result.checkedRows,
    message: result.message,
    history,
    url: `/${slug}/monitor/checks/${encodeURIComponent(result.checkId)}`,
  };
}
