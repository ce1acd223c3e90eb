import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataError, causeMessage } from '../../errors/strata-error.ts';
import { csvFieldNames, loadRawDuckDb, openScratchDuckDb, readerFor } from '../duckdb/file-reader.ts';
import { copyCsvLines } from './csv-copy.ts';
import { quoteIdentifier } from '../identifiers.ts';
import { RAW_COLUMNS } from '../raw-columns.ts';
import type {
  BulkLoadRequest,
  Dialect,
  Engine,
  RawLoadRequest,
  RawLoadResult,
  Session,
  TableRef,
} from '../types.ts';

/**
 * Bulk loading into PostgreSQL, never row by row: an in-memory-sized DuckDB reads the file with
 * the same readers the DuckDB engine uses (so a file lands in raw exactly as it would there: CSV,
 * JSON arrays, NDJSON, Parquet, gzip; malformed records with their text and reason), writes the
 * rows as a temporary CSV file, and that file's bytes are streamed into COPY ... FROM STDIN.
 */

function duckString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A session that can feed COPY ... FROM STDIN (the PostgreSQL adapter's own sessions). */
export interface CopySession extends Session {
  copyFrom(sql: string, source: NodeJS.ReadableStream): Promise<number>;
}

/**
 * One scratch DuckDB per PostgreSQL engine, opened on first use and removed on close: in memory
 * (a file-backed one writes every load twice, WAL and table, and took twice as long), spilling to
 * its own temporary folder when a file outgrows memory. Each load uses its own table and CSV file,
 * so loads of several sources can run at once.
 */
export class ScratchDuckDb {
  private opening: Promise<{ engine: Engine; dir: string }> | undefined;
  private counter = 0;

  async use<T>(fn: (duck: Session, table: TableRef, csvPath: string) => Promise<T>): Promise<T> {
    this.opening ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'strata-load-'));
      const engine = await openScratchDuckDb();
      await engine.execute(`SET temp_directory = ${duckString(dir)}`);
      return { engine, dir };
    })();
    const { engine, dir } = await this.opening;
    const name = `load_${++this.counter}`;
    const table = { schema: 'main', name };
    const csvPath = join(dir, `${name}.csv`);
    try {
      return await engine.withSession((duck) => fn(duck, table, csvPath));
    } finally {
      await engine.execute(`DROP TABLE IF EXISTS main.${quoteIdentifier(name)}`).catch(() => undefined);
      await rm(csvPath, { force: true });
    }
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (!opening) return;
    const { engine, dir } = await opening.catch(() => ({ engine: undefined, dir: undefined }));
    await engine?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The CSV dialect of the hand-over file. Every value is quoted, so only a NULL is an empty unquoted
 * field (and no line reads as COPY's end marker). The quote is U+0001 rather than '"': JSON records
 * are full of double quotes, which would all be doubled on the way out and undone on the way in,
 * while a control character only appears in a value when a file holds one (it is then doubled).
 */
const QUOTE = '\u0001';
const DUCKDB_CSV = `FORMAT csv, HEADER false, FORCE_QUOTE *, QUOTE ${duckString(QUOTE)}, ESCAPE ${duckString(QUOTE)}`;
const POSTGRES_CSV = `FORMAT csv, QUOTE E'\\x01', ESCAPE E'\\x01'`;

/** DuckDB writes the rows of a query as the hand-over file. */
function writeCsv(select: string, path: string): string {
  return `COPY (${select}) TO ${duckString(path)} (${DUCKDB_CSV})`;
}

/** PostgreSQL text cannot hold NUL characters: they become U+FFFD in raw text. */
const noNul = (column: string) => `replace(${column}, chr(0), '\uFFFD')`;

/** A JSON text holding an escaped NUL (\u0000 not itself escaped), which jsonb refuses. */
const ESCAPED_NUL = String.raw`(^|[^\\])(\\\\)*\\u0000`;

export async function loadRawPostgres(
  request: RawLoadRequest,
  session: CopySession,
  scratch: ScratchDuckDb,
  dialect: Dialect,
): Promise<RawLoadResult> {
  const names = request.format === 'csv' ? await csvFieldNames(request) : [];
  if (names.length > 0) {
    const direct = await copyCsvLines(request, session, dialect, { header: request.csv?.header ?? true });
    if (direct) return { ...direct, keys: names };
  }
  return scratch.use(async (duck, table, csvPath) => {
    const scratchTable = `main.${quoteIdentifier(table.name)}`;
    await duck.execute(`CREATE TABLE ${scratchTable} (
  ingestion_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL, load_date DATE NOT NULL, source_file VARCHAR NOT NULL,
  record_position BIGINT, source_line BIGINT, ingested_at TIMESTAMP NOT NULL, record JSON, raw_text VARCHAR,
  parse_error VARCHAR)`);
    const result = await loadRawDuckDb({ ...request, target: table }, duck);
    // A record jsonb cannot hold is kept as text, malformed, rather than failing its whole file.
    const unstorable = await duck.execute(
      `UPDATE ${scratchTable} SET raw_text = CAST(record AS VARCHAR), record = NULL,
         parse_error = 'the record holds an escaped NUL character (\\u0000), which PostgreSQL cannot store'
       WHERE record IS NOT NULL AND contains(CAST(record AS VARCHAR), '\\u0000')
         AND regexp_matches(CAST(record AS VARCHAR), ${duckString(ESCAPED_NUL)})`,
    );
    // One look at raw_text and parse_error tells whether any text needs the replacement.
    const text = (column: string) => `CASE WHEN nul.found THEN ${noNul(column)} ELSE ${column} END`;
    await duck.execute(
      writeCsv(
        `WITH nul AS (
           SELECT count(*) > 0 AS found FROM ${scratchTable} WHERE contains(raw_text, chr(0)) OR contains(parse_error, chr(0)))
         SELECT ingestion_id, run_id, load_date, source_file, record_position, source_line, ingested_at,
           CAST(record AS VARCHAR), ${['raw_text', 'parse_error'].map(text).join(', ')}
         FROM ${scratchTable} CROSS JOIN nul`,
        csvPath,
      ),
    );
    const copy = `COPY ${dialect.qualify(request.target)} (${RAW_COLUMNS.join(', ')}) FROM STDIN (${POSTGRES_CSV})`;
    try {
      await session.copyFrom(copy, createReadStream(csvPath));
    } catch (error) {
      throw new StrataError(
        'FILE_UNREADABLE',
        `${request.lineage.sourceFile} could not be copied into PostgreSQL: ${causeMessage(error)}`,
        {
          file: request.lineage.sourceFile,
          sql: copy,
          cause: error,
          hint: 'A record holds a value PostgreSQL cannot store (e.g. an invalid JSON escape); its records were not loaded.',
        },
      );
    }
    return { ...result, malformed: result.malformed + unstorable.rowsAffected };
  });
}

/** PostgreSQL column types for the types DuckDB's CSV reader infers; anything else travels as text. */
function postgresType(duckType: string): { type: string; asText: boolean } {
  const t = duckType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return { type: `NUMERIC(${decimal[1]}, ${decimal[2]})`, asText: false };
  const direct: Record<string, string> = {
    BOOLEAN: 'BOOLEAN',
    TINYINT: 'SMALLINT',
    SMALLINT: 'SMALLINT',
    INTEGER: 'INTEGER',
    BIGINT: 'BIGINT',
    UTINYINT: 'SMALLINT',
    USMALLINT: 'INTEGER',
    UINTEGER: 'BIGINT',
    UBIGINT: 'NUMERIC(20, 0)',
    HUGEINT: 'NUMERIC(38, 0)',
    FLOAT: 'REAL',
    DOUBLE: 'DOUBLE PRECISION',
    DATE: 'DATE',
    TIME: 'TIME',
    TIMESTAMP: 'TIMESTAMP',
    TIMESTAMP_S: 'TIMESTAMP',
    TIMESTAMP_MS: 'TIMESTAMP',
    TIMESTAMP_NS: 'TIMESTAMP',
    'TIMESTAMP WITH TIME ZONE': 'TIMESTAMPTZ',
    UUID: 'UUID',
    JSON: 'JSONB',
    VARCHAR: 'TEXT',
  };
  const type = direct[t];
  return type ? { type, asText: false } : { type: 'TEXT', asText: true };
}

/** A sibling name for building a table before swapping it in (at most 63 characters). */
function stagedName(name: string): string {
  const suffix = '__strata_load';
  return name.length + suffix.length <= 63
    ? `${name}${suffix}`
    : `${name.slice(0, 63 - suffix.length)}${suffix}`;
}

export async function bulkLoadPostgres(
  request: BulkLoadRequest,
  session: CopySession,
  scratch: ScratchDuckDb,
  dialect: Dialect,
): Promise<{ rows: number }> {
  return scratch.use(async (duck, _table, csvPath) => {
    const reader = readerFor(request, duckString(request.path));
    const { rows } = await duck.query(`DESCRIBE SELECT * FROM ${reader}`);
    const columns = rows.map((r) => {
      const name = String(r.column_name);
      return { name, quoted: dialect.quoteIdentifier(name), ...postgresType(String(r.column_type)) };
    });
    await duck.execute(
      writeCsv(
        `SELECT ${columns.map((c) => (c.asText ? `CAST(${c.quoted} AS VARCHAR) AS ${c.quoted}` : c.quoted)).join(', ')} FROM ${reader}`,
        csvPath,
      ),
    );
    const columnList = columns.map((c) => c.quoted).join(', ');
    const copyInto = (target: TableRef) =>
      session.copyFrom(
        `COPY ${dialect.qualify(target)} (${columnList}) FROM STDIN (${POSTGRES_CSV})`,
        createReadStream(csvPath),
      );
    if (request.mode === 'append') return { rows: await copyInto(request.target) };
    const staged = { schema: request.target.schema, name: stagedName(request.target.name) };
    return session.transaction(async (tx) => {
      await tx.execute(`DROP TABLE IF EXISTS ${dialect.qualify(staged)}`);
      await tx.execute(
        `CREATE TABLE ${dialect.qualify(staged)} (${columns.map((c) => `${c.quoted} ${c.type}`).join(', ')})`,
      );
      const loaded = await copyInto(staged);
      for (const sql of dialect.swapTable(staged, request.target)) await tx.execute(sql);
      return { rows: loaded };
    });
  });
}
