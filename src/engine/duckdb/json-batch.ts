import { RAW_COLUMNS } from '../raw-columns.ts';
import type { RawLoadRequest, RawLoadResult, Session } from '../types.ts';
import { type CsvBatch, lineageRelation } from './csv-batch.ts';
import { duckdbDialect as d } from './dialect.ts';
import { blankLine, dropTemporary, linesOf, tempPrefix } from './line-reader.ts';

/**
 * Reads JSON-array or NDJSON files of one raw table and compression in one scan into a temporary
 * table of their records, before the transaction that appends them — the same read-ahead as CSV
 * (csv-batch.ts): one statement for the batch instead of several per file, and one append.
 *
 * A record's number is its row's place among its file's rows (rowid less the file's first rowid):
 * a table made by one statement holds the rows in the order they were read, and a multi-file read
 * yields the files in list order, each from its first record. The keys each file's records carry
 * and its counts are found for the whole batch in one query each.
 *
 * NDJSON files with a blank line or a line the reader refused are left to loadRawDuckDb (their
 * records are numbered around the gaps there), as is every file of a JSON-array batch the reader
 * cannot read whole (a truncated array: the read fails, and each file is then read on its own,
 * where the bad one fails alone).
 */
export async function readJsonBatch(
  requests: readonly RawLoadRequest[],
  session: Session,
): Promise<CsvBatch | undefined> {
  const first = requests[0];
  if (!first || (first.format !== 'json' && first.format !== 'ndjson')) return undefined;
  const prefix = tempPrefix();
  const records = `${prefix}_batch_records`;
  const files = `${prefix}_batch_files`;
  const keys = `${prefix}_batch_keys`;
  const made = [records, files, keys, prefix, `${prefix}_scan`];
  const dispose = () => dropTemporary(session, ...made);
  const paths = `[${requests.map((r) => d.stringLiteral(r.path)).join(', ')}]`;
  const compression = first.compression === 'gzip' ? `, compression = 'gzip'` : '';
  try {
    // Each record's JSON type is found once here: every JSON function parses the text again. An
    // object is known by its brace without a parse (Dialect.jsonTypeOf), and almost every record is one.
    // A line's text is kept only where it did not parse (blank lines among them): the cast keeps a
    // line that parses as it is, so `j` is its text, and holding every line twice cost customers'
    // 92 k lines a third of this read.
    const read =
      first.format === 'json'
        ? `SELECT file_index, json AS j, CAST(NULL AS VARCHAR) AS text FROM read_json_objects(${paths}, format = 'array'${compression})`
        : `SELECT file_index, j, CASE WHEN j IS NULL THEN line END AS text
FROM (SELECT file_index, line, TRY_CAST(line AS JSON) AS j FROM ${linesOf(compression, prefix, paths)}) AS l`;
    await session.execute(
      `CREATE TEMPORARY TABLE ${records} AS SELECT file_index, j, ${d.jsonTypeOf('j')} AS type, text
FROM (${read}) AS r`,
    );
  } catch {
    // A file the reader cannot take (a truncated array): every file of the batch goes on its own.
    await dispose().catch(() => undefined);
    return undefined;
  }
  try {
    await session.execute(
      `CREATE TEMPORARY TABLE ${files} AS
SELECT file_index, min(rowid) AS base, count(*) AS records,
  count(*) FILTER (WHERE type IS DISTINCT FROM 'OBJECT') AS malformed,
  count(*) FILTER (WHERE ${first.format === 'ndjson' ? `j IS NULL AND ${blankLine('text')}` : 'FALSE'}) AS blank
FROM ${records} GROUP BY file_index`,
    );
    const irregular = new Set<number>();
    if (first.format === 'ndjson') {
      const { rows } = await session.query(
        `SELECT DISTINCT file_id AS i FROM ${prefix} UNION SELECT file_index FROM ${files} WHERE blank > 0`,
      );
      for (const r of rows) irregular.add(Number(r.i));
    }
    const { rows: counted } = await session.query(`SELECT file_index, records, malformed FROM ${files}`);
    const counts = new Map(counted.map((r) => [Number(r.file_index), r]));
    await session.execute(
      `CREATE TEMPORARY TABLE ${keys} AS
SELECT file_index, list(DISTINCT key ORDER BY key) AS keys
FROM (SELECT file_index, unnest(json_keys(j)) AS key FROM ${records} WHERE type = 'OBJECT') AS k
GROUP BY file_index`,
    );
    const { rows: keyRows } = await session.query(`SELECT file_index, keys FROM ${keys}`);
    const keysOf = new Map(keyRows.map((r) => [Number(r.file_index), r.keys as string[]]));
    const direct = requests.map((_, i) => i).filter((i) => !irregular.has(i));
    const object = `type = 'OBJECT'`;
    const insert = async (tx: Session) => {
      const results = new Map<number, RawLoadResult>();
      if (direct.length === 0) return results;
      const lineage = lineageRelation(direct.map((i) => [i, requests[i] as RawLoadRequest]));
      await tx.execute(
        `INSERT INTO ${d.qualify(first.target)} (${RAW_COLUMNS.join(', ')})
SELECT m.ingestion_id, m.run_id, m.load_date, m.source_file, r.rowid - f.base + 1, NULL, m.ingested_at,
  CASE WHEN ${object} THEN j END,
  CASE WHEN ${object} THEN NULL ELSE coalesce(text, CAST(j AS VARCHAR)) END,
  CASE WHEN j IS NULL THEN 'the line is not valid JSON'
       WHEN type <> 'OBJECT' THEN ${d.stringLiteral(first.format === 'json' ? 'the record is JSON but not an object' : 'the line is JSON but not an object')} END
FROM ${records} AS r JOIN ${files} AS f ON f.file_index = r.file_index
  JOIN ${lineage.sql} AS m(file_index, ingestion_id, run_id, load_date, source_file, ingested_at) ON m.file_index = r.file_index`,
        lineage.params,
      );
      for (const i of direct) {
        const count = counts.get(i);
        results.set(i, {
          records: Number(count?.records ?? 0),
          malformed: Number(count?.malformed ?? 0),
          keys: keysOf.get(i) ?? [],
        });
      }
      return results;
    };
    return { insert, dispose };
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
}
