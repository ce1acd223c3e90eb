import { sqlTimestamp } from '../time/timestamps.ts';
import type { Dialect, TableRef } from '../engine/types.ts';
import { type AuditConnection, type AuditReader, nullableNumber, nullableString } from './values.ts';

/**
 * audit.bad_records, the quarantine: every violation a record was found with, kept for good and
 * marked resolved by the run in which the record stopped failing. Staging writes it inside its
 * transaction, from the session-local tables it built: the functions that do take that session
 * and the tables' names (unquoted), so the statements stay set-based.
 */

export interface QuarantinedRecord {
  source: string;
  loadDate: string;
  file: string;
  /** 1-based record number in the file. */
  position: number | null;
  /** The file line, for a CSV line that could not be parsed. */
  line: number | null;
  field: string;
  reason: string;
  message: string;
  rawRecord: string | null;
  foundInRun: string;
  /** The run in which the record stopped failing (a fixed contract or file); null while quarantined. */
  resolvedInRun: string | null;
}

/** Records listed when the caller names no limit. */
export const QUARANTINE_PAGE = 100;

export interface QuarantineFilter {
  source?: string;
  /** Only what this run found. */
  run?: string;
  /** Include records that no longer fail. */
  includeResolved?: boolean;
  /** Only records of this load date (YYYY-MM-DD). */
  loadDate?: string;
  /** Only violations of this field. */
  field?: string;
  /** Only violations with this reason code. */
  reason?: string;
  limit?: number;
  /** Records skipped before the first one listed (paging). */
  offset?: number;
}

/** How many quarantined records the filter matches, by reason, commonest first. */
export interface QuarantineReasonCount {
  reason: string;
  records: number;
  /** Of those, how many a later run let through. */
  resolved: number;
}

/**
 * The violations staging found, as a temporary table of (load_date, record_key, source_file,
 * record_position, source_line, field, reason_code, message), and the typed batch they come from
 * (record_key, ingestion_id, record).
 */
export interface ViolationTables {
  violations: string;
  typed: string;
  /**
   * The typed table's column of the date raw holds a record under, where it is not its load date
   * (a source whose records carry their own); load_date by default.
   */
  rawDate?: string;
}

/** Quarantined records, newest load dates first; open ones only unless asked (100 by default). */
export async function listBadRecords(
  db: AuditReader,
  filter: QuarantineFilter = {},
): Promise<QuarantinedRecord[]> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT source, CAST(load_date AS ${text}) AS load_date, source_file, record_position, source_line, field,
            reason_code, message, raw_record, run_id, resolved_run_id
     FROM audit.bad_records
     WHERE ${filtered(text)}
     ORDER BY load_date DESC, source, source_file, record_position, source_line, field
     LIMIT $7 OFFSET $8`,
    [...filterParams(filter), filter.limit ?? QUARANTINE_PAGE, filter.offset ?? 0],
  );
  return rows.map((r) => ({
    source: String(r.source),
    loadDate: String(r.load_date),
    file: String(r.source_file),
    position: nullableNumber(r.record_position),
    line: nullableNumber(r.source_line),
    field: String(r.field),
    reason: String(r.reason_code),
    message: String(r.message),
    rawRecord: nullableString(r.raw_record),
    foundInRun: String(r.run_id),
    resolvedInRun: nullableString(r.resolved_run_id),
  }));
}

/** How many quarantined records the filter matches, whatever the limit. */
export async function countBadRecords(db: AuditReader, filter: QuarantineFilter = {}): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*) AS n FROM audit.bad_records WHERE ${filtered(db.dialect.type('text'))}`,
    filterParams(filter),
  );
  return Number(rows[0]?.n ?? 0);
}

/** The records the filter matches counted by reason (commonest first), whatever the limit. */
export async function countBadRecordsByReason(
  db: AuditReader,
  filter: QuarantineFilter = {},
): Promise<QuarantineReasonCount[]> {
  const { rows } = await db.query(
    `SELECT reason_code, count(*) AS n, sum(CASE WHEN resolved_run_id IS NULL THEN 0 ELSE 1 END) AS resolved
     FROM audit.bad_records WHERE ${filtered(db.dialect.type('text'))}
     GROUP BY reason_code ORDER BY n DESC, reason_code`,
    filterParams(filter),
  );
  return rows.map((r) => ({
    reason: String(r.reason_code),
    records: Number(r.n),
    resolved: Number(r.resolved ?? 0),
  }));
}

/**
 * The filter's condition on $1 (source), $2 (run), $3 (include resolved), $4 (load date),
 * $5 (field) and $6 (reason).
 */
function filtered(text: string): string {
  return `($1::${text} IS NULL OR source = $1::${text})
       AND ($2::${text} IS NULL OR run_id = $2::${text})
       AND ($3 OR resolved_run_id IS NULL)
       AND ($4::${text} IS NULL OR CAST(load_date AS ${text}) = $4::${text})
       AND ($5::${text} IS NULL OR field = $5::${text})
       AND ($6::${text} IS NULL OR reason_code = $6::${text})`;
}

function filterParams(filter: QuarantineFilter): (string | boolean | null)[] {
  return [
    filter.source ?? null,
    filter.run ?? null,
    filter.includeResolved ?? false,
    filter.loadDate ?? null,
    filter.field ?? null,
    filter.reason ?? null,
  ];
}

/**
 * Adds the violations found to the quarantine, each record shown as received: a CSV record as its
 * line, a JSON one as its record (or its text when it did not parse), read back from the source's
 * raw table for the violating records only. A violation recorded before is not added again.
 */
export async function recordBadRecords(
  session: AuditConnection,
  d: Dialect,
  tables: ViolationTables,
  found: {
    source: string;
    raw: TableRef;
    /** The dates raw holds the typed records under, as an SQL IN list (raw-table.ts sqlDateList). */
    rawDates: string;
    runId: string;
    at: Date;
  },
): Promise<void> {
  const q = (name: string) => d.quoteIdentifier(name);
  const text = d.type('text');
  await session.execute(
    `INSERT INTO audit.bad_records (source, load_date, ingestion_id, record_key, source_file, record_position, source_line,
       field, reason_code, message, raw_record, run_id, found_at)
     SELECT $1, v.load_date, v.ingestion_id, v.record_key, v.source_file, v.record_position, v.source_line,
       v.field, v.reason_code, v.message, coalesce(r.raw_text, CAST(r.record AS ${text})), $2, CAST($3 AS TIMESTAMP)
     FROM (
       SELECT DISTINCT v.*, t.ingestion_id, t.${q(tables.rawDate ?? 'load_date')} AS strata_raw_date
       FROM ${q(tables.violations)} AS v JOIN ${q(tables.typed)} AS t ON t.record_key = v.record_key
     ) AS v
       LEFT JOIN ${d.qualify(found.raw)} AS r ON r.load_date = v.strata_raw_date AND r.ingestion_id = v.ingestion_id
         AND r.record_position = v.record_position
         -- The dates named: a server then reads their rows alone, not the whole of raw.
         AND r.load_date IN (${found.rawDates})
     WHERE NOT EXISTS (
       SELECT 1 FROM audit.bad_records AS b
       WHERE b.record_key = v.record_key AND b.field = v.field AND b.reason_code = v.reason_code)`,
    [found.source, found.runId, sqlTimestamp(found.at)],
  );
}

/**
 * A quarantined record of these dates (`dateList`: an SQL IN list of validated date literals) that
 * is not among the violations now (a fixed contract or a corrected file) is resolved by this run.
 */
export async function resolveBadRecords(
  session: AuditConnection,
  d: Dialect,
  violations: string,
  staged: { source: string; runId: string; dateList: string },
): Promise<void> {
  await session.execute(
    `UPDATE audit.bad_records SET resolved_run_id = $2
     WHERE source = $1 AND resolved_run_id IS NULL AND load_date IN (${staged.dateList})
       AND NOT EXISTS (SELECT 1 FROM ${d.quoteIdentifier(violations)} AS v
                       WHERE v.record_key = audit.bad_records.record_key AND v.field = audit.bad_records.field
                         AND v.reason_code = audit.bad_records.reason_code)`,
    [staged.source, staged.runId],
  );
}

/** A resolved record of the source that is among the violations again is open again. */
export async function reopenBadRecords(
  session: AuditConnection,
  d: Dialect,
  violations: string,
  source: string,
): Promise<void> {
  await session.execute(
    `UPDATE audit.bad_records SET resolved_run_id = NULL
     WHERE source = $1 AND resolved_run_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM ${d.quoteIdentifier(violations)} AS v
                   WHERE v.record_key = audit.bad_records.record_key AND v.field = audit.bad_records.field
                     AND v.reason_code = audit.bad_records.reason_code)`,
    [source],
  );
}
