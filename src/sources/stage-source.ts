import { recordBadRecords, reopenBadRecords, resolveBadRecords } from '../audit/bad-records.ts';
import { recordRoundedValues } from '../audit/ingested-files.ts';
import { recordSourceLoads } from '../audit/source-loads.ts';
import type { ContractSql } from '../contracts/compile.ts';
import type { Dialect, Session, TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { assertIsoDate } from '../time/dates.ts';
import { stagedRef } from '../materialize/plan.ts';
import type { SourceNode } from '../models/types.ts';
import { currentRaw, sqlDateList } from './raw-table.ts';

export interface StageCounts {
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
  /** Values of staged records rounded to their field's scale (decimal fields with `round: true`). */
  rounded: number;
}

/** A file of the staged dates whose every record was quarantined, and the commonest reason why. */
export interface RejectedFile {
  file: string;
  loadDate: string;
  records: number;
  reason: string;
  /** Records quarantined for that reason. */
  reasonRecords: number;
  /** One of those records' messages. */
  message: string;
}

export interface StagedDates extends StageCounts {
  rejectedFiles: RejectedFile[];
  /** The load dates written: those asked for, or for records carrying their own, the dates they hold. */
  dates: string[];
  /**
   * Rows written per staging table (`schema.name`: the source's and each nested array's), a row
   * deleted and inserted again counted once: what a server's statistics must learn of.
   */
  rowsWritten: Map<string, number>;
}

/** The key of a staging table in StagedDates.rowsWritten. */
export function stagingTableKey(table: TableRef): string {
  return `${table.schema}.${table.name}`;
}

const TYPED = 'strata_typed';
const VIOLATIONS = 'strata_violations';
const INVALID = 'strata_invalid';
const GROUPS = 'strata_duplicate_groups';
const DUPLICATES = 'strata_duplicates';
const ROUNDED = 'strata_rounded';
const SUSPECTS = 'strata_suspects';
const elementsTable = (field: string) => `strata_elements_${field}`;
const suspectElementsTable = (field: string) => `strata_suspect_elements_${field}`;

/** The run a staging belongs to, and how it writes. */
export interface StagingRun {
  runId: string;
  at: Date;
  /** Build the staging table anew (a full refresh, or its first build) rather than replace dates. */
  rebuild: boolean;
  filesPerDate: Map<string, number>;
  /**
   * The records carry their own load dates (`loadDate.fromColumn`): the dates asked for are those
   * raw holds the files under, and the dates written are the records' own — with a window, only
   * those within it (its dates already staged included, so that a date no record holds any more
   * is emptied); without one, every date (the caller then rebuilds the table).
   */
  recordDates?: { window?: { from?: string; to?: string } };
}

/**
 * Validates and types the current raw rows of some load dates and replaces those dates in the
 * staging table(s), records every violation in audit.bad_records and the reconciliation in
 * audit.source_loads — in one transaction, so a failure changes nothing. The typed rows and what
 * is derived from them are session-local temporary tables built before it begins: DuckDB scans a
 * table created inside the running transaction on one thread, and the batch is read several times.
 */
export async function stageDates(
  session: Session,
  d: Dialect,
  node: SourceNode,
  sql: ContractSql,
  dates: readonly string[],
  run: StagingRun,
): Promise<StagedDates> {
  const q = (name: string) => d.quoteIdentifier(name);
  const temps = [
    TYPED,
    VIOLATIONS,
    INVALID,
    GROUPS,
    DUPLICATES,
    ROUNDED,
    SUSPECTS,
    ...sql.arrayFields.map(elementsTable),
    ...sql.arrayFields.map(suspectElementsTable),
  ];
  const temp = async (name: string, select: string) => {
    await session.execute(`DROP TABLE IF EXISTS ${q(name)}`);
    await session.execute(`CREATE TEMPORARY TABLE ${q(name)} AS ${select}`);
  };
  try {
    await temp(TYPED, sql.typed(currentRaw(d, node.raw, node.name, dates)));
    const written = run.recordDates ? await recordDates(session, d, node, run, run.recordDates) : undefined;
    const writing: StagingRun = written ? { ...run, filesPerDate: written.filesPerDate } : run;
    const writtenDates = written?.dates ?? [...dates];
    const elementRelations: Record<string, string> = {};
    const suspectElements: Record<string, string> = {};
    for (const field of sql.arrayFields) {
      await temp(elementsTable(field), sql.elements(q(TYPED), field));
      elementRelations[field] = q(elementsTable(field));
      await temp(suspectElementsTable(field), sql.suspectElements(q(TYPED), q(elementsTable(field)), field));
      suspectElements[field] = q(suspectElementsTable(field));
    }
    // The violations are read from the rows some check finds, found in one scan (see ContractSql.suspects).
    await temp(SUSPECTS, sql.suspects(q(TYPED)));
    await temp(VIOLATIONS, sql.violations(q(SUSPECTS), suspectElements));
    await temp(INVALID, sql.invalid(q(VIOLATIONS)));
    await temp(GROUPS, sql.duplicateGroups(q(TYPED)));
    await temp(DUPLICATES, sql.duplicates(q(TYPED), q(INVALID), q(GROUPS)));
    const { rows } = await session.query(
      `SELECT (SELECT count(*) FROM ${q(INVALID)}) + (SELECT count(*) FROM ${q(DUPLICATES)}) AS n`,
    );
    if (Number(rows[0]?.n ?? 0) > 0) await session.execute(sql.unstage(q(TYPED), q(INVALID), q(DUPLICATES)));
    // Counted once, after unstaging: the count reads the text of every rounding field's value.
    const roundedSql = sql.roundedValues(q(TYPED), elementRelations);
    if (roundedSql) await temp(ROUNDED, roundedSql);
    const { counts, rowsWritten } = await session.transaction((tx) =>
      writeStaged(
        tx,
        d,
        node,
        sql,
        { dates: writtenDates, rawDates: dates },
        writing,
        roundedSql ? q(ROUNDED) : null,
      ),
    );
    return {
      ...counts,
      rowsWritten,
      dates: writtenDates,
      rejectedFiles: counts.quarantined > 0 ? await rejectedFiles(session, d) : [],
    };
  } finally {
    // Session-local, so one left behind (a lost connection) goes with the session: never mask the error.
    for (const name of temps) await session.execute(`DROP TABLE IF EXISTS ${q(name)}`).catch(() => undefined);
  }
}

/**
 * The load dates records carrying their own hold, and the files of each (see StagingRun.recordDates).
 * With a window, the typed records outside it are dropped first, and the window's dates already
 * staged are written too.
 */
async function recordDates(
  session: Session,
  d: Dialect,
  node: SourceNode,
  run: StagingRun,
  { window }: NonNullable<StagingRun['recordDates']>,
): Promise<{ dates: string[]; filesPerDate: Map<string, number> }> {
  const q = (name: string) => d.quoteIdentifier(name);
  const text = d.type('text');
  const bounds = [
    window?.from ? `load_date >= CAST(${d.stringLiteral(assertIsoDate(window.from))} AS DATE)` : undefined,
    window?.to ? `load_date <= CAST(${d.stringLiteral(assertIsoDate(window.to))} AS DATE)` : undefined,
  ].filter((bound) => bound !== undefined);
  const within = bounds.length > 0 ? bounds.join(' AND ') : 'TRUE';
  if (bounds.length > 0) await session.execute(`DELETE FROM ${q(TYPED)} WHERE NOT (${within})`);
  const { rows } = await session.query(
    `SELECT CAST(load_date AS ${text}) AS load_date, count(DISTINCT source_file) AS files FROM ${q(TYPED)} GROUP BY load_date`,
  );
  const filesPerDate = new Map(rows.map((r) => [String(r.load_date), Number(r.files)]));
  const dates = new Set(filesPerDate.keys());
  if (!run.rebuild) {
    const staged = await session.query(
      `SELECT DISTINCT CAST(load_date AS ${text}) AS load_date FROM ${d.qualify(node.target)} WHERE ${within}`,
    );
    for (const r of staged.rows) dates.add(String(r.load_date));
  }
  return { dates: [...dates].sort(), filesPerDate };
}

/**
 * A file is rejected whole from this many records, all quarantined: a file of one bad record is a
 * bad record (a feed of tiny daily files at a 1% defect rate has one every hundred files).
 */
export const MIN_REJECTED_FILE = 2;

/**
 * The files of the batch none of whose records was staged because every one was quarantined (a
 * binary file named .ndjson, a file in a date format the contract lacks), each with the reason
 * most of its records were quarantined for. Records removed as duplicates are not rejected.
 */
async function rejectedFiles(session: Session, d: Dialect): Promise<RejectedFile[]> {
  const q = (name: string) => d.quoteIdentifier(name);
  const text = d.type('text');
  const { rows } = await session.query(
    `WITH per_file AS (
  SELECT t.source_file, min(t.load_date) AS load_date, count(*) AS received, count(i.record_key) AS quarantined
  FROM ${q(TYPED)} AS t LEFT JOIN ${q(INVALID)} AS i ON i.record_key = t.record_key
  GROUP BY t.source_file
), rejected AS (
  SELECT source_file, load_date, received FROM per_file WHERE received >= ${MIN_REJECTED_FILE} AND quarantined = received
), reasons AS (
  SELECT v.source_file, v.reason_code, count(DISTINCT v.record_key) AS records, min(v.message) AS message
  FROM ${q(VIOLATIONS)} AS v JOIN rejected AS r ON r.source_file = v.source_file
  GROUP BY v.source_file, v.reason_code
), ranked AS (
  SELECT source_file, reason_code, records, message,
    row_number() OVER (PARTITION BY source_file ORDER BY records DESC, reason_code) AS rank
  FROM reasons
)
SELECT r.source_file, CAST(r.load_date AS ${text}) AS load_date, r.received, k.reason_code, k.records, k.message
FROM rejected AS r LEFT JOIN ranked AS k ON k.source_file = r.source_file AND k.rank = 1
ORDER BY r.source_file`,
  );
  return rows.map((r) => ({
    file: String(r.source_file),
    loadDate: String(r.load_date),
    records: Number(r.received),
    reason: String(r.reason_code ?? 'unknown'),
    reasonRecords: Number(r.records ?? 0),
    message: String(r.message ?? ''),
  }));
}

/** The writing half of stageDates, in its transaction, from the temporary tables it built. */
async function writeStaged(
  session: Session,
  d: Dialect,
  node: SourceNode,
  sql: ContractSql,
  /** The load dates written, and those raw holds the typed records under (the same unless records carry their own). */
  { dates, rawDates }: { dates: readonly string[]; rawDates: readonly string[] },
  run: StagingRun,
  /** The table of rounded values per file version; null when no field of the contract rounds. */
  rounding: string | null,
): Promise<{ counts: StageCounts; rowsWritten: Map<string, number> }> {
  const q = (name: string) => d.quoteIdentifier(name);
  const exec = (statement: string) => session.execute(statement);
  const text = d.type('text');
  const dateList = sqlDateList(d, dates);
  const rowsWritten = new Map<string, number>();
  const replace = async (target: TableRef, select: string) => {
    if (run.rebuild) {
      // Built aside and swapped in, so views that read the staging table survive on every engine.
      const staged = stagedRef(target, 'strata_stage');
      await exec(`DROP TABLE IF EXISTS ${d.qualify(staged)}`);
      const built = await exec(`CREATE TABLE ${d.qualify(staged)} AS ${select}`);
      for (const statement of d.swapTable(staged, target)) await exec(statement);
      rowsWritten.set(stagingTableKey(target), built.rowsAffected);
      return;
    }
    await exec(
      `CREATE TABLE IF NOT EXISTS ${d.qualify(target)} AS SELECT * FROM (${select}) AS shape WHERE 1 = 0`,
    );
    const deleted = await exec(`DELETE FROM ${d.qualify(target)} WHERE load_date IN (${dateList})`);
    const inserted = await exec(`INSERT INTO ${d.qualify(target)} ${select}`);
    rowsWritten.set(stagingTableKey(target), Math.max(deleted.rowsAffected, inserted.rowsAffected));
  };
  await replace(node.target, sql.staged(q(TYPED)));
  for (const field of sql.arrayFields) {
    const child = node.provides.find((p) => p.name === `${node.name}__${field}`);
    if (child) await replace(child.target, sql.children(q(TYPED), q(elementsTable(field)), field));
  }

  const { rows: violated } = await session.query(
    `SELECT CAST(load_date AS ${text}) AS load_date, count(DISTINCT record_key) AS n FROM ${q(VIOLATIONS)} GROUP BY load_date`,
  );
  const violatedPerDate = new Map(violated.map((r) => [String(r.load_date), Number(r.n)]));
  if (violated.length > 0) {
    await recordBadRecords(
      session,
      d,
      { violations: VIOLATIONS, typed: TYPED, ...(run.recordDates ? { rawDate: 'strata_raw_date' } : {}) },
      { source: node.name, raw: node.raw, rawDates: sqlDateList(d, rawDates), runId: run.runId, at: run.at },
    );
  }

  // A quarantined record of these dates that passes now (a fixed contract or a corrected file) is
  // resolved; one that fails again is open again. History is kept either way.
  await resolveBadRecords(session, d, VIOLATIONS, { source: node.name, runId: run.runId, dateList });
  if (violated.length > 0) await reopenBadRecords(session, d, VIOLATIONS, node.name);

  // Staged rows are counted in the staging table itself: what was written, not what was meant to be.
  const { rows } = await session.query(
    `SELECT CAST(t.load_date AS ${text}) AS load_date, count(*) AS received,
       count(i.record_key) AS quarantined, count(x.record_key) AS duplicates
     FROM ${q(TYPED)} AS t LEFT JOIN ${q(INVALID)} AS i ON i.record_key = t.record_key
       LEFT JOIN ${q(DUPLICATES)} AS x ON x.record_key = t.record_key
     GROUP BY t.load_date ORDER BY 1`,
  );
  const { rows: stagedRows } = await session.query(
    `SELECT CAST(load_date AS ${text}) AS load_date, count(*) AS staged FROM ${d.qualify(node.target)}
     WHERE load_date IN (${dateList}) GROUP BY load_date`,
  );
  const stagedPerDate = new Map(stagedRows.map((r) => [String(r.load_date), Number(r.staged)]));
  const rounded = await recordRounded(session, rounding);
  const total: StageCounts = { received: 0, staged: 0, quarantined: 0, duplicates: 0, rounded };
  const byDate = new Map(rows.map((r) => [String(r.load_date), r]));
  const loads = dates.map((date) => {
    const row = byDate.get(date);
    const counts = {
      received: Number(row?.received ?? 0),
      staged: stagedPerDate.get(date) ?? 0,
      quarantined: Number(row?.quarantined ?? 0),
      duplicates: Number(row?.duplicates ?? 0),
    };
    // Two independent counts of the quarantined records must agree, and every record must be accounted for.
    const reconciled =
      counts.received === counts.staged + counts.quarantined + counts.duplicates &&
      counts.quarantined === (violatedPerDate.get(date) ?? 0);
    return { date, counts, reconciled };
  });
  await recordSourceLoads(
    session,
    run.runId,
    node.name,
    loads.map(({ date, counts, reconciled }) => ({
      loadDate: date,
      files: run.filesPerDate.get(date) ?? 0,
      counts,
      reconciled,
    })),
  );
  for (const { date, counts, reconciled } of loads) {
    if (!reconciled) {
      throw new StrataError(
        'RECONCILIATION_MISMATCH',
        `${node.name} ${date}: received ${counts.received} ≠ staged ${counts.staged} + quarantined ${counts.quarantined} + duplicates ${counts.duplicates}`,
        { model: node.name, hint: 'This is a bug in strata: please report it with the source’s contract.' },
      );
    }
    total.received += counts.received;
    total.staged += counts.staged;
    total.quarantined += counts.quarantined;
    total.duplicates += counts.duplicates;
  }
  return { counts: total, rowsWritten };
}

/**
 * The rounded values per file version (`rounding`: the table of them, see ContractSql.roundedValues)
 * into audit.ingested_files.rounded_values, and their total; nothing (0) when no field rounds.
 */
async function recordRounded(session: Session, rounding: string | null): Promise<number> {
  if (!rounding) return 0;
  await recordRoundedValues(session, `SELECT ingestion_id, rounded_values FROM ${rounding}`);
  const { rows } = await session.query(`SELECT coalesce(sum(rounded_values), 0) AS n FROM ${rounding}`);
  return Number(rows[0]?.n ?? 0);
}
