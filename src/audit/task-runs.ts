import { type AuditReader, nullableNumber, nullableString, utcIso } from './values.ts';

/** Reads of audit.task_runs, one row per task attempt (the recorder writes them). */

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

/** The newest attempt of a task over every run. */
export interface LatestTaskRun {
  taskId: string;
  status: string;
  runId: string;
}

/** Every attempt of a run's tasks, in the order they started. */
export async function taskAttempts(db: AuditReader, runId: string): Promise<TaskAttempt[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT task_id, task_kind, target, materialization, attempt, status, CAST(started_at AS ${text}) AS started_at,
            duration_ms, rows_out, error_code, error_message, error_hint
     FROM audit.task_runs WHERE run_id = $1 ORDER BY started_at, task_id, attempt`,
    [runId],
  );
  return rows.map((r) => ({
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
  }));
}

/** Each task's newest attempt in any run (the latest start, then the highest attempt). */
export async function latestTaskRuns(db: AuditReader): Promise<LatestTaskRun[]> {
  const { rows } = await db.query(
    `SELECT task_id, status, run_id FROM (
       SELECT task_id, status, run_id,
              row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, attempt DESC) AS newest
       FROM audit.task_runs) AS ranked
     WHERE newest = 1`,
  );
  return rows.map((r) => ({ taskId: String(r.task_id), status: String(r.status), runId: String(r.run_id) }));
}

/** Per task of a run: whether any of its attempts succeeded. */
export async function taskSuccesses(db: AuditReader, runId: string): Promise<Map<string, boolean>> {
  const { rows } = await db.query(
    `SELECT task_id, max(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS succeeded
     FROM audit.task_runs WHERE run_id = $1 GROUP BY task_id`,
    [runId],
  );
  return new Map(rows.map((r) => [String(r.task_id), Number(r.succeeded) === 1]));
}

/** A task's newest attempt with what it built: rows written and how long it took. */
export interface LatestTaskDetail extends LatestTaskRun {
  kind: string;
  target: string | null;
  startedAt: string;
  durationMs: number | null;
  rowsOut: number | null;
  errorCode: string | null;
}

/** Each task's newest attempt in any run, with its rows and duration, by task id. */
export async function latestTaskDetails(db: AuditReader): Promise<LatestTaskDetail[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT task_id, task_kind, target, status, run_id, CAST(started_at AS ${text}) AS started_at, duration_ms, rows_out, error_code
     FROM (SELECT t.*, row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, attempt DESC) AS newest
           FROM audit.task_runs AS t) AS ranked
     WHERE newest = 1 ORDER BY task_id`,
  );
  return rows.map((r) => ({
    taskId: String(r.task_id),
    kind: String(r.task_kind),
    target: nullableString(r.target),
    status: String(r.status),
    runId: String(r.run_id),
    startedAt: utcIso(r.started_at) as string,
    durationMs: nullableNumber(r.duration_ms),
    rowsOut: nullableNumber(r.rows_out),
    errorCode: nullableString(r.error_code),
  }));
}
