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
 * The line reader splits on a separator that never occurs and reads no quotes, so it refuses a line
 * for one of two reasons; each gets a sentence that says what to do, not DuckDB's error type.
 */
const readerErrorText = `CASE
    WHEN error_type IN ('INVALID ENCODING', 'INVALID UNICODE') THEN 'the line is not valid UTF-8 text: save the file as UTF-8'
    WHEN error_type = 'LINE SIZE OVER MAXIMUM' THEN 'the line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB'
    ELSE lower(error_type) || ': ' || error_message END`;

/** The reader's rejected lines, one row per line: line, position (line minus header lines), raw_text, parse_error. */
export async function rejectedLines(session: Session, rejects: string, headerLines: number): Promise<string> {
  const bad = `${rejects}_bad`;
  await session.execute(
    `CREATE TEMPORARY TABLE ${bad} AS
SELECT line, line - ${headerLines} AS position, first(csv_line) AS raw_text,
  string_agg(DISTINCT ${readerErrorText}, '; ') AS parse_error
FROM ${rejects} GROUP BY line`,
  );
  return bad;
}

export async function dropTemporary(session: Session, ...tables: string[]): Promise<void> {
  for (const table of tables) await session.execute(`DROP TABLE IF EXISTS ${table}`);
}
