import { type RunMetrics, recordDailyMetrics as writeDailyMetrics } from '../audit/daily-metrics.ts';
import { type SourceLoadTotals, sourceTotalsOfRun } from '../audit/source-loads.ts';
import type { CheckResult } from '../checks/run-check.ts';
import type { Engine } from '../engine/types.ts';

export type { SourceLoadTotals };

/** The run's metrics as the run summary holds them: per source under `sources`. */
export interface DailyMetrics extends Omit<RunMetrics, 'rowsBySource'> {
  /** What each source received and where it went, over the dates this run loaded. */
  sources: Record<string, SourceLoadTotals>;
}

export interface RunFacts {
  runId: string;
  metricDate: string;
  command: string;
  status: string;
  runtimeMs: number;
  tasksFailed: number;
  tasksSkipped: number;
  rowsByLayer: Record<string, number>;
  checks: readonly CheckResult[];
  recordedAt: Date;
}

/**
 * Adds up and writes the run's line of daily metrics — runtime, rows per layer and source,
 * quarantined records, checks failed — and returns it. Source counts come from the ledger the
 * sources wrote (source_loads), so they are the reconciled numbers, not a second count.
 */
export async function recordDailyMetrics(engine: Engine, facts: RunFacts): Promise<DailyMetrics> {
  const sources: Record<string, SourceLoadTotals> = {};
  const totals: SourceLoadTotals = { received: 0, staged: 0, quarantined: 0, duplicates: 0 };
  for (const { source, ...counts } of await sourceTotalsOfRun(engine, facts.runId)) {
    sources[source] = counts;
    for (const key of Object.keys(totals) as (keyof SourceLoadTotals)[]) totals[key] += counts[key];
  }
  const metrics: DailyMetrics = {
    metricDate: facts.metricDate,
    runtimeMs: facts.runtimeMs,
    rowsByLayer: facts.rowsByLayer,
    sources,
    ...totals,
    checksRun: facts.checks.length,
    checksFailed: facts.checks.filter((c) => c.status === 'fail' || c.status === 'error').length,
    checksWarned: facts.checks.filter((c) => c.status === 'warn').length,
  };
  const { sources: rowsBySource, ...line } = metrics;
  await writeDailyMetrics(engine, {
    ...line,
    rowsBySource,
    runId: facts.runId,
    command: facts.command,
    status: facts.status,
    tasksFailed: facts.tasksFailed,
    tasksSkipped: facts.tasksSkipped,
    recordedAt: facts.recordedAt,
  });
  return metrics;
}
