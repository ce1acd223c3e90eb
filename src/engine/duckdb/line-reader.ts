import type { Session, SqlValue } from '../types.ts';

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
export function linesOf(compression: string, rejects: string, path = '$1', encoding = ''): string {
  return `read_csv(${path}, columns = {'line': 'VARCHAR'}, header = false, delim = '${RECORD_SEPARATOR}', quote = '', escape = '',
  auto_detect = false, strict_mode = false, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${MAX_LINE_BYTES}${compression}${encoding},
  store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')`;
}

const ENCODING_ERRORS = "('INVALID ENCODING', 'INVALID UNICODE')";

/**
 * A line read as Latin-1 (each byte one character, U+0000 to U+00FF, so nothing is lost) as the
 * text a quarantined record keeps: what is valid UTF-8 as its characters, every other byte as
 * `\xNN` (two upper-case hex digits), and a backslash doubled so that an escape cannot be confused
 * with the same characters in the line. The reader's own text of such a line has `?` for the
 * bytes it could not decode, which loses them.
 */
function escapedBytes(latin1: string): string {
  const escaped = `list_aggregate(list_transform(string_split(${latin1}, ''), ch -> CASE WHEN ch = '\\' THEN '\\\\'
    WHEN ord(ch) < 128 THEN ch ELSE printf('\\x%02X', ord(ch)) END), 'string_agg', '')`;
  // The escapes of a well-formed UTF-8 sequence are decoded back into its character (try: an
  // encoded surrogate has the shape but is no character, and stays escaped).
  const sequence = String.raw`\\x(C[2-9A-F]|D[0-9A-F])\\x[89AB][0-9A-F]|\\xE[0-9A-F](\\x[89AB][0-9A-F]){2}|\\xF[0-4](\\x[89AB][0-9A-F]){3}`;
  const token = String.raw`${sequence}|\\\\.|\\x[0-9A-F]{2}|.`;
  const tokens = `regexp_extract_all(${escaped}, '${token}')`;
  return `coalesce(list_aggregate(list_transform(${tokens},
    t -> coalesce(CASE WHEN length(t) >= 8 THEN try(decode(CAST(t AS BLOB))) END, t)), 'string_agg', ''), '')`;
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
 * parse_error. A line refused for its encoding keeps its bytes (escapedBytes): the file is read
 * again as Latin-1 for those lines, which only a file holding one pays for. `file` is the path (SQL,
 * by default the parameter `$1` of the read) and the reader's compression option.
 */
export async function rejectedLines(
  session: Session,
  rejects: string,
  headerLines: number,
  file: { path: string; params: readonly SqlValue[]; compression: string },
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
  const latin1 = `${rejects}_latin1`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${bad} AS
SELECT r.line, r.line - ${headerLines} AS position, CASE WHEN r.encoding THEN coalesce(t.text, r.raw_text) ELSE r.raw_text END AS raw_text,
  r.parse_error
FROM (${grouped}) AS r
LEFT JOIN (
  SELECT n, ${escapedBytes('line')} AS text
  FROM (SELECT row_number() OVER () AS n, line FROM ${linesOf(file.compression, latin1, file.path, ", encoding = 'latin-1'")}) AS lines
  WHERE n IN (SELECT line FROM ${rejects} WHERE error_type IN ${ENCODING_ERRORS})
) AS t ON t.n = r.line`,
    file.params,
  );
  await dropTemporary(session, latin1, `${latin1}_scan`);
  return bad;
}

export async function dropTemporary(session: Session, ...tables: string[]): Promise<void> {
  for (const table of tables) await session.execute(`DROP TABLE IF EXISTS ${table}`);
}
