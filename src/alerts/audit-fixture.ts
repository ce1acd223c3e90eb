/**
 * Test support (imported only by this folder's *.test.ts): a real DuckDB warehouse in a temporary
 * folder with the audit schema, and the audit rows the alert rules read, written by the audit
 * functions a run writes them with.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordDailyMetrics } from '../audit/daily-metrics.ts';
import { AuditRecorder, ensureAuditSchema } from '../audit/recorder.ts';
import { recordSourceLoads } from '../audit/source-loads.ts';
import type { DiagnosticCode } from '../errors/codes.ts';
import { StrataError } from '../errors/strata-error.ts';
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
  /** Stored as text: a test may name any code. */
  errorCode?: string;
  errorMessage?: string;
}

/** A run as the recorder writes it: started, then (unless still running) finished after durationMs. */
export async function insertRun(engine: Engine, run: RunRow): Promise<void> {
  const recorder = new AuditRecorder(engine);
  await recorder.runStarted({
    runId: run.runId,
    trigger: 'manual',
    command: 'run',
    selection: [],
    fullRefresh: false,
    startedAt: run.startedAt,
    strataVersion: '0.0.0-test',
    engine: 'duckdb',
  });
  const status = run.status ?? 'success';
  if (status !== 'running') {
    await recorder.runFinished(run.runId, run.startedAt, {
      status,
      finishedAt: new Date(run.startedAt.getTime() + (run.durationMs ?? 60_000)),
      tasksTotal: 0,
      tasksSucceeded: 0,
      tasksFailed: 0,
      tasksSkipped: 0,
      rowsByLayer: {},
      ...(run.errorCode
        ? { error: new StrataError(run.errorCode as DiagnosticCode, run.errorMessage ?? '') }
        : {}),
    });
  }
  await recorder.flush();
}

export interface DailyMetricsRow {
  runId: string;
  metricDate: string;
  received?: number;
  quarantined?: number;
}

export async function insertDailyMetrics(engine: Engine, metrics: DailyMetricsRow): Promise<void> {
  const received = metrics.received ?? 0;
  const quarantined = metrics.quarantined ?? 0;
  await recordDailyMetrics(engine, {
    runId: metrics.runId,
    metricDate: metrics.metricDate,
    command: 'run',
    status: 'success',
    runtimeMs: 60_000,
    tasksFailed: 0,
    tasksSkipped: 0,
    rowsByLayer: {},
    rowsBySource: {},
    received,
    staged: received - quarantined,
    quarantined,
    duplicates: 0,
    checksRun: 0,
    checksFailed: 0,
    checksWarned: 0,
    recordedAt: at(metrics.metricDate, 60),
  });
}

export async function insertSourceLoad(
  engine: Engine,
  load: { runId: string; source: string; loadDate: string; received: number },
): Promise<void> {
  const counts = { received: load.received, staged: load.received, quarantined: 0, duplicates: 0 };
  await recordSourceLoads(engine, load.runId, load.source, [
    { loadDate: load.loadDate, files: 1, counts, reconciled: true },
  ]);
}

export interface CheckResultRow {
  runId: string;
  checkId: string;
  status: 'pass' | 'fail' | 'warn' | 'error';
  startedAt: Date;
  failingRows?: number;
}

/** A not_null check of staging.orders over 1000 rows (12 failing unless it passed). */
export async function insertCheckResult(engine: Engine, result: CheckResultRow): Promise<void> {
  const failingRows = result.failingRows ?? (result.status === 'pass' ? 0 : 12);
  const recorder = new AuditRecorder(engine);
  await recorder.checkResult(result.runId, {
    checkId: result.checkId,
    type: 'not_null',
    target: 'orders',
    table: 'staging.orders',
    severity: result.status === 'warn' ? 'warn' : 'error',
    status: result.status,
    scope: { kind: 'all' },
    failingRows,
    checkedRows: 1000,
    sample: [],
    sql: 'SELECT 1',
    message: `${failingRows} failing rows.`,
    startedAt: result.startedAt,
    durationMs: 5,
  });
  await recorder.flush();
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
