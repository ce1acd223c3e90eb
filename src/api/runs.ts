import { ensureAuditSchema } from '../audit/recorder.ts';
import type { Engine, Row } from '../engine/types.ts';
import type { CheckResult } from '../checks/run-check.ts';
import { StrataError } from '../errors/strata-error.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

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
  resumedFrom: string | null;
  error: string | null;
}

export interface TaskAttempt {
  task: string;
  kind: string;
  target: string | null;
  materialization: string | null;
  attempt: number;
  status: string;
  startedAt: string;
  durationMs: number | null;
  rowsOut: number | null;
  errorCode: string | null;
  error: string | null;
  hint: string | null;
}

export async function listRuns(options: ProjectOptions & { limit?: number }): Promise<RunListEntry[]> {
  return withProject(options, async (_project, engine) => {
    await ensureAuditSchema(engine);
    const text = engine.dialect.type('text');
    const { rows } = await engine.query(
      `${runColumns(text)} ORDER BY started_at DESC, run_id DESC LIMIT $1`,
      [options.limit ?? 20],
    );
    return rows.map(toRunEntry);
  });
}

export async function getRun(options: ProjectOptions & { runId: string }): Promise<RunDetail> {
  return withProject(options, async (_project, engine) => {
    await ensureAuditSchema(engine);
    return readRun(engine, options.runId);
  });
}

export interface RecordedAlert {
  rule: string;
  subject: string;
  message: string;
  delivery: string;
  attempts: number;
  deliveryError: string | null;
}

export interface RunDetail {
  run: RunListEntry;
  tasks: TaskAttempt[];
  /** audit.dq_results of the run. */
  checks: CheckResult[];
  alerts: RecordedAlert[];
  /** audit.daily_metrics of the run (null for runs recorded before it existed). */
  metrics: Row | null;
}

async function readRun(engine: Engine, runId: string): Promise<RunDetail> {
  const text = engine.dialect.type('text');
  const { rows } = await engine.query(`${runColumns(text)} WHERE run_id = $1`, [runId]);
  const run = rows[0];
  if (!run) {
    throw new StrataError('RUN_NOT_FOUND', `No run ${runId} is recorded in this warehouse`, {
      hint: 'List runs with `strata runs`.',
    });
  }
  const tasks = await engine.query(
    `SELECT task_id, task_kind, target, materialization, attempt, status, CAST(started_at AS ${text}) AS started_at,
            duration_ms, rows_out, error_code, error_message, error_hint
     FROM audit.task_runs WHERE run_id = $1 ORDER BY started_at, task_id, attempt`,
    [runId],
  );
  return {
    run: toRunEntry(run),
    checks: await readChecks(engine, runId),
    alerts: await readAlerts(engine, runId),
    metrics: await readMetrics(engine, runId),
    tasks: tasks.rows.map((r) => ({
      task: String(r.task_id),
      kind: String(r.task_kind),
      target: nullableString(r.target),
      materialization: nullableString(r.materialization),
      attempt: Number(r.attempt),
      status: String(r.status),
      startedAt: utcIso(r.started_at) as string,
      durationMs: nullableNumber(r.duration_ms),
      rowsOut: nullableNumber(r.rows_out),
      errorCode: nullableString(r.error_code),
      error: nullableString(r.error_message),
      hint: nullableString(r.error_hint),
    })),
  };
}

async function readChecks(engine: Engine, runId: string): Promise<CheckResult[]> {
  const text = engine.dialect.type('text');
  const { rows } = await engine.query(
    `SELECT check_id, check_type, target, target_table, column_name, CAST(date_from AS ${text}) AS date_from,
            CAST(date_to AS ${text}) AS date_to, severity, status, failing_rows, checked_rows, threshold,
            CAST(sample AS ${text}) AS sample, check_sql, message, CAST(started_at AS ${text}) AS started_at, duration_ms
     FROM audit.dq_results WHERE run_id = $1 ORDER BY started_at, check_id`,
    [runId],
  );
  return rows.map((r) => ({
    checkId: String(r.check_id),
    type: String(r.check_type),
    target: String(r.target),
    table: String(r.target_table),
    ...(r.column_name === null ? {} : { column: String(r.column_name) }),
    severity: r.severity === 'warn' ? 'warn' : 'error',
    status: String(r.status) as CheckResult['status'],
    scope:
      r.date_from === null && r.date_to === null
        ? { kind: 'all' }
        : {
            kind: 'dates',
            ...(r.date_from ? { from: String(r.date_from) } : {}),
            ...(r.date_to ? { to: String(r.date_to) } : {}),
          },
    failingRows: nullableNumber(r.failing_rows),
    checkedRows: nullableNumber(r.checked_rows),
    ...(r.threshold === null ? {} : { threshold: String(r.threshold) }),
    sample: JSON.parse(String(r.sample ?? '[]')) as Row[],
    sql: String(r.check_sql),
    message: String(r.message ?? ''),
    startedAt: new Date(utcIso(r.started_at) as string),
    durationMs: Number(r.duration_ms),
  }));
}

async function readAlerts(engine: Engine, runId: string): Promise<RecordedAlert[]> {
  const { rows } = await engine.query(
    `SELECT rule, subject, message, delivery, attempts, delivery_error FROM audit.alerts WHERE run_id = $1 ORDER BY rule, subject`,
    [runId],
  );
  return rows.map((r) => ({
    rule: String(r.rule),
    subject: String(r.subject),
    message: String(r.message),
    delivery: String(r.delivery),
    attempts: Number(r.attempts),
    deliveryError: nullableString(r.delivery_error),
  }));
}

async function readMetrics(engine: Engine, runId: string): Promise<Row | null> {
  const text = engine.dialect.type('text');
  const { rows } = await engine.query(
    `SELECT CAST(metric_date AS ${text}) AS metric_date, runtime_ms, CAST(rows_by_layer AS ${text}) AS rows_by_layer,
            CAST(rows_by_source AS ${text}) AS rows_by_source, received, staged, quarantined, duplicates,
            checks_run, checks_failed, checks_warned
     FROM audit.daily_metrics WHERE run_id = $1`,
    [runId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    ...row,
    rows_by_layer: JSON.parse(String(row.rows_by_layer)) as unknown,
    rows_by_source: JSON.parse(String(row.rows_by_source)) as unknown,
  };
}

/** The columns of a run entry, dates and timestamps as text (`text` is the dialect's text type). */
function runColumns(text: string): string {
  return `SELECT run_id, status, trigger, CAST(date_from AS ${text}) AS date_from, CAST(date_to AS ${text}) AS date_to,
            CAST(started_at AS ${text}) AS started_at, CAST(finished_at AS ${text}) AS finished_at, duration_ms,
            tasks_succeeded, tasks_failed, tasks_skipped, resumed_from, error_message
     FROM audit.pipeline_runs`;
}

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
    resumedFrom: nullableString(r.resumed_from),
    error: nullableString(r.error_message),
  };
}

/** Audit timestamps are UTC without a zone; callers get ISO 8601 with Z. */
export function utcIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).replace(' ', 'T');
  return /[Zz]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
