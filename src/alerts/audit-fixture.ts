/**
 * Test support (imported only by this folder's *.test.ts): a real DuckDB warehouse in a temporary
 * folder with the audit schema, and the audit rows the alert rules read, as a run would leave them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAuditSchema } from '../audit/recorder.ts';
import { sqlTimestamp } from '../time/timestamps.ts';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';

export interface AuditWarehouse {
  engine: Engine;
  close(): Promise<void>;
}

export async function openAuditWarehouse(): Promise<AuditWarehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-alerts-'));
  const engine = await createEngine({ type: 'duckdb', path: join(dir, 'warehouse.duckdb') });
  await ensureAuditSchema(engine);
  return {
    engine,
    close: async () => {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A day as a Date at 02:00 UTC plus `minutes`, so runs on one date can be ordered. */
export function at(date: string, minutes = 0): Date {
  return new Date(Date.parse(`${date}T02:00:00Z`) + minutes * 60_000);
}

export interface RunRow {
  runId: string;
  startedAt: Date;
  status?: 'running' | 'success' | 'failed' | 'abandoned';
  durationMs?: number;
  errorCode?: string;
  errorMessage?: string;
}

export async function insertRun(engine: Engine, run: RunRow): Promise<void> {
  await engine.execute(
    `INSERT INTO audit.pipeline_runs (run_id, trigger, command, full_refresh, status, started_at, duration_ms,
       error_code, error_message, strata_version, engine)
     VALUES ($1, 'manual', 'run', false, $2, CAST($3 AS TIMESTAMP), $4, $5, $6, '0.0.0-test', 'duckdb')`,
    [
      run.runId,
      run.status ?? 'success',
      sqlTimestamp(run.startedAt),
      run.durationMs ?? 60_000,
      run.errorCode ?? null,
      run.errorMessage ?? null,
    ],
  );
}

export interface DailyMetricsRow {
  runId: string;
  metricDate: string;
  received?: number;
  quarantined?: number;
}

export async function insertDailyMetrics(engine: Engine, metrics: DailyMetricsRow): Promise<void> {
  await engine.execute(
    `INSERT INTO audit.daily_metrics (run_id, metric_date, command, status, runtime_ms, tasks_failed, tasks_skipped,
       rows_by_layer, rows_by_source, received, staged, quarantined, duplicates, checks_run, checks_failed,
       checks_warned, recorded_at)
     VALUES ($1, CAST($2 AS DATE), 'run', 'success', 60000, 0, 0, '{}', '{}', $3, $4, $5, 0, 0, 0, 0,
       CAST($6 AS TIMESTAMP))`,
    [
      metrics.runId,
      metrics.metricDate,
      metrics.received ?? 0,
      (metrics.received ?? 0) - (metrics.quarantined ?? 0),
      metrics.quarantined ?? 0,
      sqlTimestamp(at(metrics.metricDate, 60)),
    ],
  );
}

export async function insertSourceLoad(
  engine: Engine,
  load: { runId: string; source: string; loadDate: string; received: number },
): Promise<void> {
  await engine.execute(
    `INSERT INTO audit.source_loads (run_id, source, load_date, files, received, staged, quarantined, duplicates, reconciled)
     VALUES ($1, $2, CAST($3 AS DATE), 1, $4, $4, 0, 0, true)`,
    [load.runId, load.source, load.loadDate, load.received],
  );
}

export interface CheckResultRow {
  runId: string;
  checkId: string;
  status: 'pass' | 'fail' | 'warn' | 'error';
  startedAt: Date;
  failingRows?: number;
}

export async function insertCheckResult(engine: Engine, result: CheckResultRow): Promise<void> {
  await engine.execute(
    `INSERT INTO audit.dq_results (run_id, check_id, check_type, target, target_table, severity, status,
       failing_rows, checked_rows, check_sql, started_at, duration_ms)
     VALUES ($1, $2, 'not_null', 'orders', 'staging.orders', $3, $4, $5, 1000, 'SELECT 1', CAST($6 AS TIMESTAMP), 5)`,
    [
      result.runId,
      result.checkId,
      result.status === 'warn' ? 'warn' : 'error',
      result.status,
      result.failingRows ?? (result.status === 'pass' ? 0 : 12),
      sqlTimestamp(result.startedAt),
    ],
  );
}

/** One run of the pipeline for a date: its pipeline_runs and daily_metrics rows. */
export async function insertDailyRun(
  engine: Engine,
  runId: string,
  metricDate: string,
  minutes = 0,
): Promise<Date> {
  const startedAt = at(metricDate, minutes);
  await insertRun(engine, { runId, startedAt });
  await insertDailyMetrics(engine, { runId, metricDate });
  return startedAt;
}
