import { type RecordedAlert, alertsOf } from '../audit/alerts.ts';
import type { CheckResult } from '../audit/check-result.ts';
import { type RunMetrics, runMetrics } from '../audit/daily-metrics.ts';
import { checkResultsOf } from '../audit/dq-results.ts';
import { ensureAuditSchema } from '../audit/recorder.ts';
import { type RunListEntry, findRun, listRuns as auditRuns, markInterrupted } from '../audit/runs.ts';
import { type TaskAttempt, taskAttempts } from '../audit/task-runs.ts';
import type { Engine, Row } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

export type { RecordedAlert, RunListEntry, TaskAttempt };

export async function listRuns(options: ProjectOptions & { limit?: number }): Promise<RunListEntry[]> {
  return withProject(options, async (_project, engine) => {
    await ensureAuditSchema(engine);
    return markInterrupted(engine, await auditRuns(engine, options.limit ?? 20));
  });
}

export async function getRun(options: ProjectOptions & { runId: string }): Promise<RunDetail> {
  return withProject(options, async (_project, engine) => {
    await ensureAuditSchema(engine);
    return readRun(engine, options.runId);
  });
}

export interface RunDetail {
  run: RunListEntry;
  tasks: TaskAttempt[];
  /** The run's check results (audit.dq_results). */
  checks: CheckResult[];
  alerts: RecordedAlert[];
  /** The run's daily metrics line, columns as named in the table (null for runs recorded before it existed). */
  metrics: Row | null;
  /**
   * Of the run's skipped tasks, those skipped because nothing they read had changed (their last
   * attempt's code is TASK_UNCHANGED): done, not failed upstream. The rest of the skipped were stopped.
   */
  tasksUnchanged: number;
}

/** A run's report read from an open warehouse (the monitor reads it through its served engine). */
export async function readRun(engine: Engine, runId: string): Promise<RunDetail> {
  const run = await findRun(engine, runId);
  if (!run) {
    throw new StrataError('RUN_NOT_FOUND', `No run ${runId} is recorded in this warehouse`, {
      hint: 'List runs with `strata runs`.',
    });
  }
  // The run's parts are read at once, each on a connection of its own.
  const [tasks, [shown = run], checks, alerts, metrics] = await Promise.all([
    taskAttempts(engine, runId),
    markInterrupted(engine, [run]),
    checkResultsOf(engine, runId),
    alertsOf(engine, runId),
    runMetrics(engine, runId),
  ]);
  return {
    run: shown,
    checks,
    alerts,
    metrics: metricsRow(metrics),
    tasks,
    tasksUnchanged: shown.tasksUnchanged,
  };
}

/** The metrics line as `strata runs --run --json` has always shown it: the table's column names. */
function metricsRow(m: RunMetrics | null): Row | null {
  if (!m) return null;
  return {
    metric_date: m.metricDate,
    runtime_ms: m.runtimeMs,
    rows_by_layer: m.rowsByLayer,
    rows_by_source: m.rowsBySource,
    received: m.received,
    staged: m.staged,
    quarantined: m.quarantined,
    duplicates: m.duplicates,
    checks_run: m.checksRun,
    checks_failed: m.checksFailed,
    checks_warned: m.checksWarned,
  };
}
