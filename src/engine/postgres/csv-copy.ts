import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Dialect, RawLoadRequest, RawLoadResult } from '../types.ts';
import type { CopySession } from './bulk.ts';

/**
 * The direct path for a CSV file on PostgreSQL: its bytes stream straight into COPY, into the raw
 * table's text columns, and the lineage columns are filled by defaults set for this one file. It
 * runs at the speed of `psql \copy` into a table of the same columns; the general path (a scratch
 * DuckDB reads the file and hands its rows over) took 7 times as long.
 *
 * It only takes files whose records are exactly their lines, so that COPY and strata's CSV reader
 * cannot disagree about them: no quote or escape character anywhere (PostgreSQL treats a quote in
 * the middle of a value as opening one, the reader as a character of the value) and no line
 * reading `\.` (COPY's end of data). Everything else COPY refuses on its own — a wrong column
 * count, a blank line, invalid UTF-8, a NUL, a stray carriage return — and the file then takes the
 * general path, which quarantines the bad lines one by one: the attempt runs inside a savepoint
 * and leaves nothing behind.
 *
 * Rows loaded here carry no `raw_text`: the line is their fields joined by the delimiter, in the
 * order `lineColumns` of the result gives (recorded with the file), and is rebuilt from them when a
 * record is quarantined.
 */
export async function copyPlainCsv(
  request: RawLoadRequest,
  session: CopySession,
  dialect: Dialect,
  /** The raw columns of the file's fields, in file order (unquoted). */
  fields: { columns: string[]; header: boolean },
): Promise<RawLoadResult | undefined> {
  const csv = request.csv ?? { delimiter: ',', quote: '"', escape: '"', header: true };
  const { columns } = fields;
  // One column: a blank line is a NULL record to COPY and no record to the reader.
  if (columns.length < 2 || ![csv.delimiter, csv.quote, csv.escape].every(isAsciiCharacter)) return undefined;
  const table = dialect.qualify(request.target);
  const literal = (value: string) => dialect.stringLiteral(value);
  const { lineage } = request;
  const savepoint = 'strata_plain_csv';
  await session.execute(`SAVEPOINT ${savepoint}`);
  try {
    // Temporary sequences number the records and their lines; no other session can draw from them.
    await session.execute(
      `CREATE TEMPORARY SEQUENCE strata_record_position CACHE 1000;
       CREATE TEMPORARY SEQUENCE strata_source_line START ${fields.header ? 2 : 1} CACHE 1000`,
    );
    // This file's lineage, for the rows COPY adds; taken off again before the savepoint ends.
    const defaults: [string, string][] = [
      ['ingestion_id', literal(lineage.ingestionId)],
      ['run_id', literal(lineage.runId)],
      ['load_date', `CAST(${literal(lineage.loadDate)} AS DATE)`],
      ['source_file', literal(lineage.sourceFile)],
      ['ingested_at', `CAST(${literal(lineage.ingestedAt)} AS TIMESTAMP)`],
      ['record_position', `nextval('pg_temp.strata_record_position')`],
      ['source_line', `nextval('pg_temp.strata_source_line')`],
    ];
    await session.execute(
      `ALTER TABLE ${table} ${defaults.map(([c, value]) => `ALTER COLUMN ${c} SET DEFAULT ${value}`).join(', ')}`,
    );
    const list = columns.map((c) => dialect.quoteIdentifier(c)).join(', ');
    const records = await session.copyFrom(
      `COPY ${table} (${list}) FROM STDIN (FORMAT csv, HEADER ${fields.header}, DELIMITER ${literal(csv.delimiter)},
         QUOTE ${literal(csv.quote)}, ESCAPE ${literal(csv.escape)}, FORCE_NULL (${list}), ENCODING 'UTF8')`,
      plainCsvBytes(request, csv),
    );
    await session.execute(
      `ALTER TABLE ${table} ${defaults.map(([c]) => `ALTER COLUMN ${c} DROP DEFAULT`).join(', ')}`,
    );
    await session.execute(`DROP SEQUENCE pg_temp.strata_record_position, pg_temp.strata_source_line`);
    await session.execute(`RELEASE SAVEPOINT ${savepoint}`);
    return { records, malformed: 0, lineColumns: columns };
  } catch {
    // Not a plain file, or one COPY refuses: the general path reads it and says what is wrong.
    await session.execute(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    await session.execute(`RELEASE SAVEPOINT ${savepoint}`);
    return undefined;
  }
}

function isAsciiCharacter(value: string): boolean {
  return value.length === 1 && value.charCodeAt(0) < 0x80;
}

/** The file's bytes, decompressed, without a byte order mark, refused as soon as they are not plain. */
function plainCsvBytes(
  request: RawLoadRequest,
  csv: NonNullable<RawLoadRequest['csv']>,
): NodeJS.ReadableStream {
  const file = createReadStream(request.path);
  const guard = new PlainCsvGuard([csv.quote, csv.escape]);
  if (request.compression === 'none') return file.pipe(guard);
  const gunzip = createGunzip();
  // pipe() does not forward errors: a damaged gzip stream must fail the COPY, not hang it.
  file.on('error', (error) => gunzip.destroy(error));
  gunzip.on('error', (error) => guard.destroy(error));
  return file.pipe(gunzip).pipe(guard);
}

/** A file that is not plain after all; the COPY fails with it and the file takes the general path. */
class NotPlainCsv extends Error {}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const END_OF_DATA = Buffer.from('\n\\.');

/**
 * Passes bytes through while checking, with native searches per chunk (never per line), that the
 * file holds none of the given characters and no line starting with `\.`.
 */
class PlainCsvGuard extends Transform {
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
      callback(new NotPlainCsv('the file is not plain CSV'));
      return;
    }
    this.tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - END_OF_DATA.length + 1)));
    callback(null, bytes);
  }
}
