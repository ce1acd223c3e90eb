import { type DailyMetrics, recordDailyMetrics } from './daily-metrics.ts';
import type { ExecutedRun } from './execute-run.ts';
import type { RunPlan } from './plan-run.ts';
import type { RunContext } from './run-context.ts';
import { type RunOutcome, runOutcome } from './run-outcome.ts';
import type { StartedRun } from './start-run.ts';

/** A run as recorded: its outcome, when it finished, and its line of audit.daily_metrics. */
export interface RecordedRun {
  outcome: RunOutcome;
  finishedAt: Date;
  durationMs: number;
  metrics: DailyMetrics;
}

/**
 * Records the run's end in audit.pipeline_runs, flushes the audit, then writes the run's daily
 * metrics, which read what the sources recorded during the run.
 */
export async function recordRun(
  context: RunContext,
  plan: RunPlan,
  run: StartedRun,
  executed: ExecutedRun,
): Promise<RecordedRun> {
  const { engine, recorder, now } = context;
  const { tasks, checks } = executed;
  const finishedAt = now();
  const outcome = runOutcome(tasks);
  await recorder.runFinished(run.runId, run.startedAt, {
    status: outcome.status,
    finishedAt,
    tasksTotal: tasks.length,
    tasksSucceeded: outcome.succeeded,
    tasksFailed: outcome.failed,
    tasksSkipped: outcome.skipped,
    rowsByLayer: outcome.rowsByLayer,
    error: outcome.error,
  });
  await recorder.flush();
  const durationMs = finishedAt.getTime() - run.startedAt.getTime();
  const metrics = await recordDailyMetrics(engine, {
    runId: run.runId,
    metricDate: run.runDate,
    command: plan.command,
    status: outcome.status,
    runtimeMs: durationMs,
    tasksFailed: outcome.failed,
    tasksSkipped: outcome.skipped,
    rowsByLayer: outcome.rowsByLayer,
    checks,
    recordedAt: now(),
  });
  return { outcome, finishedAt, durationMs, metrics };
}
