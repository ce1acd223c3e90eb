import { type CsvDialect, quoteFree } from '../engine/csv-grammar.ts';
import { RAW_COLUMNS } from '../engine/raw-columns.ts';
import type { Dialect } from '../engine/types.ts';
import { cleanText } from './clean-text.ts';
import type { ScalarField } from '../config/contract-schema.ts';
import { type ContractFields, LOAD_DATE_FIELD, arrayColumn } from './contract-fields.ts';
import { typedValueColumns } from './typed-value.ts';

/** What typing reads: the raw rows, and the files they came from (for CSV, their layout). */
export interface RawRelations {
  /** SQL of the raw rows to type (a relation's body). */
  rows: string;
  /**
   * SQL of one row per file version among them: ingestion_id, and for a CSV file (null for other
   * formats) csv_header (a JSON array of the header's fields in file order, as text),
   * line_delimiter, csv_quote and csv_escape.
   */
  files: string;
}

/** A raw row that parsed: CSV rows have no JSON record, so `record IS NOT NULL` would not tell. */
export const PARSED = 'parse_error IS NULL';

/** A JSON record's texts of the fields' keys: the columns extracting them, and each one's SQL. */
type JsonTexts = ReturnType<Dialect['jsonTexts']>;

/**
 * The columns of raw rows that typed rows keep: all but the run that loaded them and the record as
 * received (its text or JSON), which only a quarantined record needs (it is read back from raw for
 * those) and which would otherwise be copied with every record. Instead they carry strata_json
 * (the row is a JSON record) and each nested array's value (arrayColumn).
 */
const TYPED_RAW_COLUMNS = RAW_COLUMNS.filter(
  (column) => column !== 'run_id' && column !== 'raw_text' && column !== 'record',
);

/** The typed columns standing for the record: whether it is JSON, and its nested arrays' values. */
function recordColumns(fields: ContractFields): string[] {
  return ['strata_json', ...fields.arrays.map(([name]) => arrayColumn(fields, name))];
}

/**
 * Typed rows in three steps (the first two each computed once): extract every field's raw text (from a JSON
 * record's keys or a CSV line's values), clean the texts (trim, null markers) and find malformed
 * CSV lines, then cast the texts to the fields' types.
 */
export function typedRows(
  fields: ContractFields,
  raw: RawRelations,
  csvDialects: readonly CsvDialect[],
  csvOnly = false,
): string {
  const { dialect } = fields;
  // The nested arrays' values are read with the texts, in the same pass over each record.
  const arrayKeys = fields.arrays.map(([name, field]) => field.from ?? name);
  const json = !csvOnly || csvDialects.length === 0;
  const jsonTexts = json
    ? dialect.jsonTexts('r.record', sourceKeys(fields), 'strata_texts', arrayKeys)
    : noJsonTexts(dialect);
  const extracted = extractedTexts(fields, jsonTexts, raw, csvDialects);
  const values = typedValueColumns(dialect, textFields(fields));
  const picked = pickedTexts(fields, jsonTexts, extracted, csvDialects.length > 0, json);
  const typed = `SELECT p.*${values.length ? `, ${values.join(', ')}` : ''}, TRUE AS strata_staged
FROM (${cleanedTexts(fields, picked)}) AS p`;
  return fields.loadDate ? withRecordDates(fields, typed) : typed;
}

/**
 * A batch of CSV files alone holds no JSON record: no text is extracted from one (the record is
 * null on every row). The JSON texts' extraction and their coalesce with the CSV values, computed
 * for nothing, cost a seventh of typing 841 k events.
 */
function noJsonTexts(dialect: Dialect): JsonTexts {
  return {
    select: [],
    text: () => `CAST(NULL AS ${dialect.type('text')})`,
    value: () => `CAST(NULL AS ${dialect.type('json')})`,
  };
}

/** The scalar fields whose texts are extracted: the contract's, then the load date column's. */
function textFields(fields: ContractFields): [string, ScalarField][] {
  return fields.loadDate ? [...fields.scalars, fields.loadDate] : fields.scalars;
}

/**
 * Typed rows whose load_date is their load date column's date; a record whose column has none (it
 * is quarantined) takes the earliest date of its file, or else the date raw holds it under, which
 * strata_raw_date keeps (the quarantine reads a record's text back from raw by it).
 */
function withRecordDates(fields: ContractFields, typed: string): string {
  const { dialect } = fields;
  const q = (name: string) => dialect.quoteIdentifier(name);
  const date = `CAST(t.${q(LOAD_DATE_FIELD)} AS DATE)`;
  const columns = [
    'record_key',
    ...TYPED_RAW_COLUMNS.filter((column) => column !== 'load_date'),
    ...recordColumns(fields),
    ...textFields(fields).flatMap(([name, field]) => [
      q(`${name}__text`),
      ...(field.type === 'string' ? [] : [q(name)]),
    ]),
    'strata_staged',
  ];
  return `SELECT ${columns.map((column) => `t.${column}`).join(', ')},
  coalesce(${date}, min(${date}) OVER (PARTITION BY t.ingestion_id), t.load_date) AS load_date, t.load_date AS strata_raw_date
FROM (${typed}) AS t`;
}

/**
 * Raw rows with record_key and what each field's text is read from: a JSON record's extracted
 * texts (strata_texts), a CSV line's values (strata_values), and where each field sits in the
 * file's lines (strata_at_<n>, with the header's number of fields as strata_columns). Without a
 * CSV dialect among the files (none of them has a CSV header) no line has values, and the files'
 * layouts are neither joined nor read: the join and the CSV columns cost a fifth of typing 603 k Parquet
 * records.
 */
function extractedTexts(
  fields: ContractFields,
  jsonTexts: JsonTexts,
  raw: RawRelations,
  csvDialects: readonly CsvDialect[],
): string {
  const { dialect } = fields;
  const keys = sourceKeys(fields);
  const placeColumns = ['f.strata_columns', ...keys.map((_, i) => `f.strata_at_${i + 1}`)];
  const csv = csvDialects.length > 0;
  const extract = [
    'r.*',
    'r.record IS NOT NULL AS strata_json',
    ...jsonTexts.select,
    ...(csv ? [csvValues(dialect, csvDialects), ...placeColumns] : []),
  ].join(', ');
  const layouts = csv
    ? ` LEFT JOIN (${fileLayouts(dialect, keys, raw.files)}) AS f ON f.ingestion_id = r.ingestion_id`
    : '';
  return dialect.computedOnce(
    `SELECT ${recordKey(dialect)} AS record_key, ${extract}
  FROM (${raw.rows}) AS r${layouts}`,
  );
}

/**
 * Each field's text as read, once (`strata_raw_<n>`: its CSV value, else its JSON text), with the
 * kept raw columns and a parse error for a CSV line without the header's number of fields. Picked in
 * a step of its own because cleaning reads a text up to six times (the CASE of cleanText): inline,
 * the coalesce, and the list subscript in it, ran as many times (a fifth of typing 841 k events).
 */
function pickedTexts(
  fields: ContractFields,
  jsonTexts: JsonTexts,
  extractedSql: string,
  csv: boolean,
  json: boolean,
): string {
  const picked = textFields(fields).map((_, i) => {
    const value = `(e.strata_values)[e.strata_at_${i + 1}]`;
    const text = jsonTexts.text(i);
    const read = !csv ? text : json ? `coalesce(${value}, ${text})` : value;
    return `${read} AS strata_raw_${i + 1}`;
  });
  // The raw columns are named rather than taken with e.*, so that the list of extracted texts
  // is not carried into (and copied with) every typed row.
  const kept = [
    ...['record_key', ...TYPED_RAW_COLUMNS.filter((column) => column !== 'parse_error'), 'strata_json'].map(
      (column) => `e.${column}`,
    ),
    ...fields.arrays.map(([name], j) => `${jsonTexts.value(j)} AS ${arrayColumn(fields, name)}`),
    csv ? columnCountError(fields.dialect) : 'e.parse_error',
  ];
  return fields.dialect.computedOnce(`SELECT ${[...kept, ...picked].join(', ')}
  FROM (${extractedSql}) AS e`);
}

/** The kept columns and each field's cleaned text (trimmed, null markers as null) as `<field>__text`. */
function cleanedTexts(fields: ContractFields, pickedSql: string): string {
  const { dialect, nulls } = fields;
  const texts = textFields(fields).map(
    ([name, field], i) =>
      `${cleanText(dialect, `k.strata_raw_${i + 1}`, field, nulls)} AS ${dialect.quoteIdentifier(`${name}__text`)}`,
  );
  const kept = [
    'record_key',
    ...TYPED_RAW_COLUMNS.filter((column) => column !== 'parse_error'),
    ...recordColumns(fields),
    'parse_error',
  ].map((column) => `k.${column}`);
  return dialect.computedOnce(`SELECT ${[...kept, ...texts].join(', ')}
  FROM (${pickedSql}) AS k`);
}

/** The names the record's scalar fields have in the source, in contract order. */
function sourceKeys(fields: ContractFields): string[] {
  return textFields(fields).map(([name, field]) => field.from ?? name);
}

/** A record's identity: its file version and its position (a JSON record's) or line (a CSV record's). */
function recordKey(dialect: Dialect): string {
  const text = dialect.type('text');
  return `concat_ws(':', r.ingestion_id, coalesce(CAST(r.record_position AS ${text}), 'line ' || CAST(r.source_line AS ${text})))`;
}

/**
 * A CSV record's values: a quote-free line split on its file's delimiter, any other by the CSV
 * grammar of its file's dialect. (JSON records have no raw_text, malformed records no values.)
 */
function csvValues(dialect: Dialect, csvDialects: readonly CsvDialect[]): string {
  const quoted = csvDialects.map(
    (csv) =>
      `WHEN f.line_delimiter = ${dialect.stringLiteral(csv.delimiter)} AND f.csv_quote = ${dialect.stringLiteral(csv.quote)}
      AND f.csv_escape = ${dialect.stringLiteral(csv.escape)} THEN ${dialect.csvValues('r.raw_text', csv)}`,
  );
  return `CASE WHEN r.parse_error IS NULL AND r.raw_text IS NOT NULL THEN
    CASE WHEN ${quoteFree('r.raw_text', 'f.csv_quote', 'f.csv_escape')}
      THEN ${dialect.splitText('r.raw_text', 'f.line_delimiter')}
    ${quoted.join('\n    ')} END
  END AS strata_values`;
}

/** Where each field is in a file's lines, found once per file rather than once per record. */
function fileLayouts(dialect: Dialect, keys: string[], filesSql: string): string {
  const header = dialect.jsonArrayTexts(`CAST(csv_header AS ${dialect.type('json')})`);
  const places = keys.map(
    (key, i) => `${dialect.arrayPosition(header, dialect.stringLiteral(key))} AS strata_at_${i + 1}`,
  );
  return `SELECT ingestion_id, line_delimiter, csv_quote, csv_escape, ${dialect.arrayLength(header)} AS strata_columns${places.map((p) => `, ${p}`).join('')}
    FROM (${filesSql}) AS files`;
}

/** A CSV record is malformed when its line does not have the header's number of fields. */
function columnCountError(dialect: Dialect): string {
  const text = dialect.type('text');
  const found = dialect.arrayLength('e.strata_values');
  return `coalesce(e.parse_error, CASE WHEN e.strata_values IS NOT NULL AND ${found} <> e.strata_columns
    THEN 'COLUMN COUNT: expected ' || CAST(e.strata_columns AS ${text}) || ' columns, found ' || CAST(${found} AS ${text}) END) AS parse_error`;
}
