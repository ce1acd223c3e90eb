import { sqlTimestamp } from '../time/timestamps.ts';
import type { SourceLoadTotals } from './source-loads.ts';
import type { AuditReader, AuditWriter } from './values.ts';

/** audit.daily_metrics: one line per run, written at its end (runner/daily-metrics.ts adds it up). */

/** The run's line as `strata runs --run` shows it. */
export interface RunMetrics extends SourceLoadTotals {
  metricDate: string;
  runtimeMs: number;
  rowsByLayer: Record<string, number>;
  rowsBySource: Record<string, SourceLoadTotals>;
  checksRun: number;
  checksFailed: number;
  checksWarned: number;
}

/** The run's line as it is written: the metrics, and the run they belong to. */
export interface DailyMetricsRecord extends RunMetrics {
  runId: string;
  command: string;
  status: string;
  tasksFailed: number;
  tasksSkipped: number;
  recordedAt: Date;
}

export async function recordDailyMetrics(db: AuditWriter, m: DailyMetricsRecord): Promise<void> {
  const json = db.dialect.type('json');
  await db.execute(
    `INSERT INTO audit.daily_metrics (run_id, metric_date, command, status, runtime_ms, tasks_failed, tasks_skipped,
       rows_by_layer, rows_by_source, received, staged, quarantined, duplicates, checks_run, checks_failed,
       checks_warned, recorded_at)
     VALUES ($1, CAST($2 AS DATE), $3, $4, $5, $6, $7, CAST($8 AS ${json}), CAST($9 AS ${json}), $10, $11, $12, $13,
       $14, $15, $16, CAST($17 AS TIMESTAMP))`,
    [
      m.runId,
      m.metricDate,
      m.command,
      m.status,
      m.runtimeMs,
      m.tasksFailed,
      m.tasksSkipped,
      JSON.stringify(m.rowsByLayer),
      JSON.stringify(m.rowsBySource),
      m.received,
      m.staged,
      m.quarantined,
      m.duplicates,
      m.checksRun,
      m.checksFailed,
      m.checksWarned,
      sqlTimestamp(m.recordedAt),
    ],
  );
}

/** A run's line; null for a run recorded before daily_metrics existed (or still running). */
export async function runMetrics(db: AuditReader, runId: string): Promise<RunMetrics | null> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT CAST(metric_date AS ${text}) AS metric_date, runtime_ms, CAST(rows_by_layer AS ${text}) AS rows_by_layer,
            CAST(rows_by_source AS ${text}) AS rows_by_source, received, staged, quarantined, duplicates,
            checks_run, checks_failed, checks_warned
     FROM audit.daily_metrics WHERE run_id = $1`,
    [runId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    metricDate: String(row.metric_date),
    runtimeMs: Number(row.runtime_ms),
    rowsByLayer: JSON.parse(String(row.rows_by_layer)) as Record<string, number>,
    rowsBySource: JSON.parse(String(row.rows_by_source)) as Record<string, SourceLoadTotals>,
    received: Number(row.received),
    staged: Number(row.staged),
    quarantined: Number(row.quarantined),
    duplicates: Number(row.duplicates),
    checksRun: Number(row.checks_run),
    checksFailed: Number(row.checks_failed),
    checksWarned: Number(row.checks_warned),
  };
}

/** Rows a run wrote per layer (the targets' schemas), as its daily_metrics line holds them. */
export interface RunLayerRows {
  runId: string;
  metricDate: string;
  status: string;
  rowsByLayer: Record<string, number>;
}

/** The rows per layer of the newest `runs` runs that recorded a line, oldest first. */
export async function layerRowsOfRuns(db: AuditReader, runs: number): Promise<RunLayerRows[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT run_id, metric_date, status, rows_by_layer FROM (
       SELECT run_id, CAST(metric_date AS ${text}) AS metric_date, status, CAST(rows_by_layer AS ${text}) AS rows_by_layer,
              recorded_at
       FROM audit.daily_metrics ORDER BY recorded_at DESC, run_id DESC LIMIT $1) AS newest
     ORDER BY recorded_at, run_id`,
    [runs],
  );
  return rows.map((r) => ({
    runId: String(r.run_id),
    metricDate: String(r.metric_date),
    status: String(r.status),
    rowsByLayer: JSON.parse(String(r.rows_by_layer)) as Record<string, number>,
  }));
}
