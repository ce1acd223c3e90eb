import { type CsvDialect, quoteFree } from '../engine/csv-grammar.ts';
import { RAW_COLUMNS } from '../engine/raw-columns.ts';
import type { Dialect } from '../engine/types.ts';
import type { ReasonCode } from './reasons.ts';
import type { ArrayField, Contract, ScalarField } from '../config/contract-schema.ts';

/**
 * Compiles a contract into SQL that runs in the engine: no record is validated in JavaScript.
 *
 * The SQL is a chain of relations the caller materialises as temporary tables, so each is
 * computed once however many checks read it:
 *
 *   raw rows ─▶ typed ─▶ violations ─▶ invalid ─▶ duplicate groups ─▶ duplicates ─▶ staged
 *                  └──▶ elements (per nested array) ─▶ element violations, child rows
 *
 * Deduplication ranks only the records whose key occurs more than once: ranking every record
 * (a window over the whole batch) cost more than typing it, and most keys are unique.
 *
 * Raw rows have the columns ingestion_id, load_date, source_file, record_position, source_line,
 * ingested_at, record, raw_text and parse_error (engine/raw-columns.ts): a JSON record's fields are
 * its keys; a CSV record's are the values of its line (split on the file's delimiter, or cut by the
 * CSV grammar when it holds a quote), found by the field's place in the file's header. Constants
 * of the contract (enum values, patterns, bounds) come from the project's definitions, never from
 * data, and are rendered as escaped literals by the dialect.
 */
export interface ContractSql {
  contract: Contract;
  scalarFields: string[];
  arrayFields: string[];
  /**
   * Raw rows plus record_key, strata_staged (true) and, per scalar field, `<field>__text` and,
   * unless it is a string (whose value is its text), the typed `<field>`.
   */
  typed(raw: RawRelations): string;
  /** One nested array's elements, typed like records: record_key, load_date, item_position, texts, values. */
  elements(typedRelation: string, arrayField: string): string;
  /** One row per violation: record_key, lineage, field, reason_code, message, raw_record. */
  violations(typedRelation: string, elementRelations: Record<string, string>): string;
  /** The record_key of every record with a violation, once. */
  invalid(violationsRelation: string): string;
  /**
   * The valid records' keys that occur more than once in a load date: load_date, the key columns
   * and strata_group (the key, null-safe, as one value to join on). Empty without a unique key.
   */
  duplicateGroups(typedRelation: string, invalidRelation: string): string;
  /** record_key and load_date of the valid records that lose to a duplicate (all but the latest). */
  duplicates(typedRelation: string, invalidRelation: string, groupsRelation: string): string;
  /**
   * Marks the typed records that are not staged (a violation, or a duplicate that lost): typed rows
   * carry strata_staged, true until then. A flag rather than anti-joins where the staged rows are
   * written: DuckDB then writes them as it goes, where a join made it write them all at commit.
   */
  unstage(typedRelation: string, invalidRelation: string, duplicatesRelation: string): string;
  /** The staged rows: typed fields then lineage columns, of the typed records still marked staged. */
  staged(typedRelation: string): string;
  /** The child rows of one nested array, for staged records only. */
  children(typedRelation: string, elementsRelation: string, arrayField: string): string;
}

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

/**
 * The columns of raw rows that typed rows keep: all but the run that loaded them and the text as
 * received, which only a quarantined record needs (it is read back from raw for those) and which
 * would otherwise be copied with every record.
 */
const TYPED_RAW_COLUMNS = RAW_COLUMNS.filter((column) => column !== 'run_id' && column !== 'raw_text');

/** A raw row that parsed: CSV rows have no JSON record, so `record IS NOT NULL` would not tell. */
const PARSED = 'parse_error IS NULL';

export interface CompileOptions {
  /** The dialects of the CSV files among the raw rows to type, each once. */
  csvDialects: readonly CsvDialect[];
}

export function compileContract(
  contract: Contract,
  dialect: Dialect,
  options: CompileOptions = { csvDialects: [] },
): ContractSql {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const text = dialect.type('text');
  const scalars = Object.entries(contract.fields).filter(
    (e): e is [string, ScalarField] => e[1].type !== 'array',
  );
  const arrays = Object.entries(contract.fields).filter(
    (e): e is [string, ArrayField] => e[1].type === 'array',
  );
  const arrayByName = new Map(arrays);
  const key = contract.uniqueKey ?? [];
  const nulls = contract.nullValues;

  const typedColumns = (json: string, fields: [string, ScalarField][]) =>
    fields.flatMap(([name, field]) => [
      `${textOf(dialect, json, field.from ?? name, field, nulls)} AS ${q(`${name}__text`)}`,
    ]);
  /**
   * A record's key as one value to join on: the key column itself when it is one required field
   * (never null in a valid record), else a null-safe hash of the key columns.
   */
  const groupKey = (alias: string) => {
    const only = key.length === 1 ? contract.fields[key[0] as string] : undefined;
    if (only && only.type !== 'array' && only.required) return `${alias}.${valueColumn(key[0] as string)}`;
    return dialect.hashKey(key.map((k) => `${alias}.${valueColumn(k)}`));
  };
  /** Keeps the parsed records of `t` that have no violation (an outer join: NOT EXISTS ran slower). */
  const validOnly = (invalidRelation: string) =>
    `LEFT JOIN ${invalidRelation} AS i ON i.record_key = t.record_key
WHERE t.${PARSED} AND i.record_key IS NULL`;
  const valueColumns = (fields: [string, ScalarField][]) =>
    fields
      .filter(([, field]) => field.type !== 'string')
      .map(([name, field]) => `${typedValue(dialect, q(`${name}__text`), field)} AS ${q(name)}`);
  const fieldByName = new Map(scalars);
  /** The typed column holding a record field's value (its name, or its text for a string). */
  const valueColumn = (name: string, field = fieldByName.get(name)) =>
    field?.type === 'string' ? q(`${name}__text`) : q(name);

  return {
    contract,
    scalarFields: scalars.map(([name]) => name),
    arrayFields: arrays.map(([name]) => name),

    typed: (raw) => {
      const recordKey = `concat_ws(':', r.ingestion_id, coalesce(CAST(r.record_position AS ${text}), 'line ' || CAST(r.source_line AS ${text})))`;
      const keys = scalars.map(([name, field]) => field.from ?? name);
      const extracted = dialect.jsonTexts('r.record', keys, 'strata_texts');
      // A CSV record's values: a quote-free line split on its file's delimiter, any other by the CSV
      // grammar of its file's dialect. (JSON records have no raw_text, malformed records no values.)
      const quoted = options.csvDialects.map(
        (csv) =>
          `WHEN f.line_delimiter = ${dialect.stringLiteral(csv.delimiter)} AND f.csv_quote = ${dialect.stringLiteral(csv.quote)}
      AND f.csv_escape = ${dialect.stringLiteral(csv.escape)} THEN ${dialect.csvValues('r.raw_text', csv)}`,
      );
      const csvValues = `CASE WHEN r.parse_error IS NULL AND r.raw_text IS NOT NULL THEN
    CASE WHEN ${quoteFree('r.raw_text', 'f.csv_quote', 'f.csv_escape')}
      THEN ${dialect.splitText('r.raw_text', 'f.line_delimiter')}
    ${quoted.join('\n    ')} END
  END AS strata_values`;
      // Where each field is in a file's lines, found once per file rather than once per record.
      const header = dialect.jsonArrayTexts(`CAST(csv_header AS ${dialect.type('json')})`);
      const places = keys.map(
        (key, i) => `${dialect.arrayPosition(header, dialect.stringLiteral(key))} AS strata_at_${i + 1}`,
      );
      const files = `SELECT ingestion_id, line_delimiter, csv_quote, csv_escape, ${dialect.arrayLength(header)} AS strata_columns${places.map((p) => `, ${p}`).join('')}
    FROM (${raw.files}) AS files`;
      const texts = scalars.map(
        ([name, field], i) =>
          `${cleanText(dialect, `coalesce((e.strata_values)[e.strata_at_${i + 1}], ${extracted.text(i)})`, field, nulls)} AS ${q(`${name}__text`)}`,
      );
      const values = valueColumns(scalars);
      const placeColumns = ['f.strata_columns', ...keys.map((_, i) => `f.strata_at_${i + 1}`)];
      const extract = ['r.*', ...extracted.select, csvValues, ...placeColumns].join(', ');
      // The raw columns are named rather than taken with e.*, so that the list of extracted texts
      // is not carried into (and copied with) every typed row.
      // A CSV record is malformed when its line does not have the header's number of fields.
      const found = dialect.arrayLength('e.strata_values');
      const parseError = `coalesce(e.parse_error, CASE WHEN e.strata_values IS NOT NULL AND ${found} <> e.strata_columns
    THEN 'COLUMN COUNT: expected ' || CAST(e.strata_columns AS ${text}) || ' columns, found ' || CAST(${found} AS ${text}) END) AS parse_error`;
      const kept = [
        ...['record_key', ...TYPED_RAW_COLUMNS.filter((column) => column !== 'parse_error')].map(
          (column) => `e.${column}`,
        ),
        parseError,
      ];
      const rawTexts = dialect.computedOnce(
        `SELECT ${recordKey} AS record_key, ${extract}
  FROM (${raw.rows}) AS r LEFT JOIN (${files}) AS f ON f.ingestion_id = r.ingestion_id`,
      );
      const cleaned = dialect.computedOnce(`SELECT ${[...kept, ...texts].join(', ')}
  FROM (${rawTexts}) AS e`);
      return `SELECT p.*${values.length ? `, ${values.join(', ')}` : ''}, TRUE AS strata_staged
FROM (${cleaned}) AS p`;
    },

    elements: (typedRelation, arrayField) => {
      const field = arrayByName.get(arrayField);
      if (!field) throw new Error(`${arrayField} is not an array field of the contract`);
      const items = Object.entries(field.items);
      const parents = `SELECT record_key, load_date, source_file, record_position, source_line, record FROM ${typedRelation} WHERE record IS NOT NULL`;
      const unnested = dialect.unnestJsonArray(
        parents,
        dialect.jsonValue('src.record', field.from ?? arrayField),
      );
      const texts = typedColumns('u.strata_item', items);
      const values = valueColumns(items);
      const cleaned =
        dialect.computedOnce(`SELECT u.record_key, u.load_date, u.source_file, u.record_position, u.source_line, u.record,
        u.strata_item_position AS item_position${texts.length ? `, ${texts.join(', ')}` : ''}
      FROM (${unnested}) AS u`);
      return `SELECT e.*${values.length ? `, ${values.join(', ')}` : ''}
FROM (${cleaned}) AS e`;
    },

    violations: (typedRelation, elementRelations) => {
      const checks = [
        violation(
          dialect,
          typedRelation,
          `NOT (${PARSED})`,
          "'*'",
          'malformed_record',
          `coalesce(parse_error, 'the record could not be parsed')`,
        ),
      ];
      for (const [name, field] of scalars) {
        checks.push(
          ...fieldChecks(dialect, typedRelation, PARSED, name, field, dialect.stringLiteral(name), name),
        );
      }
      for (const [name, field] of arrays) {
        checks.push(...arrayShapeChecks(dialect, typedRelation, name, field));
        const elements = elementRelations[name];
        if (!elements) continue;
        for (const [item, spec] of Object.entries(field.items)) {
          const label = `${dialect.stringLiteral(`${name}[`)} || CAST(item_position AS ${text}) || ${dialect.stringLiteral(`].${item}`)}`;
          // Elements come from parsed JSON records only.
          checks.push(...fieldChecks(dialect, elements, 'TRUE', item, spec, label, `${name}[].${item}`));
        }
      }
      return checks.join('\nUNION ALL\n');
    },

    invalid: (violationsRelation) => `SELECT DISTINCT record_key FROM ${violationsRelation}`,

    duplicateGroups: (typedRelation, invalidRelation) => {
      if (key.length === 0) return `SELECT load_date, NULL AS strata_group FROM ${typedRelation} WHERE 1 = 0`;
      const columns = ['load_date', ...key.map((k) => valueColumn(k))].map((column) => `t.${column}`);
      return `SELECT ${columns.join(', ')}, ${groupKey('t')} AS strata_group
FROM ${typedRelation} AS t ${validOnly(invalidRelation)}
GROUP BY ${columns.join(', ')} HAVING count(*) > 1`;
    },

    duplicates: (typedRelation, invalidRelation, groupsRelation) => {
      if (key.length === 0) return `SELECT record_key, load_date FROM ${typedRelation} WHERE 1 = 0`;
      const order = [
        contract.latestBy ? `t.${valueColumn(contract.latestBy)} DESC NULLS LAST` : undefined,
        't.ingested_at DESC',
        't.record_position DESC',
      ].filter(Boolean);
      const partition = ['t.load_date', ...key.map((k) => `t.${valueColumn(k)}`)].join(', ');
      return `SELECT record_key, load_date FROM (
  SELECT t.record_key, t.load_date, row_number() OVER (PARTITION BY ${partition} ORDER BY ${order.join(', ')}) AS strata_rank
  FROM ${typedRelation} AS t JOIN ${groupsRelation} AS g ON g.load_date = t.load_date AND g.strata_group = ${groupKey('t')}
  ${validOnly(invalidRelation)}
) AS ranked WHERE strata_rank > 1`;
    },

    unstage: (typedRelation, invalidRelation, duplicatesRelation) =>
      `UPDATE ${typedRelation} SET strata_staged = FALSE
WHERE record_key IN (SELECT record_key FROM ${invalidRelation} UNION ALL SELECT record_key FROM ${duplicatesRelation})`,

    staged: (typed) =>
      `SELECT ${[
        ...scalars.map(([name, field]) => `t.${valueColumn(name, field)} AS ${q(name)}`),
        't.load_date',
        't.source_file AS _source_file',
        't.record_position AS _record_position',
        't.ingestion_id AS _ingestion_id',
      ].join(', ')}
FROM ${typed} AS t WHERE t.strata_staged`,

    children: (typed, elementsRelation, arrayField) => {
      const field = arrayByName.get(arrayField);
      if (!field) throw new Error(`${arrayField} is not an array field of the contract`);
      const parentColumns = key.length
        ? key.map((k) => `t.${valueColumn(k)} AS ${q(k)}`)
        : ['t.source_file AS _source_file', 't.record_position AS _record_position'];
      const items = Object.entries(field.items).map(
        ([item, spec]) => `e.${valueColumn(item, spec)} AS ${q(item)}`,
      );
      return `SELECT ${[...parentColumns, 'e.item_position', ...items, 't.load_date', 't.ingestion_id AS _ingestion_id'].join(', ')}
FROM ${elementsRelation} AS e JOIN ${typed} AS t ON t.record_key = e.record_key WHERE t.strata_staged`;
    },
  };
}

function violation(
  dialect: Dialect,
  relation: string,
  predicate: string,
  fieldSql: string,
  reason: ReasonCode,
  message: string,
): string {
  return `SELECT record_key, load_date, source_file, record_position, source_line, ${fieldSql} AS field,
  ${dialect.stringLiteral(reason)} AS reason_code, ${message} AS message
FROM ${relation} WHERE ${predicate}`;
}

/** The checks of one scalar field (a record's or an array element's), each a SELECT of violations. */
function fieldChecks(
  dialect: Dialect,
  relation: string,
  parsedPredicate: string,
  name: string,
  field: ScalarField,
  labelSql: string,
  label: string,
): string[] {
  const text = dialect.quoteIdentifier(`${name}__text`);
  // A string's value is its text (see valueColumns): there is no type to fail.
  const value = field.type === 'string' ? text : dialect.quoteIdentifier(name);
  const shown = `'"' || left(${text}, 80) || '"'`;
  const says = (what: string) =>
    `${dialect.stringLiteral(`${label}: `)} || ${shown} || ${dialect.stringLiteral(` ${what}`)}`;
  const parsed = (predicate: string) => `${parsedPredicate} AND ${predicate}`;
  const checks: string[] = [];
  if (field.required) {
    checks.push(
      violation(
        dialect,
        relation,
        parsed(`${text} IS NULL`),
        labelSql,
        'missing_required',
        dialect.stringLiteral(`${label} is required but missing`),
      ),
    );
  }
  if (field.type !== 'string') {
    checks.push(
      violation(
        dialect,
        relation,
        parsed(`${text} IS NOT NULL AND ${value} IS NULL`),
        labelSql,
        field.type === 'enum' ? 'unknown_enum' : 'invalid_type',
        says(`is not ${describeType(field)}`),
      ),
    );
  }
  const bounds: [number | string | undefined, '<' | '>', string][] = [];
  if ('min' in field) bounds.push([field.min, '<', 'is below the minimum']);
  if ('max' in field) bounds.push([field.max, '>', 'is above the maximum']);
  for (const [bound, op, words] of bounds) {
    if (bound === undefined) continue;
    checks.push(
      violation(
        dialect,
        relation,
        parsed(`${value} ${op} ${boundLiteral(dialect, field, bound)}`),
        labelSql,
        'out_of_range',
        says(`${words} ${bound}`),
      ),
    );
  }
  if (field.type === 'string' && field.pattern) {
    checks.push(
      violation(
        dialect,
        relation,
        parsed(`${value} IS NOT NULL AND NOT ${dialect.regexFullMatch(value, field.pattern)}`),
        labelSql,
        'pattern_mismatch',
        says(`does not match ${field.pattern}`),
      ),
    );
  }
  return checks;
}

function arrayShapeChecks(dialect: Dialect, relation: string, name: string, field: ArrayField): string[] {
  const type = dialect.jsonTypeOf('record', field.from ?? name);
  const label = dialect.stringLiteral(name);
  const checks: string[] = [];
  if (field.required) {
    checks.push(
      violation(
        dialect,
        relation,
        `record IS NOT NULL AND (${type} IS NULL OR ${type} = 'NULL')`,
        label,
        'missing_required',
        dialect.stringLiteral(`${name} is required but missing`),
      ),
    );
  }
  checks.push(
    violation(
      dialect,
      relation,
      `record IS NOT NULL AND ${type} NOT IN ('ARRAY', 'NULL')`,
      label,
      'invalid_type',
      dialect.stringLiteral(`${name} is not an array`),
    ),
  );
  return checks;
}

/** The field's text: trimmed (strings unless trim: false), with empty and null-marker strings as null. */
function textOf(
  dialect: Dialect,
  json: string,
  key: string,
  field: ScalarField,
  contractNulls: string[],
): string {
  return cleanText(dialect, dialect.jsonText(json, key), field, contractNulls);
}

/**
 * A field's text trimmed (unless the field keeps spaces), with the null markers as null. Only a
 * text that starts or ends with a space is trimmed: trim copies every text it is given, which cost
 * a third of the time of typing a batch whose values (as almost all are) need none.
 */
function cleanText(dialect: Dialect, raw: string, field: ScalarField, contractNulls: string[]): string {
  const markers = [...new Set(['', ...contractNulls, ...(field.nullValues ?? [])])];
  const list = (values: string[]) => values.map((v) => dialect.stringLiteral(v)).join(', ');
  if (field.type === 'string' && !field.trim) {
    return `CASE WHEN ${raw} IN (${list(markers)}) THEN NULL ELSE ${raw} END`;
  }
  // Spaces only, named, on both engines (DuckDB's trim(x) also takes other Unicode spaces), so a
  // text without an outer space is its own trimmed text.
  const trimmed = `trim(${raw}, ' ')`;
  return `CASE WHEN ${raw} LIKE ' %' OR ${raw} LIKE '% ' THEN CASE WHEN ${trimmed} IN (${list(markers)}) THEN NULL ELSE ${trimmed} END
    WHEN ${raw} IN (${list(markers)}) THEN NULL ELSE ${raw} END`;
}

function typedValue(dialect: Dialect, text: string, field: ScalarField): string {
  switch (field.type) {
    case 'string':
      return text;
    case 'integer':
      return dialect.tryCast(text, dialect.type('bigint'));
    case 'decimal':
      return dialect.tryCast(text, `DECIMAL(${field.precision}, ${field.scale})`);
    case 'number':
      return dialect.tryCast(text, dialect.type('double'));
    case 'boolean': {
      const list = (values: string[]) => values.map((v) => dialect.stringLiteral(v.toLowerCase())).join(', ');
      return `CASE WHEN lower(${text}) IN (${list(field.trueValues)}) THEN TRUE WHEN lower(${text}) IN (${list(field.falseValues)}) THEN FALSE END`;
    }
    case 'date':
      return field.formats
        ? `CAST(${parseWithFormats(dialect, text, field.formats)} AS DATE)`
        : dialect.tryCast(text, 'DATE');
    case 'timestamp':
      return field.formats
        ? parseWithFormats(dialect, text, field.formats)
        : dialect.tryCast(text, dialect.type('timestamp'));
    case 'enum': {
      if (!field.caseInsensitive) {
        return `CASE WHEN ${text} IN (${field.values.map((v) => dialect.stringLiteral(v)).join(', ')}) THEN ${text} END`;
      }
      const arms = field.values.map(
        (v) => `WHEN ${dialect.stringLiteral(v.toLowerCase())} THEN ${dialect.stringLiteral(v)}`,
      );
      return `CASE lower(${text}) ${arms.join(' ')} END`;
    }
  }
}

function parseWithFormats(dialect: Dialect, text: string, formats: string[]): string {
  const attempts = formats.map((f) => dialect.tryParseTimestamp(text, f));
  return attempts.length === 1 ? (attempts[0] as string) : `coalesce(${attempts.join(', ')})`;
}

function boundLiteral(dialect: Dialect, field: ScalarField, value: number | string): string {
  if (field.type === 'date') return `CAST(${dialect.stringLiteral(String(value))} AS DATE)`;
  if (field.type === 'timestamp')
    return `CAST(${dialect.stringLiteral(String(value))} AS ${dialect.type('timestamp')})`;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`bound ${value} is not a finite number`);
  return String(value);
}

function describeType(field: ScalarField): string {
  switch (field.type) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'decimal':
      return `a decimal(${field.precision},${field.scale})`;
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'date':
      return `a date${field.formats ? ` (${field.formats.join(' or ')})` : ' (YYYY-MM-DD)'}`;
    case 'timestamp':
      return `a timestamp${field.formats ? ` (${field.formats.join(' or ')})` : ' (ISO 8601)'}`;
    case 'enum':
      return `one of ${field.values.join(', ')}`;
  }
}
