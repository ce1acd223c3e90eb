import { processState } from './host-process.ts';
import type { Engine, Row } from '../engine/types.ts';
import { TASK_UNCHANGED } from '../errors/codes.ts';
import { StrataError } from '../errors/strata-error.ts';
import { type AuditReader, nullableNumber, nullableString, utcIso } from './values.ts';

/** Reads of audit.pipeline_runs, one row per run (the recorder writes them). */

/** A run as `strata runs` lists it: dates as text, timestamps ISO 8601 in UTC. */
export interface RunListEntry {
  runId: string;
  status: string;
  trigger: string;
  dateFrom: string | null;
  dateTo: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  tasksSucceeded: number | null;
  tasksFailed: number | null;
  tasksSkipped: number | null;
  /**
   * Of the skipped, those skipped because nothing they read had changed (TASK_UNCHANGED): done,
   * not stopped by a failure upstream. Counted from the run's task attempts.
   */
  tasksUnchanged: number;
  resumedFrom: string | null;
  error: string | null;
  /** The process that ran it and its host (null for runs recorded before audit version 8). */
  pid: number | null;
  host: string | null;
}

/** How a run ended, as the alert rules read it. */
export interface RunOutcomeRow {
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number | null;
}

/** What `--resume` takes over from an earlier run. */
export interface ResumableRun {
  dateFrom: string | null;
  dateTo: string | null;
  /** The nodes the run selected. */
  selection: string[];
  fullRefresh: boolean;
}

/** The newest runs first (ties broken by run id), at most `limit` of them. */
export async function listRuns(db: AuditReader, limit: number): Promise<RunListEntry[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(`${runColumns(text)} ORDER BY r.started_at DESC, r.run_id DESC LIMIT $1`, [
    limit,
  ]);
  return rows.map(toRunEntry);
}

/** What the monitor's runs list narrows to: a status, the days runs started on (UTC), a page. */
export interface RunFilter {
  /** One status, or several (the monitor's `interrupted` reads `running` and `interrupted` rows). */
  status?: string | readonly string[];
  /** First and last day (YYYY-MM-DD, validated by the caller) a run started on. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** A run with what its daily metrics line and its alerts add; a figure not recorded is null. */
export interface RunSummary extends RunListEntry {
  rowsByLayer: Record<string, number> | null;
  checksFailed: number | null;
  checksWarned: number | null;
  quarantined: number | null;
  alerts: number;
}

/** One page of runs, newest first, with the count of every run the filter keeps. */
export async function searchRuns(
  db: AuditReader,
  filter: RunFilter,
): Promise<{ runs: RunSummary[]; total: number }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : filter.status;
    const placeholders = statuses.map((status) => {
      params.push(status);
      return `$${params.length}`;
    });
    where.push(`r.status IN (${placeholders.join(', ')})`);
  }
  if (filter.from !== undefined) {
    params.push(filter.from);
    where.push(`r.started_at >= CAST($${params.length} AS DATE)`);
  }
  if (filter.to !== undefined) {
    params.push(filter.to);
    where.push(`r.started_at < CAST($${params.length} AS DATE) + 1`);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const paged = [...params, filter.limit, filter.offset];
  const [counted, page] = await Promise.all([
    db.query(`SELECT count(*) AS n FROM audit.pipeline_runs r ${clause}`, params),
    db.query(
      `${summaryColumns(db.dialect.type('text'))} ${clause}
       ORDER BY r.started_at DESC, r.run_id DESC LIMIT $${paged.length - 1} OFFSET $${paged.length}`,
      paged,
    ),
  ]);
  return { total: Number(counted.rows[0]?.n ?? 0), runs: page.rows.map(toRunSummary) };
}

/** A run with its metrics and alerts added, or null when no run has that id. */
export async function findRunSummary(db: AuditReader, runId: string): Promise<RunSummary | null> {
  const { rows } = await db.query(`${summaryColumns(db.dialect.type('text'))} WHERE r.run_id = $1`, [runId]);
  const run = rows[0];
  return run ? toRunSummary(run) : null;
}

/** A run entry's columns, its daily metrics figures and its count of alerts (runs as `r`). */
function summaryColumns(text: string): string {
  return `SELECT r.run_id, r.status, r.trigger, CAST(r.date_from AS ${text}) AS date_from, CAST(r.date_to AS ${text}) AS date_to,
            CAST(r.started_at AS ${text}) AS started_at, CAST(r.finished_at AS ${text}) AS finished_at, r.duration_ms,
            r.tasks_succeeded, r.tasks_failed, r.tasks_skipped, ${UNCHANGED_COUNT}, r.resumed_from, r.error_message, r.pid, r.host,
            CAST(m.rows_by_layer AS ${text}) AS metrics_rows_by_layer, m.checks_failed, m.checks_warned, m.quarantined,
            coalesce(a.alert_count, 0) AS alert_count
     FROM audit.pipeline_runs r LEFT JOIN audit.daily_metrics m ON m.run_id = r.run_id
     LEFT JOIN (SELECT run_id, count(*) AS alert_count FROM audit.alerts GROUP BY run_id) a ON a.run_id = r.run_id`;
}

function toRunSummary(r: Row): RunSummary {
  return {
    ...toRunEntry(r),
    rowsByLayer:
      r.metrics_rows_by_layer == null
        ? null
        : (JSON.parse(String(r.metrics_rows_by_layer)) as Record<string, number>),
    checksFailed: nullableNumber(r.checks_failed),
    checksWarned: nullableNumber(r.checks_warned),
    quarantined: nullableNumber(r.quarantined),
    alerts: Number(r.alert_count),
  };
}

/** One run, or null when no run has that id. */
export async function findRun(db: AuditReader, runId: string): Promise<RunListEntry | null> {
  const { rows } = await db.query(`${runColumns(db.dialect.type('text'))} WHERE r.run_id = $1`, [runId]);
  const run = rows[0];
  return run ? toRunEntry(run) : null;
}

/** The run that started last, or null before the first run. */
export async function latestRun(
  db: AuditReader,
): Promise<Pick<RunListEntry, 'runId' | 'status' | 'startedAt' | 'durationMs'> | null> {
  const { rows } = await db.query(
    `SELECT run_id, status, CAST(started_at AS ${db.dialect.type('text')}) AS started_at, duration_ms
       FROM audit.pipeline_runs ORDER BY started_at DESC LIMIT 1`,
  );
  const run = rows[0];
  if (!run) return null;
  return {
    runId: String(run.run_id),
    status: String(run.status),
    startedAt: utcIso(run.started_at) as string,
    durationMs: nullableNumber(run.duration_ms),
  };
}

/** A run's status, error and duration; null when no run has that id. */
export async function runOutcome(db: AuditReader, runId: string): Promise<RunOutcomeRow | null> {
  const { rows } = await db.query(
    'SELECT status, error_code, error_message, duration_ms FROM audit.pipeline_runs WHERE run_id = $1',
    [runId],
  );
  const run = rows[0];
  if (!run) return null;
  return {
    status: String(run.status),
    errorCode: nullableString(run.error_code),
    errorMessage: nullableString(run.error_message),
    durationMs: nullableNumber(run.duration_ms),
  };
}

/** The dates, selection and options of an earlier run; null when no run has that id. */
export async function resumableRun(db: AuditReader, runId: string): Promise<ResumableRun | null> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT CAST(date_from AS ${text}) AS date_from, CAST(date_to AS ${text}) AS date_to,
            selection, full_refresh FROM audit.pipeline_runs WHERE run_id = $1`,
    [runId],
  );
  const run = rows[0];
  if (!run) return null;
  return {
    dateFrom: run.date_from ? String(run.date_from) : null,
    dateTo: run.date_to ? String(run.date_to) : null,
    selection: JSON.parse(String(run.selection ?? '[]')) as string[],
    fullRefresh: Boolean(run.full_refresh),
  };
}

/** The columns of a run entry, dates and timestamps as text (`text` is the dialect's text type). */
function runColumns(text: string): string {
  return `SELECT r.run_id, r.status, r.trigger, CAST(r.date_from AS ${text}) AS date_from, CAST(r.date_to AS ${text}) AS date_to,
            CAST(r.started_at AS ${text}) AS started_at, CAST(r.finished_at AS ${text}) AS finished_at, r.duration_ms,
            r.tasks_succeeded, r.tasks_failed, r.tasks_skipped, ${UNCHANGED_COUNT}, r.resumed_from, r.error_message, r.pid, r.host
     FROM audit.pipeline_runs r`;
}

/**
 * A run's (as `r`) tasks skipped because nothing changed. A skip is a task's only attempt in its
 * run, so its attempts count it once.
 */
const UNCHANGED_COUNT = `(SELECT count(*) FROM audit.task_runs t
  WHERE t.run_id = r.run_id AND t.status = 'skipped' AND t.error_code = '${TASK_UNCHANGED}') AS tasks_unchanged`;

function toRunEntry(r: Row): RunListEntry {
  return {
    runId: String(r.run_id),
    status: String(r.status),
    trigger: String(r.trigger),
    dateFrom: nullableString(r.date_from),
    dateTo: nullableString(r.date_to),
    startedAt: utcIso(r.started_at) as string,
    finishedAt: utcIso(r.finished_at),
    durationMs: nullableNumber(r.duration_ms),
    tasksSucceeded: nullableNumber(r.tasks_succeeded),
    tasksFailed: nullableNumber(r.tasks_failed),
    tasksSkipped: nullableNumber(r.tasks_skipped),
    tasksUnchanged: Number(r.tasks_unchanged ?? 0),
    resumedFrom: nullableString(r.resumed_from),
    error: nullableString(r.error_message),
    pid: nullableNumber(r.pid),
    host: nullableString(r.host),
  };
}

/**
 * Runs recorded as `running` whose process is gone, shown as `interrupted` (the next run marks them
 * `abandoned` for good). Two tests, either enough: a run holds the run lock while it writes, so when
 * the lock can be taken no run is live; and a run records its pid and host, so one started on this
 * host whose process no longer exists is gone even while the lock is held (by another run, or by
 * this very process: the monitor inside `strata serve` owns the DuckDB file it reads).
 */
export async function markInterrupted<
  T extends { status: string; pid?: number | null; host?: string | null },
>(engine: Engine, runs: T[]): Promise<T[]> {
  if (!runs.some((r) => r.status === 'running')) return runs;
  const live = await aRunIsLive(engine);
  return runs.map((r) =>
    r.status === 'running' && (!live || processGone(r)) ? { ...r, status: 'interrupted' } : r,
  );
}

/** True when the run was started on this host by a process that has ended. */
function processGone(run: { pid?: number | null; host?: string | null }): boolean {
  return run.pid != null && processState(run.pid, run.host ?? null) === 'gone';
}

async function aRunIsLive(engine: Engine): Promise<boolean> {
  try {
    const lock = await engine.acquireRunLock();
    await lock.release();
    return false;
  } catch (error) {
    if (error instanceof StrataError && error.code === 'RUN_LOCKED') return true;
    throw error;
  }
}
