import { sqlTimestamp } from '../time/timestamps.ts';
import type { ScheduleDateStatus } from './schema.ts';
import { type AuditReader, type AuditWriter, nullableString, utcIso } from './values.ts';

/**
 * audit.schedules and audit.schedule_dates: which schedules a scheduler has seen since when, and
 * one row per (schedule, load date) with how its newest attempt went. The catch-up arithmetic
 * (schedule/catch-up.ts) reads `doneDates` from here; the row is upserted as the date is queued,
 * started and finished, so the ledger grows by one row per scheduled date, not per attempt.
 */

/** A schedule as recorded: what it was when last seen, and since when it is known. */
export interface ScheduleRecord {
  name: string;
  cron: string;
  timezone: string;
  /** ISO 8601, UTC. */
  firstSeenAt: string;
}

/** A scheduled load date's row. Timestamps ISO 8601 in UTC (the scheduler's clock). */
export interface ScheduleDateRow {
  schedule: string;
  loadDate: string;
  status: ScheduleDateStatus;
  runId: string | null;
  attempts: number;
  firedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

/**
 * Records the schedules a scheduler runs: new ones with `seenAt` as their first sighting, known
 * ones keep theirs (their cron and time zone are updated). A handful of rows: one statement each.
 */
export async function registerSchedules(
  db: AuditWriter,
  schedules: readonly { name: string; cron: string; timezone: string }[],
  seenAt: Date,
): Promise<void> {
  for (const s of schedules) {
    await db.execute(
      `INSERT INTO audit.schedules (name, cron, timezone, first_seen_at) VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP))
       ON CONFLICT (name) DO UPDATE SET cron = EXCLUDED.cron, timezone = EXCLUDED.timezone`,
      [s.name, s.cron, s.timezone, sqlTimestamp(seenAt)],
    );
  }
}

/** Every recorded schedule, by name. */
export async function listSchedules(db: AuditReader): Promise<ScheduleRecord[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT name, cron, timezone, CAST(first_seen_at AS ${text}) AS first_seen_at FROM audit.schedules ORDER BY name`,
  );
  return rows.map((r) => ({
    name: String(r.name),
    cron: String(r.cron),
    timezone: String(r.timezone),
    firstSeenAt: utcIso(r.first_seen_at) as string,
  }));
}

/** The ledger's rows of load dates from `from` on (every date without it), by schedule and date. */
export async function scheduleDates(db: AuditReader, from?: string): Promise<ScheduleDateRow[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT schedule, CAST(load_date AS ${text}) AS load_date, status, run_id, attempts,
            CAST(fired_at AS ${text}) AS fired_at, CAST(started_at AS ${text}) AS started_at,
            CAST(finished_at AS ${text}) AS finished_at, error_message
       FROM audit.schedule_dates
      ${from ? 'WHERE load_date >= CAST($1 AS DATE)' : ''}
      ORDER BY schedule, load_date`,
    from ? [from] : [],
  );
  return rows.map((r) => ({
    schedule: String(r.schedule),
    loadDate: String(r.load_date),
    status: String(r.status) as ScheduleDateStatus,
    runId: nullableString(r.run_id),
    attempts: Number(r.attempts),
    firedAt: utcIso(r.fired_at),
    startedAt: utcIso(r.started_at),
    finishedAt: utcIso(r.finished_at),
    error: nullableString(r.error_message),
  }));
}

/** A date a fire (or a catch-up) put in the queue; a date already in the ledger keeps its attempts. */
export async function queueScheduleDate(
  db: AuditWriter,
  schedule: string,
  loadDate: string,
  firedAt: Date,
): Promise<void> {
  await db.execute(
    `INSERT INTO audit.schedule_dates (schedule, load_date, status, attempts, fired_at)
     VALUES ($1, CAST($2 AS DATE), 'queued', 0, CAST($3 AS TIMESTAMP))
     ON CONFLICT (schedule, load_date) DO UPDATE SET status = 'queued', fired_at = EXCLUDED.fired_at`,
    [schedule, loadDate, sqlTimestamp(firedAt)],
  );
}

/** The queued date's run has started: one more attempt. */
export async function startScheduleDate(
  db: AuditWriter,
  schedule: string,
  loadDate: string,
  startedAt: Date,
): Promise<void> {
  await db.execute(
    `UPDATE audit.schedule_dates
        SET status = 'running', attempts = attempts + 1, started_at = CAST($3 AS TIMESTAMP),
            finished_at = NULL, run_id = NULL, error_message = NULL
      WHERE schedule = $1 AND load_date = CAST($2 AS DATE)`,
    [schedule, loadDate, sqlTimestamp(startedAt)],
  );
}

/** How the date's run ended; runId is null when the run could not start (its error says why). */
export async function finishScheduleDate(
  db: AuditWriter,
  end: {
    schedule: string;
    loadDate: string;
    status: Extract<ScheduleDateStatus, 'success' | 'failed' | 'interrupted'>;
    runId: string | null;
    finishedAt: Date;
    error?: string | null;
  },
): Promise<void> {
  await db.execute(
    `UPDATE audit.schedule_dates
        SET status = $3, run_id = $4, finished_at = CAST($5 AS TIMESTAMP), error_message = $6
      WHERE schedule = $1 AND load_date = CAST($2 AS DATE)`,
    [end.schedule, end.loadDate, end.status, end.runId, sqlTimestamp(end.finishedAt), end.error ?? null],
  );
}

/**
 * Dates left `queued` or `running` by a scheduler that stopped (or was killed) become
 * `interrupted`: still missing, run again by the next catch-up. Called when a scheduler starts
 * and when it stops, by the one scheduler of the warehouse.
 */
export async function interruptScheduleDates(db: AuditWriter): Promise<void> {
  await db.execute(
    `UPDATE audit.schedule_dates SET status = 'interrupted' WHERE status IN ('queued', 'running')`,
  );
}

/** The newest run (any trigger), as /healthz reports it; null before the first. */
export interface HealthRun {
  runId: string;
  status: string;
  trigger: string;
  finishedAt: string | null;
}

export async function newestRunForHealth(db: AuditReader): Promise<HealthRun | null> {
  const { rows } = await db.query(
    `SELECT run_id, status, trigger, CAST(finished_at AS ${db.dialect.type('text')}) AS finished_at
       FROM audit.pipeline_runs ORDER BY started_at DESC, run_id DESC LIMIT 1`,
  );
  const run = rows[0];
  if (!run) return null;
  return {
    runId: String(run.run_id),
    status: String(run.status),
    trigger: String(run.trigger),
    finishedAt: utcIso(run.finished_at),
  };
}

/**
 * The newest load date the warehouse holds as loaded: the latest `date_to` of a successful run, or
 * of a scheduled date that succeeded; null before any.
 */
export async function newestLoadedDate(db: AuditReader): Promise<string | null> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT CAST(max(d) AS ${text}) AS newest FROM (
       SELECT max(date_to) AS d FROM audit.pipeline_runs WHERE status = 'success'
       UNION ALL
       SELECT max(load_date) AS d FROM audit.schedule_dates WHERE status = 'success'
     ) AS loaded`,
  );
  return nullableString(rows[0]?.newest);
}
