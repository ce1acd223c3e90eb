import { open } from 'node:fs/promises';
import { StrataError } from '../../errors/strata-error.ts';
import { DEFAULT_CSV, csvPatterns, quoteFree } from '../csv-grammar.ts';
import { RAW_COLUMNS } from '../raw-columns.ts';
import type { RawLoadRequest, Session } from '../types.ts';
import { duckdbDialect as d } from './dialect.ts';
import { dropTemporary, linesOf, rejectedLines, tempPrefix } from './line-reader.ts';

export type CsvOptions = NonNullable<RawLoadRequest['csv']>;

/** The reason for a line holding a quote that is not one record (a stray quote, most often). */
const UNCLOSED = d.stringLiteral(
  'a quoted value is not closed on this line: add the closing quote, or double a quote that belongs to the value',
);

/** What a raw insert needs besides the rows: the table and the lineage columns ($1–$5). */
export interface RawInsert {
  /** The raw table, qualified and quoted. */
  table: string;
  lineageColumns: string;
  lineageParams: string[];
  compression: string;
}

/**
 * Appends a CSV file to a raw table, one row per record, and returns the header's field names (the
 * record keys). Every record is stored as its line(s) as read, in `raw_text` (see raw-columns.ts):
 * staging cuts it into fields.
 *
 * The file is read as lines, and records are found among the lines in SQL. When every line is one
 * record on its own — readable, not blank, no quoted value spanning lines (almost every export,
 * stray quotes included; one scan tells) — the file is one INSERT of its lines. Otherwise its lines
 * are read into a table, and the lines holding quotes are matched with the patterns of
 * csv-grammar.ts: a quoted value that spans lines makes one record of those lines when they parse
 * together with the header's column count. Anything else — a stray quote, an unreadable line — is
 * one malformed record on its own line, so a stray quote costs its own line and never the lines
 * after it. Positions are record numbers in the file (blank lines and the continuation lines of a
 * multi-line record have none); every record also carries the file line it starts on. (The number
 * of fields is checked by staging, which cuts every record into fields: a line with the wrong
 * number is quarantined there as malformed.)
 */
export async function loadCsv(
  request: RawLoadRequest,
  session: Session,
  target: RawInsert,
): Promise<string[]> {
  const csv = csvOptions(request);
  const start = await readStart(request.path, request.compression);
  const names = namesOf(start, csv);
  if (names.length === 0) return []; // an empty file holds no records
  // Lines of a multi-line value are joined back with the file's own line break.
  const lineBreak = /^[^\n]*\r\n/.test(start) ? '\r\n' : '\n';
  const grammar = csvGrammar(csv);
  const headerLines = csv.header ? 1 : 0;
  const prefix = tempPrefix();
  if (await linesAreRecords(session, request.path, target.compression, prefix, grammar)) {
    await insertLines(session, request.path, target, grammar, headerLines);
    const made = ['scan'];
    await dropTemporary(session, prefix, ...made.map((t) => `${prefix}_${t}`));
    return names;
  }
  const lines = await readLines(session, request.path, target.compression, prefix, grammar);
  const spans = await multiLineRecords(session, prefix, lines, grammar, names.length, lineBreak);
  await insertRecords(session, target, lines, spans, grammar, headerLines);
  const made = ['quoted', 'spans', 'lines', 'read', 'reread', 'reread_scan', 'reread_bad', 'scan'];
  await dropTemporary(session, prefix, ...made.map((table) => `${prefix}_${table}`));
  return names;
}

/** The record keys a CSV file's records will carry: its header's fields (or column1, column2, ...). */
export async function csvFieldNames(request: RawLoadRequest): Promise<string[]> {
  return namesOf(await readStart(request.path, request.compression), csvOptions(request));
}

export function csvOptions(request: RawLoadRequest): CsvOptions {
  const csv = request.csv ?? DEFAULT_CSV;
  for (const option of [csv.delimiter, csv.quote, csv.escape]) {
    if (option.includes("'") || option.length > 1) {
      throw new StrataError(
        'SOURCE_INVALID',
        `CSV option ${JSON.stringify(option)} must be one character other than '`,
      );
    }
  }
  return csv;
}

function namesOf(start: string, csv: CsvOptions): string[] {
  const header = headerFields(start, csv.delimiter, csv.quote);
  return uniqueNames(csv.header ? header : header.map((_, i) => `column${i + 1}`));
}

/**
 * Whether every line of the file is one record on its own: every line readable and not blank, and
 * no quoted value that could span lines (a line that opens one, followed by one that closes it and
 * the record cleanly). A stray quote leaves its line one malformed record, so a file with stray
 * quotes qualifies too. One scan counts; a file with quotes is scanned again for its lines holding
 * one. The file is then inserted straight from the reader, without a table of its lines.
 */
async function linesAreRecords(
  session: Session,
  path: string,
  compression: string,
  prefix: string,
  g: CsvGrammar,
): Promise<boolean> {
  const irregular = `${prefix}_irregular`;
  const quoted = `${prefix}_irregular_quoted`;
  const { rows } = await session.query(
    `SELECT count(*) FILTER (WHERE line IS NULL) AS blank, count(*) FILTER (WHERE NOT ${g.plain('line')}) AS quoted
     FROM ${linesOf(compression, prefix)}`,
    [path],
  );
  const rejected = await session.query(`SELECT count(*) AS n FROM ${prefix}`);
  if (Number(rejected.rows[0]?.n ?? 0) > 0 || Number(rows[0]?.blank ?? 0) > 0) return false;
  if (Number(rows[0]?.quoted ?? 0) === 0) return true;
  // The lines holding a quote, in file order (an insert keeps the order of what it reads).
  await session.execute(
    `CREATE TEMPORARY TABLE ${irregular} AS
SELECT line FROM ${linesOf(compression, `${prefix}_irregular_read`)} WHERE NOT ${g.plain('line')}`,
    [path],
  );
  // Numbered among themselves: only the order of quoted lines tells whether a value spans lines.
  await session.execute(
    `CREATE TEMPORARY TABLE ${quoted} AS
${quotedLines(g, `(SELECT row_number() OVER () AS n, line, CAST(NULL AS VARCHAR) AS error FROM ${irregular})`)}`,
  );
  const spans = await session.query(`SELECT count(*) AS n FROM (${spanCandidates(quoted)}) AS candidates`);
  // The slow path that follows a "no" builds tables of its own under the same prefix.
  await dropTemporary(session, irregular, quoted, `${irregular}_read`, `${irregular}_read_scan`);
  return Number(spans.rows[0]?.n ?? 0) === 0;
}

/**
 * The file's lines with their line numbers: n, line ('' when empty), error (why the line could
 * not be read, else null) and plain (it holds no quote or escape character).
 */
async function readLines(
  session: Session,
  path: string,
  compression: string,
  prefix: string,
  grammar: CsvGrammar,
): Promise<string> {
  // The plainness scan used this prefix's rejects tables; this read gets its own.
  const reads = `${prefix}_reread`;
  const read = `${prefix}_read`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${read} AS
SELECT n, line, CAST(NULL AS VARCHAR) AS error, ${grammar.plain('line')} AS plain
FROM (SELECT row_number() OVER () AS n, coalesce(line, '') AS line FROM ${linesOf(compression, reads)})`,
    [path],
  );
  const bad = await rejectedLines(session, reads, 0, { path, gzip: compression !== '' });
  const { rows } = await session.query(`SELECT count(*) AS rejected FROM ${bad}`);
  if (Number(rows[0]?.rejected ?? 0) === 0) return read;
  // The reader leaves out the lines it rejects: the lines it read fill the other line numbers.
  const lines = `${prefix}_lines`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${lines} AS
SELECT slot.n, r.line, r.error, r.plain
FROM ${read} AS r
JOIN (SELECT range AS n, row_number() OVER (ORDER BY range) AS k
      FROM range(1, (SELECT count(*) FROM ${read}) + (SELECT count(*) FROM ${bad}) + 1)
      WHERE range NOT IN (SELECT line FROM ${bad})) AS slot ON slot.k = r.n
UNION ALL
SELECT line, coalesce(raw_text, ''), parse_error, false FROM ${bad}`,
  );
  return lines;
}

/**
 * The quote state of lines holding a quote (a relation of n, line, error; n in file order): whether
 * each opens a value, closes one cleanly, and `closes`, the next line that does not stay inside
 * quotes — the one that closes a value this line opens (plain lines in between always stay inside).
 * An unreadable line opens nothing and stays inside. With `file`, the relation holds the lines of
 * several files, told apart by that column, and the rows keep it.
 */
export function quotedLines(g: CsvGrammar, relation: string, file?: string): string {
  const by = file ? `${file}, ` : '';
  return `SELECT ${by}n, opens, closes_cleanly,
  min(CASE WHEN NOT stays_quoted THEN n END) OVER (${file ? `PARTITION BY ${file} ` : ''}ORDER BY n ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS closes
FROM (SELECT ${by}n, error IS NULL AND ${g.opens('line')} AS opens, error IS NOT NULL OR ${g.staysQuoted('line')} AS stays_quoted,
        error IS NULL AND ${g.closesCleanly('line')} AS closes_cleanly
      FROM ${relation} AS lines) AS states`;
}

/** The lines of `quoted` (see quotedLines) that open a value a later line closes cleanly: n, closes. */
export function spanCandidates(quoted: string, file?: string): string {
  const sameFile = file ? ` AND c.${file} = o.${file}` : '';
  return `SELECT ${file ? `o.${file}, ` : ''}o.n, o.closes FROM ${quoted} AS o
JOIN ${quoted} AS c ON c.n = o.closes${sameFile} AND c.closes_cleanly WHERE o.opens`;
}

/**
 * The quoted values that span lines and make one record with the lines they span: first_line,
 * last_line, text (the lines joined), values. Only lines holding a quote are looked at, and a span
 * is joined only when its last line closes the value cleanly, so a stray quote (which the next
 * quote, lines later, seems to close) costs almost nothing.
 */
async function multiLineRecords(
  session: Session,
  prefix: string,
  lines: string,
  g: CsvGrammar,
  columns: number,
  lineBreak: string,
): Promise<string> {
  const quoted = `${prefix}_quoted`;
  const spans = `${prefix}_spans`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${quoted} AS ${quotedLines(g, `(SELECT n, line, error FROM ${lines} WHERE NOT plain)`)}`,
  );
  await session.execute(
    `CREATE TEMPORARY TABLE ${spans} AS
SELECT first_line, last_line, text, values FROM (
  SELECT first_line, last_line, text, ${g.values('text')} AS values, ${g.parses('text')} AS parses
  FROM (
    SELECT o.n AS first_line, o.closes AS last_line, string_agg(l.line, ${d.stringLiteral(lineBreak)} ORDER BY l.n) AS text,
      bool_and(l.error IS NULL) AS readable
    FROM (${spanCandidates(quoted)}) AS o
    JOIN ${lines} AS l ON l.n BETWEEN o.n AND o.closes
    GROUP BY o.n, o.closes
  ) WHERE readable
) WHERE parses AND len(values) = ${columns}`,
  );
  // A line inside a record that spans lines may itself look like an opening: the outer record wins.
  await session.execute(
    `DELETE FROM ${spans} WHERE EXISTS (SELECT 1 FROM ${spans} AS outer_span
      WHERE outer_span.first_line < ${spans}.first_line AND ${spans}.first_line <= outer_span.last_line)`,
  );
  return spans;
}

/**
 * Appends the records of a file whose lines are its records (see linesAreRecords) in one
 * statement, straight from the reader; a line holding a quote that is not one record is malformed.
 */
async function insertLines(
  session: Session,
  path: string,
  target: RawInsert,
  g: CsvGrammar,
  headerLines: number,
): Promise<void> {
  const reads = tempPrefix();
  await session.execute(
    `INSERT INTO ${target.table} (${RAW_COLUMNS.join(', ')})
SELECT ${target.lineageColumns}, n - ${headerLines}, n, CAST($5 AS TIMESTAMP), NULL, line,
  ${g.lineError('line')}
FROM (SELECT row_number() OVER () AS n, line FROM ${linesOf(target.compression, reads, '$6')}) AS lines
WHERE n > ${headerLines}`,
    [...target.lineageParams, path],
  );
  await dropTemporary(session, reads, `${reads}_scan`);
}

/**
 * Appends the records of any file, parsed or malformed, in one statement: each with its line(s) as
 * read.
 */
async function insertRecords(
  session: Session,
  target: RawInsert,
  lines: string,
  spans: string,
  g: CsvGrammar,
  headerLines: number,
): Promise<void> {
  const multiLine = Number((await session.query(`SELECT count(*) AS n FROM ${spans}`)).rows[0]?.n ?? 0) > 0;
  // Lines that start records: not blank and not inside a record that spans lines.
  const starts = multiLine
    ? `SELECT l.n, coalesce(s.text, l.line) AS line, l.error, l.plain, s.text IS NOT NULL AS spanned
       FROM ${lines} AS l LEFT JOIN ${spans} AS s ON s.first_line = l.n
       WHERE l.line <> '' AND NOT EXISTS (SELECT 1 FROM ${spans} AS c WHERE l.n > c.first_line AND l.n <= c.last_line)`
    : `SELECT n, line, error, plain, false AS spanned FROM ${lines} WHERE line <> ''`;
  await session.execute(
    `INSERT INTO ${target.table} (${RAW_COLUMNS.join(', ')})
SELECT ${target.lineageColumns}, position, n, CAST($5 AS TIMESTAMP), NULL, line,
  CASE WHEN error IS NOT NULL THEN error WHEN NOT parses THEN ${UNCLOSED} END
FROM (
  SELECT n, line, error, row_number() OVER (ORDER BY n) - ${headerLines} AS position,
    CASE WHEN spanned OR plain THEN true ELSE ${g.parses('line')} END AS parses
  FROM (${starts}) AS s
) AS numbered WHERE position > 0`,
    target.lineageParams,
  );
}

export interface CsvGrammar {
  /** The line holds neither quote nor escape: it is its values split on the delimiter. */
  plain(line: string): string;
  /** Starting outside quotes, the line ends inside a quoted value. */
  opens(line: string): string;
  /** Starting inside a quoted value, the line ends inside one (the same or a new one). */
  staysQuoted(line: string): string;
  /** Starting inside a quoted value, the line closes it and the rest of the record parses. */
  closesCleanly(line: string): string;
  /** The text is one record of values. */
  parses(text: string): string;
  /** A line taken as one record on its own: why it is malformed, or null (the pattern only for quoted lines). */
  lineError(line: string): string;
  /** The text's values (see Dialect.csvValues). */
  values(text: string): string;
}

/**
 * The patterns of csv-grammar.ts, as DuckDB predicates over a line or text. (Guard a pattern with
 * CASE, not OR: DuckDB evaluates both sides of an OR for every row, and a pattern costs three
 * times the scan.)
 */
export function csvGrammar(csv: CsvOptions): CsvGrammar {
  const lit = d.stringLiteral;
  const { D, Q, inside, value, record } = csvPatterns(csv);
  const matches = (text: string, pattern: string) => `regexp_full_match(${text}, ${lit(pattern)})`;
  return {
    plain: (line) => quoteFree(line, lit(csv.quote), lit(csv.escape)),
    opens: (line) => matches(line, `(?:${value}${D})*${Q}${inside}`),
    staysQuoted: (line) =>
      `(${matches(line, inside)} OR ${matches(line, `${inside}${Q}${D}(?:${value}${D})*${Q}${inside}`)})`,
    closesCleanly: (line) => matches(line, `${inside}${Q}(?:${D}${value})*`),
    parses: (text) => matches(text, record),
    lineError: (line) =>
      `CASE WHEN ${quoteFree(line, lit(csv.quote), lit(csv.escape))} THEN NULL WHEN ${matches(line, record)} THEN NULL ELSE ${UNCLOSED} END`,
    values: (text) => d.csvValues(text, csv),
  };
}

/** The header line's fields, from the first bytes of the file. */
function headerFields(start: string, delimiter: string, quote: string): string[] {
  const line = start.split(/\r?\n/, 1)[0] ?? '';
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

/** The first bytes of the file as text (decompressed if needed, without a byte order mark). */
async function readStart(path: string, compression: 'none' | 'gzip'): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(65_536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const start = buffer.subarray(0, bytesRead);
    const bytes = compression === 'none' || bytesRead === 0 ? start : await gunzipStart(start);
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
}

async function gunzipStart(start: Buffer): Promise<Buffer> {
  const { createGunzip } = await import('node:zlib');
  return new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    const gunzip = createGunzip();
    gunzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The start of a stream is all a header needs; a truncated-input error is expected here.
    gunzip.on('error', () => resolve(Buffer.concat(chunks)));
    gunzip.on('end', () => resolve(Buffer.concat(chunks)));
    gunzip.end(start);
  });
}

function uniqueNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw, i) => {
    const name = raw === '' ? `column${i + 1}` : raw;
    let unique = name;
    for (let n = 2; taken.has(unique); n++) unique = `${name}_${n}`;
    taken.add(unique);
    return unique;
  });
}
