import { RAW_COLUMNS } from '../raw-columns.ts';
import type { RawLoadRequest, RawLoadResult, Session, SqlValue } from '../types.ts';
import {
  type CsvGrammar,
  csvFieldNames,
  csvGrammar,
  csvOptions,
  quotedLines,
  spanCandidates,
} from './csv-reader.ts';
import { duckdbDialect as d } from './dialect.ts';
import { dropTemporary, linesOf, tempPrefix } from './line-reader.ts';

/** CSV files read together, ahead of the transaction that appends them (see readCsvBatch). */
export interface CsvBatch {
  /** Appends the files read ahead, in one statement: their results, by index in the batch. */
  insert(session: Session): Promise<Map<number, RawLoadResult>>;
  dispose(): Promise<void>;
}

/**
 * Reads CSV files of one raw table, dialect and compression in one scan into a temporary table of
 * their lines, before the transaction that appends them: DuckDB scans a table made inside a
 * transaction on one thread, and one large append costs half as much as one append per file.
 *
 * A line's number is its row's place among the file's rows: a table made by a single statement
 * holds the rows in the order they were read (DuckDB preserves insertion order), and a multi-file
 * read yields the files in list order, each from its first line. The files read ahead are those
 * whose lines are each one record, as loadCsv's straight path requires (readable, not blank, no
 * quoted value spanning lines); the others are left to loadCsv, whose line-table path handles them.
 */
export async function readCsvBatch(requests: readonly RawLoadRequest[], session: Session): Promise<CsvBatch> {
  const first = requests[0];
  if (!first) return { insert: () => Promise.resolve(new Map()), dispose: () => Promise.resolve() };
  const csv = csvOptions(first);
  const g = csvGrammar(csv);
  const headerLines = csv.header ? 1 : 0;
  const prefix = tempPrefix();
  const lines = `${prefix}_batch_lines`;
  const files = `${prefix}_batch_files`;
  const made = [lines, files, prefix, `${prefix}_scan`];
  const dispose = () => dropTemporary(session, ...made);
  try {
    const names = await Promise.all(requests.map((request) => csvFieldNames(request)));
    const paths = `[${requests.map((r) => d.stringLiteral(r.path)).join(', ')}]`;
    const compression = first.compression === 'gzip' ? `, compression = 'gzip'` : '';
    await session.execute(
      `CREATE TEMPORARY TABLE ${lines} AS SELECT file_index, line FROM ${linesOf(compression, prefix, paths)}`,
    );
    await session.execute(
      `CREATE TEMPORARY TABLE ${files} AS
SELECT file_index, min(rowid) AS base, count(*) FILTER (WHERE line IS NULL) AS blank,
  count(*) FILTER (WHERE NOT ${g.plain('line')}) AS quoted
FROM ${lines} GROUP BY file_index`,
    );
    const irregular = await irregularFiles(session, g, lines, files, prefix);
    const direct = new Set(
      requests.map((_, i) => i).filter((i) => !irregular.has(i) && (names[i]?.length ?? 0) > 0),
    );
    const counts = await countRecords(session, g, lines, files, direct, headerLines);
    const insert = async (tx: Session) => {
      const results = new Map<number, RawLoadResult>();
      if (direct.size === 0) return results;
      const lineage = lineageRelation([...direct].map((i) => [i, requests[i] as RawLoadRequest]));
      await tx.execute(
        `INSERT INTO ${d.qualify(first.target)} (${RAW_COLUMNS.join(', ')})
SELECT m.ingestion_id, m.run_id, m.load_date, m.source_file, l.rowid - f.base + 1 - ${headerLines}, l.rowid - f.base + 1,
  m.ingested_at, NULL, l.line,
  ${g.lineError('l.line')}
FROM ${lines} AS l JOIN ${files} AS f ON f.file_index = l.file_index
  JOIN ${lineage.sql} AS m(file_index, ingestion_id, run_id, load_date, source_file, ingested_at) ON m.file_index = l.file_index
WHERE l.rowid - f.base >= ${headerLines}`,
        lineage.params,
      );
      for (const i of direct) {
        const count = counts.get(i) ?? { records: 0, malformed: 0 };
        results.set(i, { ...count, keys: names[i] });
      }
      return results;
    };
    return { insert, dispose };
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
}

/**
 * The files (by index) that cannot go straight in: a line the reader refused (its rows then miss
 * a line number), a blank line (which has no record number), or a quoted value that may span lines.
 */
async function irregularFiles(
  session: Session,
  g: CsvGrammar,
  lines: string,
  files: string,
  rejects: string,
): Promise<Set<number>> {
  const { rows } = await session.query(
    `SELECT DISTINCT file_id AS i FROM ${rejects}
     UNION SELECT file_index FROM ${files} WHERE blank > 0
     UNION SELECT file_index FROM (${spanCandidates(
       `(${quotedLines(
         g,
         `(SELECT l.file_index, l.rowid AS n, l.line, CAST(NULL AS VARCHAR) AS error
           FROM ${lines} AS l JOIN ${files} AS f ON f.file_index = l.file_index
           WHERE f.quoted > 0 AND NOT ${g.plain('l.line')})`,
         'file_index',
       )})`,
       'file_index',
     )}) AS candidates`,
  );
  return new Set(rows.map((r) => Number(r.i)));
}

/** Records and malformed records per file, as the straight insert will store them. */
async function countRecords(
  session: Session,
  g: CsvGrammar,
  lines: string,
  files: string,
  direct: Set<number>,
  headerLines: number,
): Promise<Map<number, { records: number; malformed: number }>> {
  if (direct.size === 0) return new Map();
  const { rows } = await session.query(
    `SELECT l.file_index AS i, count(*) AS records,
       count(*) FILTER (WHERE ${g.lineError('l.line')} IS NOT NULL) AS malformed
     FROM ${lines} AS l JOIN ${files} AS f ON f.file_index = l.file_index
     WHERE l.rowid - f.base >= ${headerLines} AND l.file_index IN (${[...direct].join(', ')})
     GROUP BY l.file_index`,
  );
  return new Map(
    rows.map((r) => [Number(r.i), { records: Number(r.records), malformed: Number(r.malformed) }]),
  );
}

/** Each file's lineage as VALUES (file_index, ingestion_id, run_id, load_date, source_file, ingested_at), its values as parameters. */
export function lineageRelation(files: [number, RawLoadRequest][]): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  const tuples = files.map(([i, { lineage }]) => {
    const at = params.length;
    params.push(lineage.ingestionId, lineage.runId, lineage.loadDate, lineage.sourceFile, lineage.ingestedAt);
    return `(${i}, $${at + 1}, $${at + 2}, CAST($${at + 3} AS DATE), $${at + 4}, CAST($${at + 5} AS TIMESTAMP))`;
  });
  return {
    sql: `(VALUES ${tuples.join(', ')})`,
    params,
  };
}
