import { open } from 'node:fs/promises';
import { StrataError, causeMessage } from '../../errors/strata-error.ts';
import type { RawLoadRequest, RawLoadResult, Session } from '../types.ts';
import { duckdbDialect as d } from './dialect.ts';

/** A byte that valid JSON text never holds unescaped, so splitting on it keeps every line whole. */
const RECORD_SEPARATOR = '\u001e';
/** Lines up to this size load; a longer one is quarantined rather than failing its file. */
const MAX_LINE_BYTES = 128 * 1024 * 1024;
// buffer_size is set with max_line_size because DuckDB otherwise sizes its read buffer at 16× the
// line limit (2 GiB), which fails under any memory_limit below that.
let rejectsCounter = 0;

/**
 * Appends one file to a raw table, as received: NDJSON and CSV line by line (a bad line becomes a
 * malformed raw row with its text and reason; the rest of the file goes on), JSON arrays and
 * Parquet record by record. Positions are 1-based record numbers in the file.
 */
export async function loadRawDuckDb(request: RawLoadRequest, session: Session): Promise<RawLoadResult> {
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

  let keys: string[] | undefined;
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
        keys = await loadCsv(request, session, insert, lineageColumns, params.slice(0, 5), compression);
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
    `SELECT count(*) AS records, count(*) FILTER (WHERE record IS NULL) AS malformed FROM ${target}
     WHERE load_date = CAST($2 AS DATE) AND ingestion_id = $1`,
    // The load date first: raw is appended in date order, so its zone maps skip the other dates.
    [lineage.ingestionId, lineage.loadDate],
  );
  return { records: Number(rows[0]?.records ?? 0), malformed: Number(rows[0]?.malformed ?? 0), keys };
}

async function loadCsv(
  request: RawLoadRequest,
  session: Session,
  insert: string,
  lineageColumns: string,
  lineageParams: string[],
  compression: string,
): Promise<string[]> {
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
  if (header.length === 0) return []; // an empty file holds no records
  const names = uniqueNames(csv.header ? header : header.map((_, i) => `column${i + 1}`));
  const columns = `{${names.map((n) => `${d.stringLiteral(n)}: 'VARCHAR'`).join(', ')}}`;
  const rejects = `strata_rejects_${process.pid}_${++rejectsCounter}`;
  const reader = `read_csv($1, columns = ${columns}, header = ${csv.header}, auto_detect = false,
    delim = ${d.stringLiteral(csv.delimiter)}, quote = ${d.stringLiteral(csv.quote)}, escape = ${d.stringLiteral(csv.escape)}${compression},
    max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${MAX_LINE_BYTES},
    store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')`;
  const good = `${rejects}_good`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${good} AS
SELECT row_number() OVER () AS n, to_json(t) AS record, NULL AS raw_text, NULL AS parse_error FROM ${reader} AS t`,
    [request.path],
  );
  const headerLines = csv.header ? 1 : 0;
  const bad = await rejectedLines(session, rejects, headerLines);
  const recovered = await splitSpanningRejects(
    session,
    request,
    csv,
    names,
    good,
    bad,
    headerLines,
    compression,
  );
  await insertNumbered(session, insert, lineageColumns, lineageParams, good, bad, recovered);
  await dropTemporary(session, good, bad, recovered, rejects, `${rejects}_scan`);
  return names;
}

/**
 * A stray quote makes the reader take every line up to the next quote as one value, and the whole
 * span is rejected as one record (an UNQUOTED VALUE error): one bad quote would cost every record
 * until the next quote, unseen — and the reader counts such a span as one line, so the lines it
 * reports for later rejects fall short. Each rejected record is therefore placed on its physical
 * line, and a span with a stray quote is split back into its lines, each judged on its own: the
 * line with the stray quote is malformed, the others are parsed in SQL with the same delimiter,
 * quote and escape. Records that parse are never split, so quoted values holding line breaks still
 * load. The result is used only when it accounts for every non-blank line of the file (and each
 * rejected record is found on its line); otherwise the reader's own result stands. Returns the
 * table of recovered rows (line, position, record); `bad` is updated in place.
 */
async function splitSpanningRejects(
  session: Session,
  request: RawLoadRequest,
  csv: { delimiter: string; quote: string; escape: string },
  names: string[],
  good: string,
  bad: string,
  headerLines: number,
  compression: string,
): Promise<string> {
  const recovered = `${bad}_recovered`;
  await session.execute(`CREATE TEMPORARY TABLE ${recovered} (line BIGINT, position BIGINT, record JSON)`);
  const strayQuote = `parse_error LIKE '%UNQUOTED VALUE:%'`;
  const { rows: stray } = await session.query(`SELECT count(*) AS n FROM ${bad} WHERE ${strayQuote}`);
  if (Number(stray[0]?.n ?? 0) === 0) return recovered;

  const lit = d.stringLiteral;
  const rx = (char: string) => char.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
  const [D, Q, E] = [rx(csv.delimiter), rx(csv.quote), rx(csv.escape)];
  const same = csv.escape === csv.quote;
  // The reader's rules: inside quotes an escaped quote does not close; a quote opens a value only
  // at its start; an unquoted value may hold quotes.
  const inside = same ? `(?:[^${Q}]|${Q}${Q})*` : `(?:[^${Q}${E}]|${E}.)*`;
  const value = `(?:${Q}${inside}${Q}|[^${D}${Q}][^${D}]*)?`;
  const matches = (pattern: string) => `regexp_full_match(line, ${lit(pattern)})`;
  const unquote = same
    ? `replace(substring(v, 2, length(v) - 2), ${lit(csv.quote + csv.quote)}, ${lit(csv.quote)})`
    : `regexp_replace(substring(v, 2, length(v) - 2), ${lit(`${E}(.)`)}, '\\1', 'g')`;
  // Empty values, quoted or not, are null: what the reader gives.
  const fieldValue = `CASE WHEN starts_with(v, ${lit(csv.quote)}) THEN nullif(${unquote}, '') ELSE nullif(v, '') END`;
  // Almost every line holds neither quote nor escape: for those the patterns below reduce to
  // "opens nothing, stays as it was, splits on the delimiter", so the regular expressions (the
  // bulk of this recovery's cost) run only on the few lines that need them.
  const plain = `(strpos(line, ${lit(csv.quote)}) = 0${same ? '' : ` AND strpos(line, ${lit(csv.escape)}) = 0`})`;

  const lines = `${bad}_lines`;
  const spans = `${bad}_spans`;
  const split = `${bad}_split`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${lines} AS
SELECT n, line, blank, opens,
  sum(CASE WHEN blank THEN 0 ELSE 1 END) OVER (ORDER BY n ROWS UNBOUNDED PRECEDING) - ${headerLines} AS position,
  -- where a value this line opens is closed: the next line that leaves the quotes (or the last line)
  coalesce(min(CASE WHEN NOT stays_quoted THEN n END) OVER (ORDER BY n ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
           max(n) OVER ()) AS closes
FROM (
  SELECT n, line, blank,
    -- outside quotes at its start, inside at its end: the line opens a value it does not close
    CASE WHEN ${plain} THEN false ELSE ${matches(`(?:${value}${D})*${Q}${inside}`)} END AS opens,
    -- inside quotes at its start and at its end
    CASE WHEN ${plain} THEN true
         ELSE ${matches(inside)} OR ${matches(`${inside}${Q}${D}(?:${value}${D})*${Q}${inside}`)} END AS stays_quoted
  FROM (
    SELECT n, rtrim(coalesce(line, ''), chr(13)) AS line, rtrim(coalesce(line, ''), chr(13)) = '' AS blank
    FROM (SELECT row_number() OVER () AS n, line
          FROM read_csv($1, columns = {'line': 'VARCHAR'}, header = false, delim = '${RECORD_SEPARATOR}', quote = '', escape = '',
                        auto_detect = false, strict_mode = false, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${MAX_LINE_BYTES}${compression}))
  )
)`,
    [request.path],
  );
  // The reader counts a span as one line: each rejected record's physical line is its reported
  // line plus the lines swallowed by the spans before it. (One row per rejected record.)
  const { rows: rejected } = await session.query(
    `SELECT b.line AS reported, ${strayQuote} AS stray FROM ${bad} AS b ORDER BY b.line`,
  );
  const { rows: openers } = await session.query(`SELECT n, closes FROM ${lines} WHERE opens`);
  const closes = new Map(openers.map((o) => [Number(o.n), Number(o.closes)]));
  const placed: string[] = [];
  let swallowed = 0;
  for (const reject of rejected) {
    const first = Number(reject.reported) + swallowed;
    const last = reject.stray === true ? (closes.get(first) ?? first) : first;
    placed.push(`(${Number(reject.reported)}, ${first}, ${last})`);
    swallowed += last - first;
  }
  await session.execute(
    `CREATE TEMPORARY TABLE ${spans} AS SELECT * FROM (VALUES ${placed.join(', ')}) AS s(reported, first_line, last_line)`,
  );
  await session.execute(
    `CREATE TEMPORARY TABLE ${split} AS
SELECT l.n AS line, l.position, l.line AS raw_text, l.n = s.first_line AS opening,
  CASE WHEN ${plain} THEN list_transform(string_split(l.line, ${lit(csv.delimiter)}), v -> nullif(v, ''))
       ELSE list_transform(regexp_extract_all(l.line || ${lit(csv.delimiter)}, ${lit(`(${value})${D}`)}, 1), v -> ${fieldValue}) END AS values,
  CASE WHEN ${plain} THEN true ELSE ${matches(`${value}(?:${D}${value})*`)} END AS parses
FROM ${lines} AS l JOIN ${spans} AS s ON l.n BETWEEN s.first_line AND s.last_line
WHERE s.last_line > s.first_line AND NOT l.blank`,
  );
  const { rows: check } = await session.query(
    `SELECT
  (SELECT count(*) FROM ${lines} WHERE n > ${headerLines} AND NOT blank) AS lines,
  (SELECT count(*) FROM ${good}) + (SELECT count(*) FROM ${spans} WHERE last_line = first_line)
    + (SELECT count(*) FROM ${split}) AS accounted,
  -- each rejected record starts with the text of the line it is placed on
  (SELECT count(*) FROM ${bad} AS b JOIN ${spans} AS s ON s.reported = b.line JOIN ${lines} AS l ON l.n = s.first_line
   WHERE NOT starts_with(l.line, rtrim(split_part(ltrim(b.raw_text, chr(10)), chr(10), 1), chr(13)))) AS misplaced`,
  );
  const verified =
    Number(check[0]?.lines) === Number(check[0]?.accounted) && Number(check[0]?.misplaced) === 0;
  if (verified) {
    const object = names.map((name, i) => `${lit(name)}, values[${i + 1}]`).join(', ');
    const valid = `NOT opening AND parses AND len(values) = ${names.length}`;
    await session.execute(
      `INSERT INTO ${recovered} SELECT line, position, json_object(${object}) FROM ${split} WHERE ${valid}`,
    );
    await session.execute(
      `DELETE FROM ${bad} WHERE line IN (SELECT reported FROM ${spans} WHERE last_line > first_line)`,
    );
    await session.execute(
      `UPDATE ${bad} SET line = s.first_line, position = l.position
FROM ${spans} AS s JOIN ${lines} AS l ON l.n = s.first_line WHERE s.reported = ${bad}.line`,
    );
    await session.execute(
      `INSERT INTO ${bad}
SELECT line, position, raw_text,
  CASE WHEN opening OR NOT parses
       THEN 'UNQUOTED VALUE: a quoted value does not close on its line (the line was read on its own)'
       ELSE 'COLUMN COUNT: expected ${names.length} columns, found ' || len(values) || ' (the line was read on its own)' END
FROM ${split} WHERE NOT (${valid})`,
    );
  }
  await dropTemporary(session, lines, spans, split);
  return recovered;
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
                auto_detect = false, strict_mode = false, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${MAX_LINE_BYTES}${compression},
                store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')
  WHERE line IS NOT NULL AND trim(line) <> ''
) AS lines`,
    [request.path],
  );
  const bad = await rejectedLines(session, rejects, 0);
  await insertNumbered(session, insert, lineageColumns, lineageParams, good, bad);
  await dropTemporary(session, good, bad, rejects, `${rejects}_scan`);
}

/** The reader's rejected lines, one row per line: line, position (line minus header lines), raw_text, parse_error. */
async function rejectedLines(session: Session, rejects: string, headerLines: number): Promise<string> {
  const bad = `${rejects}_bad`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${bad} AS
SELECT line, line - ${headerLines} AS position, first(csv_line) AS raw_text,
  string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS parse_error
FROM ${rejects} GROUP BY line`,
  );
  return bad;
}

/**
 * Appends the parsed rows (`good`: n, record, raw_text, parse_error), the rejected lines (`bad`:
 * line, position, raw_text, parse_error) and rows recovered from rejected spans (`recovered`: line,
 * position, record) to the raw table so that every row carries its record number in the file:
 * rejected and recovered rows keep their own, and the parsed rows fill the numbers in between, in
 * file order.
 */
async function insertNumbered(
  session: Session,
  insert: string,
  lineageColumns: string,
  lineageParams: string[],
  good: string,
  bad: string,
  recovered?: string,
): Promise<void> {
  const placed = recovered
    ? `(SELECT position FROM ${bad} UNION ALL SELECT position FROM ${recovered})`
    : `(SELECT position FROM ${bad})`;
  await session.execute(
    `${insert}
SELECT ${lineageColumns}, slot.position, NULL, CAST($5 AS TIMESTAMP), g.record, g.raw_text, g.parse_error
FROM ${good} AS g
JOIN (
  SELECT range AS position, row_number() OVER (ORDER BY range) AS n
  FROM range(1, (SELECT count(*) FROM ${good}) + (SELECT count(*) FROM ${placed} AS p) + 1)
  WHERE range NOT IN ${placed}
) AS slot ON slot.n = g.n`,
    lineageParams,
  );
  await session.execute(
    `${insert}
SELECT ${lineageColumns}, position, line, CAST($5 AS TIMESTAMP), NULL, raw_text, parse_error FROM ${bad}`,
    lineageParams,
  );
  if (recovered) {
    await session.execute(
      `${insert}
SELECT ${lineageColumns}, position, line, CAST($5 AS TIMESTAMP), record, NULL, NULL FROM ${recovered}`,
      lineageParams,
    );
  }
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
