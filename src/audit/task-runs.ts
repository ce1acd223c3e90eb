import { TASK_UNCHANGED } from '../errors/codes.ts';
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

/** Attempts other than a skip because nothing changed (whose table is as an earlier attempt left it). */
const SAID_SOMETHING = `(error_code IS NULL OR error_code <> '${TASK_UNCHANGED}')`;

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

/**
 * Each task's newest attempt in any run (the latest start, then the highest attempt). A task
 * skipped because nothing it reads changed (TASK_UNCHANGED) left its table as an earlier attempt
 * made it: that attempt is the newest that says something.
 */
export async function latestTaskRuns(db: AuditReader): Promise<LatestTaskRun[]> {
  const { rows } = await db.query(
    `SELECT task_id, status, run_id FROM (
       SELECT task_id, status, run_id,
              row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, attempt DESC) AS newest
       FROM audit.task_runs WHERE ${SAID_SOMETHING}) AS ranked
     WHERE newest = 1`,
  );
  return rows.map((r) => ({ taskId: String(r.task_id), status: String(r.status), runId: String(r.run_id) }));
}

/**
 * Per task of a run: whether any of its attempts succeeded. A task skipped because its inputs did
 * not change (TASK_UNCHANGED) is done too: `--resume` does not run it again.
 */
export async function taskSuccesses(db: AuditReader, runId: string): Promise<Map<string, boolean>> {
  const { rows } = await db.query(
    `SELECT task_id,
            max(CASE WHEN status = 'success' OR error_code = '${TASK_UNCHANGED}' THEN 1 ELSE 0 END) AS succeeded
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

/** Each task's newest attempt in any run (not a skipped-unchanged one), with its rows and duration, by task id. */
export async function latestTaskDetails(db: AuditReader): Promise<LatestTaskDetail[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT task_id, task_kind, target, status, run_id, CAST(started_at AS ${text}) AS started_at, duration_ms, rows_out, error_code
     FROM (SELECT t.*, row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, attempt DESC) AS newest
           FROM audit.task_runs AS t WHERE ${SAID_SOMETHING}) AS ranked
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

/**
 * What a run needs to know of a node's builds to skip it when nothing changed (runner/unchanged.ts),
 * by task id. Builds are successful attempts of non-gate tasks; a gate only has `newestStatus`.
 */
export interface BuildHistory {
  taskId: string;
  /** The definition hash of its newest successful build (null: recorded before hashes were). */
  definitionHash: string | null;
  /** When its newest successful build started. */
  newestAt: string | null;
  /**
   * The newest successful build with that hash whose run's dates contain the dates asked about
   * (or that ran without dates, or as a full refresh), unless a build with another hash followed
   * it: its run and when it started.
   */
  coveringRunId: string | null;
  coveringAt: string | null;
  /** The same, whatever its run's dates (a node whose data does not depend on them: a seed). */
  sameRunId: string | null;
  sameAt: string | null;
  /** When its data last changed: the end of its newest successful build not recorded as changing nothing. */
  changedAt: string | null;
  /** Its newest attempt's run, status and error code (a gate: did it pass last time?). */
  newestRunId: string | null;
  newestStatus: string | null;
  /** The definition hash its newest attempt recorded (a gate: of its checks). */
  newestHash: string | null;
  newestErrorCode: string | null;
}

/**
 * Every task's build history for a run over `window` (one statement). Timestamps are ISO 8601 in
 * UTC; compare them as dates, not as text (engines print fractions of a second differently).
 */
export async function buildHistory(
  db: AuditReader,
  window: { from?: string; to?: string },
): Promise<Map<string, BuildHistory>> {
  const text = db.dialect.type('text');
  const params: string[] = [];
  const param = (value: string) => {
    params.push(value);
    return `CAST($${params.length} AS DATE)`;
  };
  // A build covers the window when its run's dates contain it: an open end contains any date.
  const from = window.from ? `r.date_from <= ${param(window.from)}` : 'FALSE';
  const to = window.to ? `r.date_to >= ${param(window.to)}` : 'FALSE';
  const { rows } = await db.query(
    `WITH builds AS (
       SELECT t.task_id, t.run_id, t.attempt, t.definition_hash, t.data_changed, t.started_at, t.finished_at,
              (r.full_refresh OR ((r.date_from IS NULL OR ${from}) AND (r.date_to IS NULL OR ${to}))) AS covers
       FROM audit.task_runs AS t JOIN audit.pipeline_runs AS r ON r.run_id = t.run_id
       WHERE t.status = 'success' AND t.task_kind <> 'checks'),
     ranked AS (
       SELECT builds.*, row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, attempt DESC) AS n
       FROM builds),
     newest AS (SELECT task_id, definition_hash, started_at FROM ranked WHERE n = 1),
     other AS (
       SELECT b.task_id, max(b.started_at) AS at FROM builds AS b JOIN newest ON newest.task_id = b.task_id
       WHERE b.definition_hash IS DISTINCT FROM newest.definition_hash GROUP BY b.task_id),
     same AS (
       SELECT b.task_id, b.run_id, b.started_at, b.covers,
              row_number() OVER (PARTITION BY b.task_id ORDER BY b.started_at DESC, b.attempt DESC) AS n,
              row_number() OVER (PARTITION BY b.task_id, b.covers ORDER BY b.started_at DESC, b.attempt DESC) AS nc
       FROM builds AS b JOIN newest ON newest.task_id = b.task_id
       LEFT JOIN other ON other.task_id = b.task_id
       WHERE b.definition_hash = newest.definition_hash AND (other.at IS NULL OR b.started_at > other.at)),
     covering AS (SELECT task_id, run_id, started_at FROM same WHERE covers AND nc = 1),
     latest_same AS (SELECT task_id, run_id, started_at FROM same WHERE n = 1),
     changed AS (
       SELECT task_id, max(finished_at) AS at FROM builds WHERE data_changed IS NOT FALSE GROUP BY task_id),
     attempts AS (
       SELECT task_id, run_id, status, error_code, definition_hash FROM (
         SELECT task_id, run_id, status, error_code, definition_hash,
                row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, attempt DESC) AS n
         FROM audit.task_runs) AS a
       WHERE n = 1)
     SELECT a.task_id, newest.definition_hash, CAST(newest.started_at AS ${text}) AS newest_at,
            covering.run_id AS covering_run_id, CAST(covering.started_at AS ${text}) AS covering_at,
            latest_same.run_id AS same_run_id, CAST(latest_same.started_at AS ${text}) AS same_at,
            CAST(changed.at AS ${text}) AS changed_at, a.run_id, a.status, a.error_code, a.definition_hash AS newest_hash
     FROM attempts AS a
     LEFT JOIN newest ON newest.task_id = a.task_id
     LEFT JOIN covering ON covering.task_id = a.task_id
     LEFT JOIN latest_same ON latest_same.task_id = a.task_id
     LEFT JOIN changed ON changed.task_id = a.task_id`,
    params,
  );
  return new Map(
    rows.map((r) => [
      String(r.task_id),
      {
        taskId: String(r.task_id),
        definitionHash: nullableString(r.definition_hash),
        newestAt: utcIso(r.newest_at),
        coveringRunId: nullableString(r.covering_run_id),
        coveringAt: utcIso(r.covering_at),
        sameRunId: nullableString(r.same_run_id),
        sameAt: utcIso(r.same_at),
        changedAt: utcIso(r.changed_at),
        newestRunId: nullableString(r.run_id),
        newestStatus: nullableString(r.status),
        newestHash: nullableString(r.newest_hash),
        newestErrorCode: nullableString(r.error_code),
      },
    ]),
  );
}
