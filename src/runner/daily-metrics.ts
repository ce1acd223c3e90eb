import { sqlTimestamp } from '../time/timestamps.ts';
import type { CheckResult } from '../checks/run-check.ts';
import type { Engine } from '../engine/types.ts';

export interface SourceLoadTotals {
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
}

export interface DailyMetrics extends SourceLoadTotals {
  metricDate: string;
  runtimeMs: number;
  rowsByLayer: Record<string, number>;
  /** What each source received and where it went, over the dates this run loaded. */
  sources: Record<string, SourceLoadTotals>;
  checksRun: number;
  checksFailed: number;
  checksWarned: number;
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
 * Writes the run's line of audit.daily_metrics — runtime, rows per layer and source, quarantined
 * records, checks failed — and returns it. Source counts come from the ledger the sources wrote
 * (audit.source_loads), so they are the reconciled numbers, not a second count.
 */
export async function recordDailyMetrics(engine: Engine, facts: RunFacts): Promise<DailyMetrics> {
  const { rows } = await engine.query(
    `SELECT source, sum(received) AS received, sum(staged) AS staged, sum(quarantined) AS quarantined,
            sum(duplicates) AS duplicates
     FROM audit.source_loads WHERE run_id = $1 GROUP BY source ORDER BY source`,
    [facts.runId],
  );
  const sources: Record<string, SourceLoadTotals> = {};
  const totals: SourceLoadTotals = { received: 0, staged: 0, quarantined: 0, duplicates: 0 };
  for (const row of rows) {
    const counts = {
      received: Number(row.received),
      staged: Number(row.staged),
      quarantined: Number(row.quarantined),
      duplicates: Number(row.duplicates),
    };
    sources[String(row.source)] = counts;
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
  const json = engine.dialect.type('json');
  await engine.execute(
    `INSERT INTO audit.daily_metrics (run_id, metric_date, command, status, runtime_ms, tasks_failed, tasks_skipped,
       rows_by_layer, rows_by_source, received, staged, quarantined, duplicates, checks_run, checks_failed,
       checks_warned, recorded_at)
     VALUES ($1, CAST($2 AS DATE), $3, $4, $5, $6, $7, CAST($8 AS ${json}), CAST($9 AS ${json}), $10, $11, $12, $13,
       $14, $15, $16, CAST($17 AS TIMESTAMP))`,
    [
      facts.runId,
      facts.metricDate,
      facts.command,
      facts.status,
      facts.runtimeMs,
      facts.tasksFailed,
      facts.tasksSkipped,
      JSON.stringify(facts.rowsByLayer),
      JSON.stringify(sources),
      metrics.received,
      metrics.staged,
      metrics.quarantined,
      metrics.duplicates,
      metrics.checksRun,
      metrics.checksFailed,
      metrics.checksWarned,
      sqlTimestamp(facts.recordedAt),
    ],
  );
  return metrics;
}
