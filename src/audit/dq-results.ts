import type { Row } from '../engine/types.ts';
import type { CheckResult } from './check-result.ts';
import type { CheckStatus } from './schema.ts';
import { type AuditReader, nullableNumber, nullableString, utcIso } from './values.ts';

/**
 * Reads of audit.dq_results, one row per check per run (the recorder writes them, see
 * `AuditRecorder.checkResult`).
 */

/** A check that did not pass in a run, and for how many run dates in a row it has not. */
export interface FailingCheckStreak {
  checkId: string;
  status: CheckStatus;
  severity: string;
  target: string;
  failingRows: number | null;
  checkedRows: number | null;
  message: string | null;
  /** Consecutive run dates (daily_metrics.metric_date) whose newest result was not a pass. */
  days: number;
  sinceDate: string;
  untilDate: string;
}

/** The results of a run's checks, in the order they started. */
export async function checkResultsOf(db: AuditReader, runId: string): Promise<CheckResult[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
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
    status: String(r.status) as CheckStatus,
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

/**
 * For each check that did not pass in this run: on how many of the most recent run dates
 * (daily_metrics.metric_date, up to this run's) it has not passed, counting back to its last pass.
 * A date checked by several runs (reruns) counts once, with its newest result; dates on which no
 * run ran the check are skipped rather than breaking the streak. Checks with no streak (because
 * this date's newest result is a pass) return no row.
 */
const STREAK_SQL = `
WITH this_run AS (
  SELECT metric_date FROM audit.daily_metrics WHERE run_id = $1
),
not_passing AS (
  SELECT check_id, status, severity, target, failing_rows, checked_rows, message
  FROM audit.dq_results
  WHERE run_id = $1 AND status IN ('fail', 'warn', 'error')
),
results AS (
  SELECT d.check_id, m.metric_date, d.status,
    ROW_NUMBER() OVER (
      PARTITION BY d.check_id, m.metric_date
      ORDER BY d.started_at DESC, d.run_id DESC
    ) AS newness
  FROM audit.dq_results d
  JOIN audit.daily_metrics m ON m.run_id = d.run_id
  JOIN not_passing n ON n.check_id = d.check_id
  CROSS JOIN this_run t
  WHERE m.metric_date <= t.metric_date
),
latest AS (
  SELECT check_id, metric_date, status FROM results WHERE newness = 1
),
last_pass AS (
  SELECT check_id, MAX(metric_date) AS metric_date FROM latest WHERE status = 'pass' GROUP BY check_id
)
SELECT n.check_id, n.status, n.severity, n.target, n.failing_rows, n.checked_rows, n.message,
  COUNT(*) AS days,
  CAST(MIN(l.metric_date) AS TEXT) AS since_date,
  CAST(MAX(l.metric_date) AS TEXT) AS until_date
FROM not_passing n
JOIN latest l ON l.check_id = n.check_id
LEFT JOIN last_pass p ON p.check_id = n.check_id
WHERE p.metric_date IS NULL OR l.metric_date > p.metric_date
GROUP BY n.check_id, n.status, n.severity, n.target, n.failing_rows, n.checked_rows, n.message
ORDER BY n.check_id`;

/** The checks a run did not pass, each with its streak of run dates not passed, by check id. */
export async function failingCheckStreaks(db: AuditReader, runId: string): Promise<FailingCheckStreak[]> {
  const { rows } = await db.query(STREAK_SQL, [runId]);
  return rows.map((r) => ({
    checkId: String(r.check_id),
    status: String(r.status) as CheckStatus,
    severity: String(r.severity),
    target: String(r.target),
    failingRows: nullableNumber(r.failing_rows),
    checkedRows: nullableNumber(r.checked_rows),
    message: nullableString(r.message),
    days: Number(r.days ?? 0),
    sinceDate: String(r.since_date),
    untilDate: String(r.until_date),
  }));
}

/** One result of a check in one run, for a check's history. */
export interface CheckHistoryEntry {
  runId: string;
  checkId: string;
  status: CheckStatus;
  severity: string;
  failingRows: number | null;
  checkedRows: number | null;
  startedAt: string;
  /** The run's date (daily_metrics.metric_date); null for a run that recorded none. */
  runDate: string | null;
  /** The load dates the check looked at; null for the whole table. */
  dateFrom: string | null;
  dateTo: string | null;
}

/**
 * The results of the checks over the newest `runs` runs that ran checks, oldest first (then by
 * check): each check's history across runs and dates. `checkId` narrows it to one check.
 */
export async function checkHistory(
  db: AuditReader,
  options: { runs: number; checkId?: string },
): Promise<CheckHistoryEntry[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `WITH recent AS (
       SELECT run_id, max(started_at) AS last_check FROM audit.dq_results
       WHERE ($2::${text} IS NULL OR check_id = $2::${text})
       GROUP BY run_id ORDER BY last_check DESC, run_id DESC LIMIT $1
     )
     SELECT d.run_id, d.check_id, d.status, d.severity, d.failing_rows, d.checked_rows,
            CAST(d.started_at AS ${text}) AS started_at, CAST(m.metric_date AS ${text}) AS run_date,
            CAST(d.date_from AS ${text}) AS date_from, CAST(d.date_to AS ${text}) AS date_to
     FROM audit.dq_results AS d JOIN recent AS r ON r.run_id = d.run_id
       LEFT JOIN audit.daily_metrics AS m ON m.run_id = d.run_id
     WHERE ($2::${text} IS NULL OR d.check_id = $2::${text})
     ORDER BY r.last_check, d.run_id, d.check_id`,
    [options.runs, options.checkId ?? null],
  );
  return rows.map((r) => ({
    runId: String(r.run_id),
    checkId: String(r.check_id),
    status: String(r.status) as CheckStatus,
    severity: String(r.severity),
    failingRows: nullableNumber(r.failing_rows),
    checkedRows: nullableNumber(r.checked_rows),
    startedAt: utcIso(r.started_at) as string,
    runDate: nullableString(r.run_date),
    dateFrom: nullableString(r.date_from),
    dateTo: nullableString(r.date_to),
  }));
}

/** Each check's newest result (the latest to start), with its SQL and sample, by check id. */
export async function latestCheckResults(
  db: AuditReader,
  checkId?: string,
): Promise<(CheckResult & { runId: string })[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT run_id FROM (
       SELECT run_id, check_id, row_number() OVER (PARTITION BY check_id ORDER BY started_at DESC, run_id DESC) AS newest
       FROM audit.dq_results WHERE ($1::${text} IS NULL OR check_id = $1::${text})) AS ranked
     WHERE newest = 1 GROUP BY run_id`,
    [checkId ?? null],
  );
  const newest = new Map<string, CheckResult & { runId: string }>();
  for (const row of rows) {
    const runId = String(row.run_id);
    for (const result of await checkResultsOf(db, runId)) {
      if (checkId !== undefined && result.checkId !== checkId) continue;
      const seen = newest.get(result.checkId);
      if (!seen || seen.startedAt < result.startedAt) newest.set(result.checkId, { ...result, runId });
    }
  }
  return [...newest.values()].sort((a, b) => a.checkId.localeCompare(b.checkId));
}
