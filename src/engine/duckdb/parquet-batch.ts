import { RAW_COLUMNS } from '../raw-columns.ts';
import type { RawLoadRequest, RawLoadResult, Session } from '../types.ts';
import { type CsvBatch, lineageRelation } from './csv-batch.ts';
import { duckdbDialect as d } from './dialect.ts';
import { dropTemporary, tempPrefix } from './line-reader.ts';

/** The columns a multi-file read adds to each row: a file holding one of its own is read alone. */
const ADDED = ['filename', 'file_row_number'];

/**
 * Reads Parquet files of one raw table that share their columns (names, types and order) in one
 * scan into a temporary table of their records, before the transaction that appends them — the
 * read-ahead of CSV and JSON (csv-batch.ts, json-batch.ts): one statement for the batch instead of
 * an insert and a DESCRIBE per file, and one append. Thirty daily files of 20 k rows cost 30
 * statements of a few tens of milliseconds each, mostly their fixed cost.
 *
 * A record is the JSON object of its row, keys in the file's column order (as loadRawDuckDb's
 * `to_json(t)` makes it), and its position the reader's row number in its file. The files' columns
 * are compared through parquet_schema (each element's name, type, repetition and children, in
 * schema order): files whose schemas differ are read in one scan per schema, and a file whose schema
 * cannot be read, or which has a column named as one the reader adds, is left to loadRawDuckDb
 * (as is every file of a group the reader fails on).
 */
export async function readParquetBatch(
  requests: readonly RawLoadRequest[],
  session: Session,
): Promise<{ batch: CsvBatch; members: number[] }[]> {
  const first = requests[0];
  if (!first || first.format !== 'parquet') return [];
  // A file is found in the read by its path: the same path twice would be one file.
  if (new Set(requests.map((r) => r.path)).size < requests.length) return [];
  let schemas: Map<string, number[]>;
  try {
    schemas = await schemaGroups(requests, session);
  } catch {
    return [];
  }
  const batches: { batch: CsvBatch; members: number[] }[] = [];
  for (const members of schemas.values()) {
    if (members.length < 2) continue;
    const batch = await readGroup(
      members.map((i) => requests[i] as RawLoadRequest),
      session,
    );
    if (batch) batches.push({ batch, members });
  }
  return batches;
}

/** The files by schema (in request order within each), from one read of their metadata. */
async function schemaGroups(
  requests: readonly RawLoadRequest[],
  session: Session,
): Promise<Map<string, number[]>> {
  const paths = `[${requests.map((r) => d.stringLiteral(r.path)).join(', ')}]`;
  const { rows } = await session.query(
    `SELECT file_name, list(concat_ws(' ', name, type, repetition_type, num_children, converted_type,
      scale, precision, logical_type, duckdb_type) ORDER BY column_id) AS schema
FROM parquet_schema(${paths}) GROUP BY file_name`,
  );
  const schemaOf = new Map(rows.map((r) => [String(r.file_name), JSON.stringify(r.schema)]));
  const groups = new Map<string, number[]>();
  requests.forEach((request, i) => {
    const schema = schemaOf.get(request.path);
    if (schema === undefined) return;
    groups.set(schema, [...(groups.get(schema) ?? []), i]);
  });
  return groups;
}

/** One group of files sharing a schema, read ahead; undefined when the reader fails on it. */
async function readGroup(requests: RawLoadRequest[], session: Session): Promise<CsvBatch | undefined> {
  const first = requests[0] as RawLoadRequest;
  const prefix = tempPrefix();
  const records = `${prefix}_batch_records`;
  const dispose = () => dropTemporary(session, records);
  const paths = `[${requests.map((r) => d.stringLiteral(r.path)).join(', ')}]`;
  let keys: string[];
  try {
    // A Parquet file states its columns: every record has them, so its schema is the layout.
    const described = await session.query(
      `DESCRIBE SELECT * FROM read_parquet(${d.stringLiteral(first.path)})`,
    );
    keys = described.rows.map((row) => String(row.column_name));
    if (keys.some((key) => ADDED.includes(key.toLowerCase()))) return undefined;
    // The object built by name, keys in the file's order: the same JSON as to_json of the row.
    const object = `{${keys.map((key) => `${d.stringLiteral(key)}: t.${d.quoteIdentifier(key)}`).join(', ')}}`;
    await session.execute(
      `CREATE TEMPORARY TABLE ${records} AS
SELECT list_position(${paths}, t.filename) - 1 AS file_index, t.file_row_number + 1 AS position, to_json(${object}) AS record
FROM read_parquet(${paths}, filename = true, file_row_number = true) AS t`,
    );
  } catch {
    await dispose().catch(() => undefined);
    return undefined;
  }
  try {
    const { rows } = await session.query(
      `SELECT file_index, count(*) AS n FROM ${records} GROUP BY file_index`,
    );
    const counts = new Map(rows.map((r) => [Number(r.file_index), Number(r.n)]));
    const insert = async (tx: Session) => {
      const lineage = lineageRelation(requests.map((request, i) => [i, request]));
      await tx.execute(
        `INSERT INTO ${d.qualify(first.target)} (${RAW_COLUMNS.join(', ')})
SELECT m.ingestion_id, m.run_id, m.load_date, m.source_file, r.position, NULL, m.ingested_at, r.record, NULL, NULL
FROM ${records} AS r
  JOIN ${lineage.sql} AS m(file_index, ingestion_id, run_id, load_date, source_file, ingested_at) ON m.file_index = r.file_index`,
        lineage.params,
      );
      // Every row of a Parquet file is a record that parsed.
      return new Map(
        requests.map((_, i): [number, RawLoadResult] => [
          i,
          { records: counts.get(i) ?? 0, malformed: 0, keys },
        ]),
      );
    };
    return { insert, dispose };
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
}
