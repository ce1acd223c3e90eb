import { sqlTimestamp } from '../time/timestamps.ts';
import type { ContractSql } from '../contracts/compile.ts';
import type { Dialect, Session, TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { stagedRef } from '../materialize/plan.ts';
import type { SourceNode } from '../models/types.ts';
import { currentRaw, sqlDateList } from './raw-table.ts';

export interface StageCounts {
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
}

/** Rows of audit.source_loads per INSERT statement (9 parameters each). */
const LOADS_PER_INSERT = 500;
const TYPED = 'strata_typed';
const VIOLATIONS = 'strata_violations';
const INVALID = 'strata_invalid';
const GROUPS = 'strata_duplicate_groups';
const DUPLICATES = 'strata_duplicates';
const elementsTable = (field: string) => `strata_elements_${field}`;

/** The run a staging belongs to, and how it writes. */
export interface StagingRun {
  runId: string;
  at: Date;
  /** Build the staging table anew (a full refresh, or its first build) rather than replace dates. */
  rebuild: boolean;
  filesPerDate: Map<string, number>;
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
): Promise<StageCounts> {
  const q = (name: string) => d.quoteIdentifier(name);
  const temps = [TYPED, VIOLATIONS, INVALID, GROUPS, DUPLICATES, ...sql.arrayFields.map(elementsTable)];
  const temp = async (name: string, select: string) => {
    await session.execute(`DROP TABLE IF EXISTS ${q(name)}`);
    await session.execute(`CREATE TEMPORARY TABLE ${q(name)} AS ${select}`);
  };
  try {
    await temp(TYPED, sql.typed(currentRaw(d, node.raw, node.name, dates)));
    const elementRelations: Record<string, string> = {};
    for (const field of sql.arrayFields) {
      await temp(elementsTable(field), sql.elements(q(TYPED), field));
      elementRelations[field] = q(elementsTable(field));
    }
    await temp(VIOLATIONS, sql.violations(q(TYPED), elementRelations));
    await temp(INVALID, sql.invalid(q(VIOLATIONS)));
    await temp(GROUPS, sql.duplicateGroups(q(TYPED), q(INVALID)));
    await temp(DUPLICATES, sql.duplicates(q(TYPED), q(INVALID), q(GROUPS)));
    const { rows } = await session.query(
      `SELECT (SELECT count(*) FROM ${q(INVALID)}) + (SELECT count(*) FROM ${q(DUPLICATES)}) AS n`,
    );
    if (Number(rows[0]?.n ?? 0) > 0) await session.execute(sql.unstage(q(TYPED), q(INVALID), q(DUPLICATES)));
    return await session.transaction((tx) => writeStaged(tx, d, node, sql, dates, run));
  } finally {
    // Session-local, so one left behind (a lost connection) goes with the session: never mask the error.
    for (const name of temps) await session.execute(`DROP TABLE IF EXISTS ${q(name)}`).catch(() => undefined);
  }
}

/** The writing half of stageDates, in its transaction, from the temporary tables it built. */
async function writeStaged(
  session: Session,
  d: Dialect,
  node: SourceNode,
  sql: ContractSql,
  dates: readonly string[],
  run: StagingRun,
): Promise<StageCounts> {
  const q = (name: string) => d.quoteIdentifier(name);
  const exec = (statement: string) => session.execute(statement);
  const text = d.type('text');
  const dateList = sqlDateList(d, dates);
  const replace = async (target: TableRef, select: string) => {
    if (run.rebuild) {
      // Built aside and swapped in, so views that read the staging table survive on every engine.
      const staged = stagedRef(target, 'strata_stage');
      await exec(`DROP TABLE IF EXISTS ${d.qualify(staged)}`);
      await exec(`CREATE TABLE ${d.qualify(staged)} AS ${select}`);
      for (const statement of d.swapTable(staged, target)) await exec(statement);
      return;
    }
    await exec(
      `CREATE TABLE IF NOT EXISTS ${d.qualify(target)} AS SELECT * FROM (${select}) AS shape WHERE 1 = 0`,
    );
    await exec(`DELETE FROM ${d.qualify(target)} WHERE load_date IN (${dateList})`);
    await exec(`INSERT INTO ${d.qualify(target)} ${select}`);
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
  if (violated.length > 0) await recordViolations(session, d, node, run);

  // A quarantined record of these dates that passes now (a fixed contract or a corrected file) is
  // resolved; one that fails again is open again. History is kept either way.
  await session.execute(
    `UPDATE audit.bad_records SET resolved_run_id = $2
     WHERE source = $1 AND resolved_run_id IS NULL AND load_date IN (${dateList})
       AND NOT EXISTS (SELECT 1 FROM ${q(VIOLATIONS)} AS v
                       WHERE v.record_key = audit.bad_records.record_key AND v.field = audit.bad_records.field
                         AND v.reason_code = audit.bad_records.reason_code)`,
    [node.name, run.runId],
  );
  if (violated.length > 0) {
    await session.execute(
      `UPDATE audit.bad_records SET resolved_run_id = NULL
     WHERE source = $1 AND resolved_run_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM ${q(VIOLATIONS)} AS v
                   WHERE v.record_key = audit.bad_records.record_key AND v.field = audit.bad_records.field
                     AND v.reason_code = audit.bad_records.reason_code)`,
      [node.name],
    );
  }

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
  const total: StageCounts = { received: 0, staged: 0, quarantined: 0, duplicates: 0 };
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
  for (let start = 0; start < loads.length; start += LOADS_PER_INSERT) {
    const chunk = loads.slice(start, start + LOADS_PER_INSERT);
    const tuples = chunk.map((_, i) => {
      const p = i * 9;
      return `($${p + 1}, $${p + 2}, CAST($${p + 3} AS DATE), $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8}, $${p + 9})`;
    });
    await session.execute(
      `INSERT INTO audit.source_loads (run_id, source, load_date, files, received, staged, quarantined, duplicates, reconciled)
       VALUES ${tuples.join(', ')}`,
      chunk.flatMap(({ date, counts, reconciled }) => [
        run.runId,
        node.name,
        date,
        run.filesPerDate.get(date) ?? 0,
        counts.received,
        counts.staged,
        counts.quarantined,
        counts.duplicates,
        reconciled,
      ]),
    );
  }
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
  return total;
}

/**
 * Adds the violations found to audit.bad_records, each record shown as received: a CSV record as
 * its line, a JSON one as its record (or its text when it did not parse), read back from raw for
 * the violating records only. A violation recorded before is not added again.
 */
async function recordViolations(
  session: Session,
  d: Dialect,
  node: SourceNode,
  run: Pick<StagingRun, 'runId' | 'at'>,
): Promise<void> {
  const q = (name: string) => d.quoteIdentifier(name);
  const text = d.type('text');
  await session.execute(
    `INSERT INTO audit.bad_records (source, load_date, ingestion_id, record_key, source_file, record_position, source_line,
       field, reason_code, message, raw_record, run_id, found_at)
     SELECT $1, v.load_date, v.ingestion_id, v.record_key, v.source_file, v.record_position, v.source_line,
       v.field, v.reason_code, v.message, coalesce(r.raw_text, CAST(v.record AS ${text})), $2, CAST($3 AS TIMESTAMP)
     FROM (
       SELECT DISTINCT v.*, t.ingestion_id, t.record
       FROM ${q(VIOLATIONS)} AS v JOIN ${q(TYPED)} AS t ON t.record_key = v.record_key
     ) AS v
       LEFT JOIN ${d.qualify(node.raw)} AS r ON r.load_date = v.load_date AND r.ingestion_id = v.ingestion_id
         AND r.record_position = v.record_position
     WHERE NOT EXISTS (
       SELECT 1 FROM audit.bad_records AS b
       WHERE b.record_key = v.record_key AND b.field = v.field AND b.reason_code = v.reason_code)`,
    [node.name, run.runId, sqlTimestamp(run.at)],
  );
}
