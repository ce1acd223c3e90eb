import { StrataError, causeMessage } from '../../errors/strata-error.ts';
import { DEFAULT_CSV } from '../csv-grammar.ts';
import type {
  DateCandidate,
  DateMatches,
  FieldSample,
  FieldStats,
  FileSample,
  SampleCsvDialect,
  SampleRequest,
  SampledFile,
  StatsRequest,
} from '../file-profile.ts';
import type { Session, SqlValue } from '../types.ts';
import { csvFieldNames } from './csv-reader.ts';
import { duckdbDialect as d } from './dialect.ts';
import { openDuckDb } from './duckdb-engine.ts';
import { linesOf } from './line-reader.ts';

/**
 * DuckDB as the profiler of sample files, for `strata infer` (api/infer.ts): it reads the first
 * records of each file in a scratch in-memory database — CSV with DuckDB's sniffer and reader,
 * JSON arrays, NDJSON and Parquet as JSON objects, as raw loading does — and answers questions
 * about every field's text in SQL: how many values are empty, null markers, integers, decimals,
 * booleans, dates in a format; how many distinct; which tuples are unique. What the answers mean
 * (a type, a key, an enum) is decided outside, in infer/. This is the one module of
 * `engine/duckdb/` the api layer may import (layers.js says so).
 *
 * A field's text is what staging would see: a CSV value as cut from its line, a JSON key's scalar
 * as text (arrays and objects as JSON), trimmed of spaces, empty text as null.
 */

const SAMPLE = 'strata_sample';
const CELLS = 'strata_cells';
const INTEGER = '[+-]?[0-9]+';
const DECIMAL = '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)';
const EXPONENT = `${DECIMAL}[eE][+-]?[0-9]+`;
const DATE_LIKE = '[0-9]{1,4}[-/. ][0-9A-Za-z]{1,9}[-/., ].*|[A-Za-z]{3,9}[ .-][0-9]{1,2}.*';

/** Reads the sample of `request` into a scratch DuckDB and hands it to `fn`; the database goes after. */
export async function withFileSample<T>(
  request: SampleRequest,
  fn: (sample: FileSample) => Promise<T>,
): Promise<T> {
  const engine = await openDuckDb({ path: ':memory:', threads: 1 });
  try {
    return await engine.withSession(async (session) => fn(await readSample(session, request)));
  } finally {
    await engine.close();
  }
}

async function readSample(session: Session, request: SampleRequest): Promise<FileSample> {
  const perFile = Math.max(1, Math.ceil(request.sampleRows / request.paths.length));
  const compression = request.compression === 'gzip' ? `, compression = 'gzip'` : '';
  const csv = request.format === 'csv' ? await sniffCsv(session, request) : undefined;
  await session.execute(`CREATE TABLE ${SAMPLE} (file INTEGER, n BIGINT, line BIGINT, record JSON)`);
  const files: SampledFile[] = [];
  const fieldLists: string[][] = [];
  for (const [index, path] of request.paths.entries()) {
    try {
      const read = await readFile(session, index, path, request, perFile, compression, csv);
      files.push(read.file);
      fieldLists.push(read.fields);
    } catch (error) {
      if (error instanceof StrataError) throw error;
      throw new StrataError(
        'FILE_UNREADABLE',
        `${path} cannot be read as ${request.format}: ${causeMessage(error)}`,
        {
          file: path,
          cause: error,
          hint: 'Check the file’s format and compression (the extension tells them: .csv, .json, .ndjson, .parquet, .gz).',
        },
      );
    }
  }
  const fields = [...new Set(fieldLists.flat())];
  const records = files.reduce((sum, f) => sum + f.records, 0);
  let elementTables = 0;
  return {
    ...(await cellsOf(session, SAMPLE, CELLS, records, fields)),
    files,
    csv,
    distinctTuples: (tuples) => distinctTuples(session, tuples),
    elements: async (field) => {
      const suffix = ++elementTables;
      const table = `${SAMPLE}_elements_${suffix}`;
      // The elements that are objects, numbered in file order (record, then place in the array).
      await session.execute(
        `CREATE TABLE ${table} AS
SELECT file, row_number() OVER (ORDER BY file, n, i) AS n, e AS record FROM (
  SELECT file, n, unnest(items) AS e, generate_subscripts(items, 1) AS i
  FROM (SELECT file, n, TRY_CAST(json_extract(record, ${d.stringLiteral(`$.${JSON.stringify(field)}`)}) AS JSON[]) AS items
        FROM ${SAMPLE}) AS arrays
  WHERE items IS NOT NULL) AS elements
WHERE json_type(e) = 'OBJECT'`,
      );
      const counted = await rows(session, `SELECT count(*) AS n FROM ${table}`);
      const count = Number(counted[0]?.n ?? 0);
      if (count === 0) return undefined;
      const keys = (
        await rows(
          session,
          `SELECT key FROM (SELECT n, unnest(json_keys(record)) AS key, generate_subscripts(json_keys(record), 1) AS pos
  FROM ${table}) GROUP BY key ORDER BY min([n, pos])`,
        )
      ).map((r) => String(r.key));
      return cellsOf(session, table, `${CELLS}_elements_${suffix}`, count, keys);
    },
  };
}

/**
 * The cells (record × field: its JSON type, raw text and trimmed text) of the JSON records in
 * `table`, and the questions asked of them.
 */
async function cellsOf(
  session: Session,
  table: string,
  cells: string,
  records: number,
  fields: readonly string[],
): Promise<FieldSample> {
  if (fields.length > 0) {
    const keys = `[${fields.map((f) => d.stringLiteral(f)).join(', ')}]`;
    const paths = `[${fields.map((f) => d.stringLiteral(`$.${JSON.stringify(f)}`)).join(', ')}]`;
    await session.execute(
      `CREATE TABLE ${cells} AS
SELECT file, n, col, kind, raw, nullif(trim(raw, ' '), '') AS text FROM (
  SELECT file, n, unnest(${keys}) AS col, unnest(json_extract_string(record, ${paths})) AS raw,
    unnest(json_type(record, ${paths})) AS kind
  FROM ${table}) AS cells`,
    );
  }
  return {
    records,
    fields,
    stats: (statsRequest) =>
      fields.length ? fieldStats(session, cells, fields, statsRequest) : Promise.resolve([]),
    dateMatches: (names, candidates) =>
      fields.length ? dateMatches(session, cells, names, candidates) : Promise.resolve(new Map()),
  };
}

async function readFile(
  session: Session,
  index: number,
  path: string,
  request: SampleRequest,
  perFile: number,
  compression: string,
  csv: SampleCsvDialect | undefined,
): Promise<{ file: SampledFile; fields: string[] }> {
  const rejects = `strata_profile_rejects_${index}`;
  const insert = `INSERT INTO ${SAMPLE} BY NAME`;
  const limit = perFile + 1;
  let fields: string[] = [];
  let rejected: SampledFile['rejected'] = [];
  switch (request.format) {
    case 'csv': {
      const dialect = csv ?? { delimiter: DEFAULT_CSV.delimiter, header: true, sniffed: false };
      fields = await csvFieldNames({
        target: { schema: 'raw', name: 'sample' },
        path,
        format: 'csv',
        compression: request.compression,
        csv: { ...DEFAULT_CSV, delimiter: dialect.delimiter, header: dialect.header },
        lineage: { ingestionId: '', runId: '', loadDate: '', sourceFile: path, ingestedAt: '' },
      });
      if (fields.length === 0) break;
      const columns = `{${fields.map((f) => `${d.stringLiteral(f)}: 'VARCHAR'`).join(', ')}}`;
      await session.execute(
        `${insert} SELECT ${index} AS file, row_number() OVER () AS n, NULL AS line, to_json(t) AS record FROM (
  SELECT * FROM read_csv($1, header = ${dialect.header}, auto_detect = false, all_varchar = true,
    delim = ${d.stringLiteral(dialect.delimiter)}, quote = '"', escape = '"', columns = ${columns}${compression},
    store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')
  LIMIT ${limit}) AS t`,
        [path],
      );
      rejected = (
        await rows(
          session,
          `SELECT line, lower(error_type) AS reason, csv_line AS text FROM ${rejects} ORDER BY line`,
        )
      ).map((r) => ({ line: Number(r.line), reason: String(r.reason), text: String(r.text ?? '') }));
      break;
    }
    case 'json':
      await session.execute(
        `${insert} SELECT ${index} AS file, row_number() OVER () AS n, NULL AS line,
  CASE WHEN json_type(json) = 'OBJECT' THEN json END AS record
FROM (SELECT json FROM read_json_objects($1, format = 'array'${compression}) LIMIT ${limit})`,
        [path],
      );
      break;
    case 'ndjson':
      // As raw loading reads it: line by line, a line that is not a JSON object is not a record.
      // Lines are numbered after the limit (a window over the whole file would read all of it).
      await session.execute(
        `${insert} SELECT ${index} AS file, row_number() OVER () AS n, line_number AS line,
  CASE WHEN json_type(j) = 'OBJECT' THEN j END AS record
FROM (SELECT line_number, line, TRY_CAST(line AS JSON) AS j
  FROM (SELECT row_number() OVER () AS line_number, line
    FROM (SELECT line FROM ${linesOf(compression, rejects)} LIMIT ${2 * limit}))
  WHERE line IS NOT NULL AND trim(line) <> '' LIMIT ${limit})`,
        [path],
      );
      break;
    case 'parquet':
      await session.execute(
        `${insert} SELECT ${index} AS file, row_number() OVER () AS n, NULL AS line, to_json(t) AS record
FROM (SELECT * FROM read_parquet($1) LIMIT ${limit}) AS t`,
        [path],
      );
      fields = (await rows(session, 'DESCRIBE SELECT * FROM read_parquet($1)', [path])).map((r) =>
        String(r.column_name),
      );
      break;
  }
  const more = await rows(
    session,
    `SELECT count(*) AS n FROM ${SAMPLE} WHERE file = ${index} AND n > ${perFile}`,
  );
  await session.execute(`DELETE FROM ${SAMPLE} WHERE file = ${index} AND n > ${perFile}`);
  if (request.format === 'json' || request.format === 'ndjson') {
    const notObjects = await rows(
      session,
      `SELECT n, line FROM ${SAMPLE} WHERE file = ${index} AND record IS NULL ORDER BY n`,
    );
    rejected = notObjects.map((r) => ({
      line: Number(r.line ?? r.n),
      reason:
        request.format === 'ndjson' ? 'the line is not a JSON object' : 'the record is not a JSON object',
      text: '',
    }));
    await session.execute(`DELETE FROM ${SAMPLE} WHERE file = ${index} AND record IS NULL`);
    fields = (
      await rows(
        session,
        `SELECT key FROM (SELECT n, unnest(json_keys(record)) AS key, generate_subscripts(json_keys(record), 1) AS pos
  FROM ${SAMPLE} WHERE file = ${index}) GROUP BY key ORDER BY min([n, pos])`,
      )
    ).map((r) => String(r.key));
  }
  const kept = await rows(session, `SELECT count(*) AS n FROM ${SAMPLE} WHERE file = ${index}`);
  return {
    file: {
      path,
      records: Number(kept[0]?.n ?? 0),
      truncated: Number(more[0]?.n ?? 0) > 0,
      rejected,
    },
    fields,
  };
}

/**
 * The CSV dialect: DuckDB's sniffer, over the file's first lines. A sniffer that finds a single
 * column in a header holding commas, semicolons, tabs or pipes was thrown off (by lines with an
 * unquoted delimiter, most often): the delimiter is then the one the header line holds most of.
 */
async function sniffCsv(session: Session, request: SampleRequest): Promise<SampleCsvDialect> {
  const path = request.paths[0] as string;
  const compression = request.compression === 'gzip' ? `, compression = 'gzip'` : '';
  let sniffed: { delimiter: string; header: boolean; columns: number } | undefined;
  try {
    const found = await rows(
      session,
      `SELECT Delimiter AS delimiter, HasHeader AS header, len(Columns) AS columns FROM sniff_csv($1, sample_size = 20480${compression})`,
      [path],
    );
    const row = found[0];
    if (row)
      sniffed = {
        delimiter: String(row.delimiter),
        header: row.header === true,
        columns: Number(row.columns),
      };
  } catch {
    sniffed = undefined;
  }
  if (sniffed && sniffed.columns > 1 && sniffed.delimiter.length === 1) {
    return { delimiter: sniffed.delimiter, header: sniffed.header, sniffed: true };
  }
  const first = await rows(
    session,
    `SELECT line FROM ${linesOf(compression, 'strata_profile_header')} LIMIT 1`,
    [path],
  );
  const header = String(first[0]?.line ?? '');
  const counts = [',', ';', '\t', '|'].map((c) => ({ c, n: header.split(c).length - 1 }));
  const best = counts.reduce((a, b) => (b.n > a.n ? b : a));
  return { delimiter: best.n > 0 ? best.c : DEFAULT_CSV.delimiter, header: true, sniffed: false };
}

async function fieldStats(
  session: Session,
  cells: string,
  fields: readonly string[],
  request: StatsRequest,
): Promise<FieldStats[]> {
  const lit = (values: readonly string[]) => values.map((v) => d.stringLiteral(v)).join(', ');
  const markers = request.nullMarkers.length ? `text IN (${lit(request.nullMarkers)})` : 'FALSE';
  const markerCounts = request.nullMarkers.map((m) => `count(*) FILTER (WHERE text = ${d.stringLiteral(m)})`);
  const re = (pattern: string) => `regexp_full_match(v, ${d.stringLiteral(pattern)})`;
  const found = await rows(
    session,
    `SELECT col,
  count(v) AS "values",
  count(*) FILTER (WHERE raw IS NOT NULL AND text IS NULL) AS empty,
  [${markerCounts.join(', ')}]::BIGINT[] AS markers,
  count(DISTINCT v) AS "distinct",
  coalesce(max(length(v)), 0) AS max_length,
  count(*) FILTER (WHERE kind = 'OBJECT') AS objects,
  count(*) FILTER (WHERE kind = 'ARRAY') AS arrays,
  count(*) FILTER (WHERE ${re(INTEGER)}) AS integers,
  count(*) FILTER (WHERE ${re(INTEGER)} AND TRY_CAST(v AS BIGINT) IS NULL) AS big_integers,
  count(*) FILTER (WHERE ${re('[+-]?0[0-9]+')}) AS leading_zeros,
  count(*) FILTER (WHERE ${re(DECIMAL)}) AS decimals,
  count(*) FILTER (WHERE ${re(EXPONENT)}) AS exponents,
  coalesce(max(length(regexp_extract(v, '[.]([0-9]*)$', 1))) FILTER (WHERE ${re(DECIMAL)}), 0) AS max_scale,
  coalesce(max(length(ltrim(regexp_extract(v, '^[+-]?([0-9]*)', 1), '0'))) FILTER (WHERE ${re(DECIMAL)}), 0) AS max_integer_digits,
  count(*) FILTER (WHERE lower(v) IN (${lit(request.trueWords)})) AS trues,
  count(*) FILTER (WHERE lower(v) IN (${lit(request.falseWords)})) AS falses,
  count(*) FILTER (WHERE ${re(DATE_LIKE)}) AS date_like,
  CASE WHEN count(DISTINCT v) <= ${request.listLimit} THEN list(DISTINCT v ORDER BY v) FILTER (WHERE v IS NOT NULL) END AS distinct_values,
  min(v) FILTER (WHERE NOT ${re(DECIMAL)} AND NOT ${re(EXPONENT)}) AS example_text,
  min(v) AS min, max(v) AS max
FROM (SELECT *, CASE WHEN ${markers} THEN NULL ELSE text END AS v FROM ${cells}) AS cells
GROUP BY col`,
  );
  const byName = new Map(found.map((r) => [String(r.col), r]));
  // A field of a file without records (a CSV header alone) has no cells: every count is 0.
  return fields
    .map((name) => byName.get(name) ?? { col: name, markers: [], distinct_values: [] })
    .map((r) => {
      const markerValues = (r.markers as unknown[]) ?? [];
      return {
        name: String(r.col),
        values: count(r.values),
        empty: count(r.empty),
        markers: Object.fromEntries(request.nullMarkers.map((m, i) => [m, Number(markerValues[i] ?? 0)])),
        distinct: count(r.distinct),
        maxLength: count(r.max_length),
        objects: count(r.objects),
        arrays: count(r.arrays),
        integers: count(r.integers),
        bigIntegers: count(r.big_integers),
        leadingZeros: count(r.leading_zeros),
        decimals: count(r.decimals),
        exponents: count(r.exponents),
        maxScale: count(r.max_scale),
        maxIntegerDigits: count(r.max_integer_digits),
        trues: count(r.trues),
        falses: count(r.falses),
        dateLike: count(r.date_like),
        distinctValues: Array.isArray(r.distinct_values) ? r.distinct_values.map(String) : null,
        exampleText: r.example_text === null || r.example_text === undefined ? null : String(r.example_text),
        min: r.min === null || r.min === undefined ? null : String(r.min),
        max: r.max === null || r.max === undefined ? null : String(r.max),
      };
    });
}

async function dateMatches(
  session: Session,
  cells: string,
  fields: readonly string[],
  candidates: readonly DateCandidate[],
): Promise<Map<string, DateMatches[]>> {
  const result = new Map<string, DateMatches[]>();
  if (fields.length === 0 || candidates.length === 0) return result;
  const fits = candidates.map(
    (c) =>
      `CASE WHEN regexp_full_match(text, ${d.stringLiteral(c.pattern)}) THEN try_strptime(text, ${d.stringLiteral(c.format)}) END`,
  );
  const found = await rows(
    session,
    `SELECT col, mask, count(*) AS count, min(text) AS example,
  count(*) FILTER (WHERE CAST(parsed AS TIME) <> TIME '00:00:00') AS timed
FROM (
  SELECT col, text, list_filter(fits, f -> f IS NOT NULL)[1] AS parsed,
    array_to_string(list_transform(fits, f -> CASE WHEN f IS NULL THEN '0' ELSE '1' END), '') AS mask
  FROM (SELECT col, text, [${fits.join(', ')}] AS fits FROM ${cells}
        WHERE text IS NOT NULL AND col IN (${fields.map((f) => d.stringLiteral(f)).join(', ')})) AS v
) AS masks
GROUP BY col, mask ORDER BY col, count DESC, mask`,
  );
  for (const r of found) {
    const name = String(r.col);
    const list = result.get(name) ?? [];
    list.push({
      mask: String(r.mask),
      count: Number(r.count),
      example: String(r.example),
      timed: Number(r.timed),
    });
    result.set(name, list);
  }
  return result;
}

async function distinctTuples(session: Session, tuples: readonly (readonly string[])[]): Promise<number[]> {
  if (tuples.length === 0) return [];
  const counts = tuples.map((tuple, i) => {
    const parts = tuple.map(
      (f) => `json_extract_string(record, ${d.stringLiteral(`$.${JSON.stringify(f)}`)})`,
    );
    return `count(DISTINCT [${parts.join(', ')}]) AS t${i}`;
  });
  const found = await rows(session, `SELECT ${counts.join(', ')} FROM ${SAMPLE}`);
  return tuples.map((_, i) => Number(found[0]?.[`t${i}`] ?? 0));
}

/** A count of a query's row, 0 where there is none. */
function count(value: unknown): number {
  return Number(value ?? 0);
}

async function rows(session: Session, sql: string, params?: readonly SqlValue[]) {
  return (await session.query(sql, params)).rows;
}
