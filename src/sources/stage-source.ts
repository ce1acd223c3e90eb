import { sqlTimestamp } from '../audit/timestamps.ts';
import type { ContractSql } from '../contracts/compile.ts';
import type { Dialect, Session, TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { stagedRef } from '../materialize/plan.ts';
import type { SourceNode } from '../models/types.ts';
import { currentRawRows, sqlDateList } from './raw-table.ts';

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
const RANKED = 'strata_ranked';
const LINES = 'strata_lines';
const elementsTable = (field: string) => `strata_elements_${field}`;

/**
 * Validates and types the current raw rows of some load dates and replaces those dates in the
 * staging table(s), records every violation in audit.bad_records and the reconciliation in
 * audit.source_loads — all in the caller's transaction, so a failure changes nothing.
 */
export async function stageDates(
  session: Session,
  d: Dialect,
  node: SourceNode,
  sql: ContractSql,
  dates: readonly string[],
  run: { runId: string; at: Date; rebuild: boolean; filesPerDate: Map<string, number> },
): Promise<StageCounts> {
  const q = (name: string) => d.quoteIdentifier(name);
  const exec = (statement: string) => session.execute(statement);
  const temp = async (name: string, select: string) => {
    await exec(`DROP TABLE IF EXISTS ${q(name)}`);
    await exec(`CREATE TEMPORARY TABLE ${q(name)} AS ${select}`);
  };

  await temp(TYPED, sql.typed(currentRawRows(d, node.raw, node.name, dates)));
  const elementRelations: Record<string, string> = {};
  for (const field of sql.arrayFields) {
    await temp(elementsTable(field), sql.elements(q(TYPED), field));
    elementRelations[field] = q(elementsTable(field));
  }
  await temp(VIOLATIONS, sql.violations(q(TYPED), elementRelations));
  await temp(RANKED, sql.ranked(q(TYPED), q(VIOLATIONS)));

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
  await replace(node.target, sql.staged(q(RANKED)));
  for (const field of sql.arrayFields) {
    const child = node.provides.find((p) => p.name === `${node.name}__${field}`);
    if (child) await replace(child.target, sql.children(q(RANKED), q(elementsTable(field)), field));
  }

  await rebuildLines(session, d, node.raw, dateList);
  await session.execute(
    `INSERT INTO audit.bad_records (source, load_date, ingestion_id, record_key, source_file, record_position, source_line,
       field, reason_code, message, raw_record, run_id, found_at)
     SELECT $1, v.load_date, t.ingestion_id, v.record_key, v.source_file, v.record_position, v.source_line,
       v.field, v.reason_code, v.message, coalesce(CAST(t.record AS ${d.type('text')}), t.raw_text, l.line), $2, CAST($3 AS TIMESTAMP)
     FROM (SELECT DISTINCT * FROM ${q(VIOLATIONS)}) AS v JOIN ${q(TYPED)} AS t ON t.record_key = v.record_key
       LEFT JOIN ${q(LINES)} AS l ON l.ingestion_id = t.ingestion_id AND l.record_position = v.record_position
     WHERE NOT EXISTS (
       SELECT 1 FROM audit.bad_records AS b
       WHERE b.record_key = v.record_key AND b.field = v.field AND b.reason_code = v.reason_code)`,
    [node.name, run.runId, sqlTimestamp(run.at)],
  );

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
  await session.execute(
    `UPDATE audit.bad_records SET resolved_run_id = NULL
     WHERE source = $1 AND resolved_run_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM ${q(VIOLATIONS)} AS v
                   WHERE v.record_key = audit.bad_records.record_key AND v.field = audit.bad_records.field
                     AND v.reason_code = audit.bad_records.reason_code)`,
    [node.name],
  );

  const { rows } = await session.query(
    `SELECT CAST(t.load_date AS ${d.type('text')}) AS load_date,
       count(*) AS received,
       count(*) FILTER (WHERE r.strata_rank = 1) AS staged,
       count(*) FILTER (WHERE r.strata_rank > 1) AS duplicates,
       count(*) FILTER (WHERE r.record_key IS NULL) AS quarantined
     FROM ${q(TYPED)} AS t LEFT JOIN ${q(RANKED)} AS r ON r.record_key = t.record_key
     GROUP BY t.load_date ORDER BY 1`,
  );
  const total: StageCounts = { received: 0, staged: 0, quarantined: 0, duplicates: 0 };
  const { rows: violated } = await session.query(
    `SELECT CAST(load_date AS ${d.type('text')}) AS load_date, count(DISTINCT record_key) AS n FROM ${q(VIOLATIONS)} GROUP BY load_date`,
  );
  const violatedPerDate = new Map(violated.map((r) => [String(r.load_date), Number(r.n)]));
  const byDate = new Map(rows.map((r) => [String(r.load_date), r]));
  const loads = dates.map((date) => {
    const row = byDate.get(date);
    const counts = {
      received: Number(row?.received ?? 0),
      staged: Number(row?.staged ?? 0),
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
  for (const name of [TYPED, VIOLATIONS, RANKED, ...sql.arrayFields.map(elementsTable)]) {
    await exec(`DROP TABLE IF EXISTS ${q(name)}`);
  }
  return total;
}

/**
 * The lines of the violating CSV records stored without raw_text (their lines hold no quote, so
 * their fields joined by the delimiter are the line), in LINES: ingestion_id, record_position,
 * line. Only those records are read back from raw, and raw not at all when there are none.
 */
async function rebuildLines(session: Session, d: Dialect, raw: TableRef, dateList: string): Promise<void> {
  const q = (name: string) => d.quoteIdentifier(name);
  const needed = `SELECT DISTINCT v.load_date, t.ingestion_id, v.record_position
    FROM ${q(VIOLATIONS)} AS v JOIN ${q(TYPED)} AS t ON t.record_key = v.record_key
    WHERE t.record IS NULL AND t.raw_text IS NULL AND t.parse_error IS NULL`;
  const { rows } = await session.query(`SELECT count(*) AS n FROM (${needed}) AS needed`);
  const none = Number(rows[0]?.n ?? 0) === 0;
  await session.execute(`DROP TABLE IF EXISTS ${q(LINES)}`);
  await session.execute(
    `CREATE TEMPORARY TABLE ${q(LINES)} AS
     SELECT r.ingestion_id, r.record_position, ${d.lineFromColumns('r', 'f.line_columns', 'f.line_delimiter')} AS line
     FROM (${needed}) AS needed
       JOIN ${d.qualify(raw)} AS r ON r.load_date = needed.load_date AND r.ingestion_id = needed.ingestion_id
         AND r.record_position = needed.record_position
       JOIN audit.ingested_files AS f ON f.ingestion_id = r.ingestion_id AND f.run_id = r.run_id
     WHERE r.load_date IN (${dateList}) AND f.line_columns IS NOT NULL${none ? ' AND 1 = 0' : ''}`,
  );
}
