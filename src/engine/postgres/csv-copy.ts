import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DEFAULT_CSV, csvPatterns, quoteFree } from '../csv-grammar.ts';
import type { Dialect, RawLoadRequest, RawLoadResult } from '../types.ts';
import type { CopySession } from './bulk.ts';

/**
 * COPY's own CSV dialect here: a delimiter and quote that a CSV file does not hold (the guard below
 * refuses one that does), so every line arrives whole, as one value.
 */
const LINE_DELIMITER = '\u001e';
const LINE_QUOTE = '\u001f';

/**
 * The direct path for a CSV file on PostgreSQL: its bytes stream straight into COPY, each line into
 * the raw table's `raw_text` as the DuckDB reader would store it (see raw-columns.ts), and the
 * lineage columns are filled by defaults set for this one file. Its COPY takes less time than
 * `psql \copy` of the same file into a table of its columns; the general path (a scratch DuckDB reads
 * the file and hands its rows over) took 7 times as long.
 *
 * It only takes files whose records are exactly their lines, so that COPY and strata's CSV reader
 * cannot disagree about them: every line holding a quote is one whole record by the grammar of
 * csv-grammar.ts (no value spans lines), and no line reads `\.` (COPY's end of data). A line COPY
 * refuses — invalid UTF-8, a NUL, a stray carriage return — fails the COPY; a blank line (no record
 * to the reader) or one that is not a record (a stray quote) is left out by COPY's WHERE, which the
 * record count then shows. Either way the file takes the general path, which quarantines the bad
 * lines one by one: the attempt runs inside a savepoint and leaves nothing behind.
 */
export async function copyCsvLines(
  request: RawLoadRequest,
  session: CopySession,
  dialect: Dialect,
  /** Whether the file's first line is its header. */
  layout: { header: boolean },
): Promise<RawLoadResult | undefined> {
  const csv = request.csv ?? DEFAULT_CSV;
  if (![csv.delimiter, csv.quote, csv.escape].every(isAsciiCharacter)) return undefined;
  const table = dialect.qualify(request.target);
  const literal = (value: string) => dialect.stringLiteral(value);
  const { lineage } = request;
  const savepoint = 'strata_csv_lines';
  const plain = quoteFree('raw_text', literal(csv.quote), literal(csv.escape));
  // This file's lineage, for the rows COPY adds; taken off again before the savepoint ends.
  // Temporary sequences number the records and their lines; no other session can draw from them.
  const defaults: [string, string][] = [
    ['ingestion_id', literal(lineage.ingestionId)],
    ['run_id', literal(lineage.runId)],
    ['load_date', `CAST(${literal(lineage.loadDate)} AS DATE)`],
    ['source_file', literal(lineage.sourceFile)],
    ['ingested_at', `CAST(${literal(lineage.ingestedAt)} AS TIMESTAMP)`],
    ['record_position', `nextval('pg_temp.strata_record_position')`],
    ['source_line', `nextval('pg_temp.strata_source_line')`],
  ];
  // Statements go together where they can: a file of a few hundred lines costs its round trips.
  await session.execute(
    `SAVEPOINT ${savepoint};
     CREATE TEMPORARY SEQUENCE strata_record_position CACHE 1000;
     CREATE TEMPORARY SEQUENCE strata_source_line START ${layout.header ? 2 : 1} CACHE 1000;
     ALTER TABLE ${table} ${defaults.map(([c, value]) => `ALTER COLUMN ${c} SET DEFAULT ${value}`).join(', ')}`,
  );
  try {
    // COPY computes the defaults of every line before its WHERE, so a line left out still takes a
    // record number: the numbers drawn then exceed the records copied.
    const records = await session.copyFrom(
      `COPY ${table} (raw_text) FROM STDIN (FORMAT csv, HEADER ${layout.header}, DELIMITER ${literal(LINE_DELIMITER)},
         QUOTE ${literal(LINE_QUOTE)}, ENCODING 'UTF8')
       WHERE raw_text IS NOT NULL AND (${plain} OR ${dialect.regexFullMatch('raw_text', csvPatterns(csv).record)})`,
      csvLineBytes(request, [LINE_DELIMITER, LINE_QUOTE]),
    );
    // currval, not the sequence's last_value, which counts the numbers cached ahead. (A file of no
    // records takes the general path, which tells an empty file from one whose lines all failed.)
    if (records === 0) throw new NotLineCsv('no line was copied');
    const { rows } = await session.query(
      `ALTER TABLE ${table} ${defaults.map(([c]) => `ALTER COLUMN ${c} DROP DEFAULT`).join(', ')};
       SELECT currval('pg_temp.strata_record_position') AS drawn`,
    );
    if (Number(rows[0]?.drawn) !== records) throw new NotLineCsv('a line was blank or not one record');
    await session.execute(
      `DROP SEQUENCE pg_temp.strata_record_position, pg_temp.strata_source_line; RELEASE SAVEPOINT ${savepoint}`,
    );
    return { records, malformed: 0 };
  } catch {
    // Not a file of one record a line, or one COPY refuses: the general path reads it and says
    // what is wrong.
    await session.execute(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
    return undefined;
  }
}

function isAsciiCharacter(value: string): boolean {
  return value.length === 1 && value.charCodeAt(0) < 0x80;
}

/** The file's bytes, decompressed, without a byte order mark, refused as soon as they hold a forbidden byte. */
function csvLineBytes(request: RawLoadRequest, forbidden: string[]): NodeJS.ReadableStream {
  // Large chunks: each is one CopyData message and one pass of the guard's searches.
  const file = createReadStream(request.path, { highWaterMark: 1 << 20 });
  const guard = new CsvLineGuard(forbidden);
  if (request.compression === 'none') return file.pipe(guard);
  const gunzip = createGunzip();
  // pipe() does not forward errors: a damaged gzip stream must fail the COPY, not hang it.
  file.on('error', (error) => gunzip.destroy(error));
  gunzip.on('error', (error) => guard.destroy(error));
  return file.pipe(gunzip).pipe(guard);
}

/** A file that cannot be copied a line a record after all: the file takes the general path. */
class NotLineCsv extends Error {}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const END_OF_DATA = Buffer.from('\n\\.');

/**
 * Passes bytes through while checking, with native searches per chunk (never per line), that the
 * file holds none of the given characters and no line starting with `\.`.
 */
class CsvLineGuard extends Transform {
  private readonly forbidden: number[];
  private started = false;
  /** The last bytes of the previous chunk, so that `\n\.` split across chunks is seen. */
  private tail = Buffer.alloc(0);

  constructor(characters: string[]) {
    super();
    this.forbidden = [...new Set(characters.map((c) => c.charCodeAt(0)))];
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let bytes = chunk;
    if (!this.started) {
      this.started = true;
      if (bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
      this.tail = Buffer.from('\n');
    }
    const seam = Buffer.concat([this.tail, bytes.subarray(0, END_OF_DATA.length)]);
    if (
      this.forbidden.some((c) => bytes.includes(c)) ||
      seam.includes(END_OF_DATA) ||
      bytes.includes(END_OF_DATA)
    ) {
      callback(new NotLineCsv('the file holds a byte that cannot be copied as lines'));
      return;
    }
    this.tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - END_OF_DATA.length + 1)));
    callback(null, bytes);
  }
}
