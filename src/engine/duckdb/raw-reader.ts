import { open } from 'node:fs/promises';
import { StrataError, causeMessage } from '../../errors/strata-error.ts';
import type { RawLoadRequest, Session } from '../types.ts';
import { duckdbDialect as d } from './dialect.ts';

/** A byte that valid JSON text never holds unescaped, so splitting on it keeps every line whole. */
const RECORD_SEPARATOR = '\u001e';
/** Lines up to this size load; a longer one is quarantined rather than failing its file. */
const MAX_LINE_BYTES = 128 * 1024 * 1024;
let rejectsCounter = 0;

/**
 * Appends one file to a raw table, as received: NDJSON and CSV line by line (a bad line becomes a
 * malformed raw row with its text and reason; the rest of the file goes on), JSON arrays and
 * Parquet record by record. Positions are 1-based record numbers in the file.
 */
export async function loadRawDuckDb(
  request: RawLoadRequest,
  session: Session,
): Promise<{ records: number; malformed: number }> {
  const { lineage } = request;
  const target = d.qualify(request.target);
  const params = [
    lineage.ingestionId,
    lineage.runId,
    lineage.loadDate,
    lineage.sourceFile,
    lineage.ingestedAt,
    request.path,
  ];
  const lineageColumns = `$1 AS ingestion_id, $2 AS run_id, CAST($3 AS DATE) AS load_date, $4 AS source_file`;
  const insert = `INSERT INTO ${target} (ingestion_id, run_id, load_date, source_file, record_position, source_line, ingested_at, record, raw_text, parse_error)`;
  // Only gzip is named: the readers spell "uncompressed" differently, and their default is right.
  const compression = request.compression === 'gzip' ? `, compression = 'gzip'` : '';
  const objectCheck = (json: string) =>
    `CASE WHEN json_type(${json}) = 'OBJECT' THEN NULL ELSE 'the record is JSON but not an object' END`;

  try {
    switch (request.format) {
      case 'ndjson':
        await loadNdjson(request, session, insert, lineageColumns, params.slice(0, 5), compression);
        break;
      case 'json': {
        await session.execute(
          `${insert}
SELECT ${lineageColumns}, row_number() OVER () AS record_position, NULL, CAST($5 AS TIMESTAMP),
  CASE WHEN json_type(json) = 'OBJECT' THEN json END,
  CASE WHEN json_type(json) = 'OBJECT' THEN NULL ELSE CAST(json AS VARCHAR) END,
  ${objectCheck('json')}
FROM read_json_objects($6, format = 'array'${compression})`,
          params,
        );
        break;
      }
      case 'parquet': {
        await session.execute(
          `${insert}
SELECT ${lineageColumns}, row_number() OVER () AS record_position, NULL, CAST($5 AS TIMESTAMP),
  to_json(t), NULL, NULL
FROM read_parquet($6) AS t`,
          params,
        );
        break;
      }
      case 'csv':
        await loadCsv(request, session, insert, lineageColumns, params.slice(0, 5), compression);
        break;
    }
  } catch (error) {
    if (error instanceof StrataError && error.code === 'SOURCE_COLUMN_MISSING') throw error;
    throw new StrataError(
      'FILE_UNREADABLE',
      `${lineage.sourceFile} cannot be read as ${request.format}: ${causeMessage(error)}`,
      {
        file: lineage.sourceFile,
        cause: error,
        hint:
          request.format === 'json'
            ? 'A JSON array cannot be read past a syntax error; fix or re-export the file. Its records were not loaded.'
            : 'Check the file’s format and compression; its records were not loaded.',
      },
    );
  }
  const { rows } = await session.query(
    `SELECT count(*) AS records, count(*) FILTER (WHERE record IS NULL) AS malformed FROM ${target} WHERE ingestion_id = $1`,
    [lineage.ingestionId],
  );
  return { records: Number(rows[0]?.records ?? 0), malformed: Number(rows[0]?.malformed ?? 0) };
}

async function loadCsv(
  request: RawLoadRequest,
  session: Session,
  insert: string,
  lineageColumns: string,
  lineageParams: string[],
  compression: string,
): Promise<void> {
  const csv = request.csv ?? { delimiter: ',', quote: '"', escape: '"', header: true };
  for (const option of [csv.delimiter, csv.quote, csv.escape]) {
    if (option.includes("'") || option.length > 1) {
      throw new StrataError(
        'SOURCE_INVALID',
        `CSV option ${JSON.stringify(option)} must be one character other than '`,
      );
    }
  }
  const header = await readHeader(request.path, request.compression, csv.delimiter, csv.quote);
  if (header.length === 0) return; // an empty file holds no records
  const names = uniqueNames(csv.header ? header : header.map((_, i) => `column${i + 1}`));
  const columns = `{${names.map((n) => `${d.stringLiteral(n)}: 'VARCHAR'`).join(', ')}}`;
  const rejects = `strata_rejects_${process.pid}_${++rejectsCounter}`;
  const reader = `read_csv($1, columns = ${columns}, header = ${csv.header}, auto_detect = false,
    delim = ${d.stringLiteral(csv.delimiter)}, quote = ${d.stringLiteral(csv.quote)}, escape = ${d.stringLiteral(csv.escape)}${compression},
    max_line_size = ${MAX_LINE_BYTES},
    store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')`;
  const good = `${rejects}_good`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${good} AS
SELECT row_number() OVER () AS n, to_json(t) AS record, NULL AS raw_text, NULL AS parse_error FROM ${reader} AS t`,
    [request.path],
  );
  await insertNumbered(session, insert, lineageColumns, lineageParams, good, rejects, csv.header ? 1 : 0);
  await dropTemporary(session, good, rejects, `${rejects}_scan`);
}

/** NDJSON, line by line: a line that is not a JSON object, or not valid UTF-8, is one malformed record. */
async function loadNdjson(
  request: RawLoadRequest,
  session: Session,
  insert: string,
  lineageColumns: string,
  lineageParams: string[],
  compression: string,
): Promise<void> {
  const rejects = `strata_rejects_${process.pid}_${++rejectsCounter}`;
  const good = `${rejects}_good`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${good} AS
SELECT row_number() OVER () AS n,
  CASE WHEN json_type(j) = 'OBJECT' THEN j END AS record,
  CASE WHEN json_type(j) = 'OBJECT' THEN NULL ELSE line END AS raw_text,
  CASE WHEN j IS NULL THEN 'the line is not valid JSON'
       WHEN json_type(j) <> 'OBJECT' THEN 'the line is JSON but not an object' END AS parse_error
FROM (
  SELECT line, TRY_CAST(line AS JSON) AS j
  FROM read_csv($1, columns = {'line': 'VARCHAR'}, header = false, delim = '${RECORD_SEPARATOR}', quote = '', escape = '',
                auto_detect = false, strict_mode = false, max_line_size = ${MAX_LINE_BYTES}${compression},
                store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')
  WHERE line IS NOT NULL AND trim(line) <> ''
) AS lines`,
    [request.path],
  );
  await insertNumbered(session, insert, lineageColumns, lineageParams, good, rejects, 0);
  await dropTemporary(session, good, rejects, `${rejects}_scan`);
}

/**
 * Appends the parsed rows (`good`: n, record, raw_text, parse_error) and the reader's rejected
 * lines to the raw table so that every row carries its record number in the file: a rejected line
 * keeps its own (line minus header lines), and the parsed rows fill the numbers in between, in
 * file order.
 */
async function insertNumbered(
  session: Session,
  insert: string,
  lineageColumns: string,
  lineageParams: string[],
  good: string,
  rejects: string,
  headerLines: number,
): Promise<void> {
  const bad = `${rejects}_bad`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${bad} AS
SELECT line, line - ${headerLines} AS position, first(csv_line) AS raw_text,
  string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS parse_error
FROM ${rejects} GROUP BY line`,
  );
  await session.execute(
    `${insert}
SELECT ${lineageColumns}, slot.position, NULL, CAST($5 AS TIMESTAMP), g.record, g.raw_text, g.parse_error
FROM ${good} AS g
JOIN (
  SELECT range AS position, row_number() OVER (ORDER BY range) AS n
  FROM range(1, (SELECT count(*) FROM ${good}) + (SELECT count(*) FROM ${bad}) + 1)
  WHERE range NOT IN (SELECT position FROM ${bad})
) AS slot ON slot.n = g.n`,
    lineageParams,
  );
  await session.execute(
    `${insert}
SELECT ${lineageColumns}, position, line, CAST($5 AS TIMESTAMP), NULL, raw_text, parse_error FROM ${bad}`,
    lineageParams,
  );
  await dropTemporary(session, bad);
}

async function dropTemporary(session: Session, ...tables: string[]): Promise<void> {
  for (const table of tables) await session.execute(`DROP TABLE IF EXISTS ${table}`);
}

/** The header line's fields: read from the first bytes of the file (decompressed if needed). */
async function readHeader(
  path: string,
  compression: 'none' | 'gzip',
  delimiter: string,
  quote: string,
): Promise<string[]> {
  const bytes = await readStart(path, compression);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (line.trim() === '') return [];
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quoted) {
      if (char === quote && line[i + 1] === quote) {
        current += quote;
        i++;
      } else if (char === quote) quoted = false;
      else current += char;
    } else if (char === quote) quoted = true;
    else if (char === delimiter) {
      fields.push(current.trim());
      current = '';
    } else current += char;
  }
  fields.push(current.trim());
  return fields;
}

async function readStart(path: string, compression: 'none' | 'gzip'): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(65_536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const start = buffer.subarray(0, bytesRead);
    if (compression === 'none' || bytesRead === 0) return start;
    const { createGunzip } = await import('node:zlib');
    return await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const gunzip = createGunzip();
      gunzip.on('data', (chunk: Buffer) => chunks.push(chunk));
      // The start of a stream is all a header needs; a truncated-input error is expected here.
      gunzip.on('error', () => resolve(Buffer.concat(chunks)));
      gunzip.on('end', () => resolve(Buffer.concat(chunks)));
      gunzip.end(start);
    });
  } finally {
    await handle.close();
  }
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw === '' ? `column${i + 1}` : raw;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}_${count + 1}`;
  });
}
