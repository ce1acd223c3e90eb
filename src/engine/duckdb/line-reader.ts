import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Session } from '../types.ts';

/** A byte that valid JSON text never holds unescaped, so splitting on it keeps every line whole. */
const RECORD_SEPARATOR = '\u001e';
/** Lines up to this size load; a longer one is quarantined rather than failing its file. */
const MAX_LINE_BYTES = 128 * 1024 * 1024;
// buffer_size is set with max_line_size because DuckDB otherwise sizes its read buffer at 16× the
// line limit (2 GiB), which fails under any memory_limit below that.
let tempCounter = 0;

/** A fresh prefix for the temporary tables of one file's load. */
export function tempPrefix(): string {
  return `strata_rejects_${process.pid}_${++tempCounter}`;
}

/**
 * The file as lines, one VARCHAR column `line` (null for an empty line), in file order: DuckDB's
 * CSV reader with a delimiter that never occurs and no quoting, which is its fastest scan. A line
 * it cannot read (invalid UTF-8, longer than the limit) goes to the rejects table `rejects`.
 * `path` is SQL of the file's path (by default the parameter `$1`).
 */
export function linesOf(compression: string, rejects: string, path = '$1'): string {
  return `read_csv(${path}, columns = {'line': 'VARCHAR'}, header = false, delim = '${RECORD_SEPARATOR}', quote = '', escape = '',
  auto_detect = false, strict_mode = false, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${MAX_LINE_BYTES}${compression},
  store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')`;
}

/**
 * SQL: whether `line` (a VARCHAR) is blank to the JSON readers — null, or nothing once trimmed.
 * A line starting with printable ASCII other than a space is not blank, and only other lines are
 * trimmed: DuckDB's `trim` takes every Unicode space, and ran on every line it cost a 92 k-line
 * NDJSON batch 0.25 s, where almost every line starts with a brace.
 */
export function blankLine(line: string): string {
  return `CASE WHEN ${line} IS NULL THEN TRUE WHEN substr(${line}, 1, 1) BETWEEN '!' AND '~' THEN FALSE ELSE trim(${line}) = '' END`;
}

const ENCODING_ERRORS = "('INVALID ENCODING', 'INVALID UNICODE')";

/**
 * The text a quarantined line that is not UTF-8 keeps, from `line`, the line as DuckDB writes
 * bytes as text (a BLOB cast to VARCHAR: printable ASCII as itself, every other byte and the
 * backslash and quotes as `\xNN`): what is well-formed UTF-8 as its characters, quotes and tabs
 * as themselves, a backslash doubled (so that an escape cannot be confused with the same
 * characters in the line) and every other byte as `\xNN`, two upper-case hex digits. The reader's
 * own text of such a line has `?` for the bytes it could not decode, which loses them.
 */
function escapedBytes(line: string): string {
  // try: an encoded surrogate has the shape of a sequence but is no character, and stays escaped.
  const sequence = String.raw`\\x(C[2-9A-F]|D[0-9A-F])\\x[89AB][0-9A-F]|\\xE[0-9A-F](\\x[89AB][0-9A-F]){2}|\\xF[0-4](\\x[89AB][0-9A-F]){3}`;
  const tokens = String.raw`regexp_extract_all(${line}, '${sequence}|\\x[0-9A-F]{2}|.')`;
  const printable = String.raw`regexp_full_match(t, '\\x(09|2[0-9A-F]|[3-6][0-9A-F]|7[0-9A-E])')`;
  return String.raw`coalesce(list_aggregate(list_transform(${tokens}, t -> CASE
    WHEN t = '\x5C' THEN '\\'
    WHEN length(t) >= 8 OR (length(t) = 4 AND ${printable}) THEN coalesce(try(decode(CAST(t AS BLOB))), t)
    ELSE t END), 'string_agg', ''), '')`;
}

/** The file to read a rejected line's bytes from: its path, and whether it is gzip-compressed. */
export interface LineSource {
  path: string;
  gzip: boolean;
}

/**
 * The line reader splits on a separator that never occurs and reads no quotes, so it refuses a line
 * for one of two reasons; each gets a sentence that says what to do, not DuckDB's error type.
 */
const readerErrorText = `CASE
    WHEN error_type IN ${ENCODING_ERRORS} THEN 'the line is not valid UTF-8 text: save the file as UTF-8'
    WHEN error_type = 'LINE SIZE OVER MAXIMUM' THEN 'the line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB'
    ELSE lower(error_type) || ': ' || error_message END`;

/**
 * The reader's rejected lines, one row per line: line, position (line minus header lines), raw_text,
 * parse_error. A line refused for its encoding keeps its bytes (escapedBytes), read from the file
 * as bytes (a gzip file is decompressed to a temporary file first), which only a file holding such
 * a line pays for.
 */
export async function rejectedLines(
  session: Session,
  rejects: string,
  headerLines: number,
  file: LineSource,
): Promise<string> {
  const bad = `${rejects}_bad`;
  const grouped = `SELECT line, first(csv_line) AS raw_text, string_agg(DISTINCT ${readerErrorText}, '; ') AS parse_error,
  bool_or(error_type IN ${ENCODING_ERRORS}) AS encoding
FROM ${rejects} GROUP BY line`;
  const { rows } = await session.query(
    `SELECT count(*) AS n FROM ${rejects} WHERE error_type IN ${ENCODING_ERRORS}`,
  );
  if (Number(rows[0]?.n ?? 0) === 0) {
    await session.execute(
      `CREATE TEMPORARY TABLE ${bad} AS
SELECT line, line - ${headerLines} AS position, raw_text, parse_error FROM (${grouped}) AS r`,
    );
    return bad;
  }
  await withBytes(file, (path) =>
    session.execute(
      String.raw`CREATE TEMPORARY TABLE ${bad} AS
SELECT r.line, r.line - ${headerLines} AS position,
  CASE WHEN r.encoding
    THEN coalesce(${escapedBytes(String.raw`regexp_replace(list_extract(f.lines, CAST(r.line AS BIGINT)), '\\x0D$', '')`)}, r.raw_text)
    ELSE r.raw_text END AS raw_text,
  r.parse_error
FROM (${grouped}) AS r CROSS JOIN (SELECT string_split(CAST(content AS VARCHAR), '\x0A') AS lines FROM read_blob($1)) AS f`,
      [path],
    ),
  );
  return bad;
}

/** Runs `fn` with the path of the file's bytes: the file itself, or a gzip file decompressed aside. */
async function withBytes<T>(file: LineSource, fn: (path: string) => Promise<T>): Promise<T> {
  if (!file.gzip) return fn(file.path);
  const dir = await mkdtemp(join(tmpdir(), 'strata-bytes-'));
  try {
    const path = join(dir, 'file');
    await pipeline(createReadStream(file.path), createGunzip(), createWriteStream(path));
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function dropTemporary(session: Session, ...tables: string[]): Promise<void> {
  for (const table of tables) await session.execute(`DROP TABLE IF EXISTS ${table}`);
}
