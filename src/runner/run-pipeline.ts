import type { RaisedAlerts } from '../alerts/raise-alerts.ts';
import type { AuditWriteStats } from '../audit/recorder.ts';
import type { CheckResult } from '../checks/run-check.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import type { Project } from '../project/load-project.ts';
import { alertRun } from './alert-run.ts';
import type { DailyMetrics } from './daily-metrics.ts';
import type { RunWarning } from './events.ts';
import { type ExecutedRun, executeRun } from './execute-run.ts';
import { type RunPlan, planRun } from './plan-run.ts';
import { type RecordedRun, recordRun } from './record-run.ts';
import type { RunContext } from './run-context.ts';
import { underRunLock } from './run-lock.ts';
import type { RunOptions } from './run-options.ts';
import { type StartedRun, startRun } from './start-run.ts';
import type { TaskSummary } from './task-summary.ts';
import { validateRunOptions } from './validate-run-options.ts';

export type { RunOptions } from './run-options.ts';
export type { TaskSummary } from './task-summary.ts';
export type { RunWarning } from './events.ts';

export interface RunSummary {
  runId: string;
  /** interrupted: `RunOptions.signal` was aborted before every task had finished. */
  status: 'success' | 'failed' | 'interrupted';
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  window: DateWindow;
  resumedFrom?: string;
  tasks: TaskSummary[];
  /**
   * What succeeded tasks warned about: a source with no file in the run's dates, or whose pattern
   * matches no file at all (with `strict` these fail the task instead).
   */
  warnings: RunWarning[];
  /** Every check run, in the order they finished. */
  checks: CheckResult[];
  /** The run's line of audit.daily_metrics. */
  metrics: DailyMetrics;
  /** What the alert rules raised after the run, and how each was delivered. */
  alerts: RaisedAlerts;
  /** What the run cost beyond its tasks' own work: statements run, audit writes. */
  costs: RunCosts;
}

/**
 * A run's statements and audit writes, counted from taking the run lock to the summary. Statement
 * time is summed over sessions, so it exceeds the run's duration when tasks run side by side.
 */
export interface RunCosts {
  statements: number;
  statementMs: number;
  audit: AuditWriteStats;
}

/**
 * One pipeline run, as a sequence of stages that hand each other plain data: the options are
 * validated (before the lock), then under the warehouse's run lock the run is planned, started
 * (recorded), executed (builds and gates as a DAG, every attempt recorded), recorded as finished
 * with its daily metrics, and alerted on. Returns a summary; throws only when the run could not
 * start (bad options, lock held, bad selection, nothing to resume, signal already aborted).
 *
 * Aborting `options.signal` interrupts the run: no task starts any more, the running tasks' queries
 * are cancelled and their transactions rolled back, and the run is recorded `interrupted` (its
 * tasks too) before this returns. Tasks that had finished stay committed: each task is atomic,
 * the run is not one transaction.
 */
export async function runPipeline(
  project: Project,
  engine: Engine,
  options: RunOptions = {},
): Promise<RunSummary> {
  validateRunOptions(options);
  throwIfInterrupted(options.signal);
  const now = options.now ?? (() => new Date());
  return underRunLock(engine, now, async (recorder) => {
    const before = engine.statementStats();
    const context: RunContext = {
      project,
      engine,
      recorder,
      emit: options.onEvent ?? (() => undefined),
      now,
      env: options.env ?? process.env,
    };
    const plan = await planRun(project, engine, options);
    const run = await startRun(context, plan, options.trigger);
    const executed = await executeRun(context, plan, run, options.concurrency, options.signal);
    const recorded = await recordRun(context, plan, run, executed);
    const alerts = await alertRun(context, run.runId);
    announceFinished(context, run, recorded);
    const after = engine.statementStats();
    const audit = recorder.stats();
    const costs: RunCosts = {
      statements: after.statements - before.statements,
      statementMs: Math.round(after.ms - before.ms),
      audit: { ...audit, ms: Math.round(audit.ms) },
    };
    return { ...runSummary(plan, run, executed, recorded, alerts), costs };
  });
}

/** A run asked to stop before it took the lock is not started (and so not recorded) at all. */
function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  const by = typeof reason === 'string' && /^SIG[A-Z]+$/.test(reason) ? ` by ${reason}` : '';
  throw new StrataError('RUN_INTERRUPTED', `the run was interrupted${by} before it started`, {
    hint: 'Nothing was run or recorded; start it again.',
  });
}

function announceFinished(context: RunContext, run: StartedRun, recorded: RecordedRun): void {
  const { outcome, durationMs } = recorded;
  context.emit({
    type: 'run_finished',
    runId: run.runId,
    status: outcome.status,
    durationMs,
    succeeded: outcome.succeeded,
    failed: outcome.failed,
    skipped: outcome.skipped,
    ...(outcome.unchanged ? { unchanged: outcome.unchanged } : {}),
    interrupted: outcome.interrupted,
  });
}

function runSummary(
  plan: RunPlan,
  run: StartedRun,
  executed: ExecutedRun,
  recorded: RecordedRun,
  alerts: RaisedAlerts,
): Omit<RunSummary, 'costs'> {
  return {
    runId: run.runId,
    status: recorded.outcome.status,
    startedAt: run.startedAt,
    finishedAt: recorded.finishedAt,
    durationMs: recorded.durationMs,
    window: plan.window,
    resumedFrom: plan.resumedFrom,
    tasks: executed.tasks,
    warnings: executed.warnings,
    checks: executed.checks,
    metrics: recorded.metrics,
    alerts,
  };
}
