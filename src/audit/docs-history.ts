import { sourceLoadsByDate } from './source-loads.ts';
import { type AuditReader, nullableNumber, nullableString, utcIso } from './values.ts';

/**
 * The histories the documentation site shows, each read in one statement for the whole project
 * (a project with hundreds of checks or sources asks once, not once per check): every check's
 * newest results, and every source's newest loads.
 */

/** One result of a check, as the docs show it. */
export interface CheckResultEntry {
  checkId: string;
  runId: string;
  status: string;
  failingRows: number | null;
  checkedRows: number | null;
  startedAt: string;
  /** The load dates the check looked at; null for the whole table. */
  dateFrom: string | null;
  dateTo: string | null;
}

/** Each check's newest `perCheck` results, by check id, then oldest first (the last is the latest). */
export async function newestCheckResults(db: AuditReader, perCheck: number): Promise<CheckResultEntry[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT check_id, run_id, status, failing_rows, checked_rows, CAST(started_at AS ${text}) AS started_at,
            CAST(date_from AS ${text}) AS date_from, CAST(date_to AS ${text}) AS date_to
     FROM (SELECT d.*, row_number() OVER (PARTITION BY d.check_id ORDER BY d.started_at DESC, d.run_id DESC) AS newness
           FROM audit.dq_results AS d) AS ranked
     WHERE newness <= $1
     ORDER BY check_id, newness DESC`,
    [perCheck],
  );
  return rows.map((r) => ({
    checkId: String(r.check_id),
    runId: String(r.run_id),
    status: String(r.status),
    failingRows: nullableNumber(r.failing_rows),
    checkedRows: nullableNumber(r.checked_rows),
    startedAt: utcIso(r.started_at) as string,
    dateFrom: nullableString(r.date_from),
    dateTo: nullableString(r.date_to),
  }));
}

/** One load date of a source as the newest run that loaded it left it. */
export interface SourceLoadEntry {
  source: string;
  loadDate: string;
  runId: string;
  files: number;
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
  reconciled: boolean;
}

/**
 * Each source's newest `perSource` load dates (the newest run's ledger row of each date:
 * `sourceLoadsByDate`), by source, newest date first.
 */
export async function newestSourceLoads(db: AuditReader, perSource: number): Promise<SourceLoadEntry[]> {
  const loads = await sourceLoadsByDate(db, undefined, perSource);
  // At most perSource rows a source: ordering them newest first here is small by nature.
  return loads
    .map(({ counts, ...load }) => ({ ...load, ...counts }))
    .sort((a, b) =>
      a.source === b.source ? b.loadDate.localeCompare(a.loadDate) : a.source < b.source ? -1 : 1,
    );
}
