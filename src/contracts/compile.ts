import { RAW_COLUMNS, rawCsvColumn } from '../engine/raw-columns.ts';
import type { Dialect } from '../engine/types.ts';
import type { ReasonCode } from './reasons.ts';
import type { ArrayField, Contract, ScalarField } from './schema.ts';

/**
 * Compiles a contract into SQL that runs in the engine: no record is validated in JavaScript.
 *
 * The SQL is a chain of relations the caller materialises as temporary tables, so each is
 * computed once however many checks read it:
 *
 *   raw rows ─▶ typed ─▶ violations ─▶ ranked ─▶ staged / duplicates
 *                  └──▶ elements (per nested array) ─▶ element violations, child rows
 *
 * Raw rows have the columns ingestion_id, load_date, source_file, record_position, source_line,
 * ingested_at, record (JSON; null when the record did not parse), raw_text and parse_error.
 * Constants of the contract (enum values, patterns, bounds) come from the project's definitions,
 * never from data, and are rendered as escaped literals by the dialect.
 */
export interface ContractSql {
  contract: Contract;
  scalarFields: string[];
  arrayFields: string[];
  /** Raw rows plus record_key and, per scalar field, `<field>__text` and the typed `<field>`. */
  typed(rawRows: string): string;
  /** One nested array's elements, typed: record_key, load_date, item_position, `<item>__text`, `<item>`. */
  elements(typedRelation: string, arrayField: string): string;
  /** One row per violation: record_key, lineage, field, reason_code, message, raw_record. */
  violations(typedRelation: string, elementRelations: Record<string, string>): string;
  /** Valid records with their rank among duplicates (1 survives). */
  ranked(typedRelation: string, violationsRelation: string): string;
  /** The staged rows: typed fields then lineage columns. */
  staged(rankedRelation: string): string;
  /** The child rows of one nested array, for staged records only. */
  children(rankedRelation: string, elementsRelation: string, arrayField: string): string;
}

/** The columns of raw rows that typed rows keep (see above): all but the run that loaded them. */
const KEPT_RAW_COLUMNS = RAW_COLUMNS.filter((column) => column !== 'run_id');

export interface CompileOptions {
  /**
   * The raw table's columns. A CSV field is read from its own column when the table has one (see
   * engine/raw-columns.ts), else from the JSON record (CSV rows loaded before the columns existed).
   */
  rawColumns?: readonly string[];
}

/** A raw row that parsed: CSV rows have no JSON record, so `record IS NOT NULL` would not tell. */
const PARSED = 'parse_error IS NULL';

export function compileContract(
  contract: Contract,
  dialect: Dialect,
  options: CompileOptions = {},
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
  const rawColumns = new Set(options.rawColumns ?? []);
  /** A field's text as received: its CSV column when raw has one, else the JSON record's key. */
  const receivedText = (fieldKey: string, fromJson: string) => {
    const column = rawCsvColumn(fieldKey);
    return rawColumns.has(column) ? `coalesce(e.${q(column)}, ${fromJson})` : fromJson;
  };

  const typedColumns = (json: string, fields: [string, ScalarField][]) =>
    fields.flatMap(([name, field]) => [
      `${textOf(dialect, json, field.from ?? name, field, nulls)} AS ${q(`${name}__text`)}`,
    ]);
  const valueColumns = (fields: [string, ScalarField][]) =>
    fields.map(([name, field]) => `${typedValue(dialect, q(`${name}__text`), field)} AS ${q(name)}`);

  return {
    contract,
    scalarFields: scalars.map(([name]) => name),
    arrayFields: arrays.map(([name]) => name),

    typed: (rawRows) => {
      const recordKey = `concat_ws(':', r.ingestion_id, coalesce(CAST(r.record_position AS ${text}), 'line ' || CAST(r.source_line AS ${text})))`;
      const extracted = dialect.jsonTexts(
        'r.record',
        scalars.map(([name, field]) => field.from ?? name),
        'strata_texts',
      );
      const texts = scalars.map(
        ([name, field], i) =>
          `${cleanText(dialect, receivedText(field.from ?? name, extracted.text(i)), field, nulls)} AS ${q(`${name}__text`)}`,
      );
      const values = valueColumns(scalars);
      const extract = ['r.*', ...extracted.select].join(', ');
      // The raw columns are named rather than taken with e.*, so that the list of extracted texts
      // is not carried into (and copied with) every typed row.
      const kept = ['record_key', ...KEPT_RAW_COLUMNS].map((column) => `e.${column}`);
      const rawTexts = dialect.computedOnce(
        `SELECT ${recordKey} AS record_key, ${extract} FROM (${rawRows}) AS r`,
      );
      const cleaned = dialect.computedOnce(`SELECT ${[...kept, ...texts].join(', ')}
  FROM (${rawTexts}) AS e`);
      return `SELECT p.*${values.length ? `, ${values.join(', ')}` : ''}
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

    ranked: (typedRelation, violationsRelation) => {
      const order = [
        contract.latestBy ? `${q(contract.latestBy)} DESC NULLS LAST` : undefined,
        'ingested_at DESC',
        'record_position DESC',
      ].filter(Boolean);
      const rank = key.length
        ? `row_number() OVER (PARTITION BY load_date, ${key.map(q).join(', ')} ORDER BY ${order.join(', ')})`
        : '1';
      // Only what staging, children and reconciliation read: carrying the raw record and the
      // per-field texts through the sort would multiply the bytes the window function moves.
      const kept = ['record_key', 'load_date', 'source_file', 'record_position', 'ingestion_id']
        .concat(scalars.map(([name]) => q(name)))
        .map((column) => `t.${column}`);
      return `SELECT ${kept.join(', ')}, ${rank} AS strata_rank FROM ${typedRelation} AS t
WHERE t.${PARSED} AND NOT EXISTS (SELECT 1 FROM ${violationsRelation} AS v WHERE v.record_key = t.record_key)`;
    },

    staged: (rankedRelation) =>
      `SELECT ${[
        ...scalars.map(([name]) => q(name)),
        'load_date',
        'source_file AS _source_file',
        'record_position AS _record_position',
        'ingestion_id AS _ingestion_id',
      ].join(', ')}
FROM ${rankedRelation} WHERE strata_rank = 1`,

    children: (rankedRelation, elementsRelation, arrayField) => {
      const field = arrayByName.get(arrayField);
      if (!field) throw new Error(`${arrayField} is not an array field of the contract`);
      const parentColumns = key.length
        ? key.map((k) => `p.${q(k)}`)
        : ['p.source_file AS _source_file', 'p.record_position AS _record_position'];
      return `SELECT ${[...parentColumns, 'e.item_position', ...Object.keys(field.items).map((item) => `e.${q(item)}`), 'p.load_date', 'p.ingestion_id AS _ingestion_id'].join(', ')}
FROM ${elementsRelation} AS e JOIN ${rankedRelation} AS p ON p.record_key = e.record_key
WHERE p.strata_rank = 1`;
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
  const value = dialect.quoteIdentifier(name);
  const text = dialect.quoteIdentifier(`${name}__text`);
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

/** A field's text trimmed (unless the field keeps spaces), with the null markers as null. */
function cleanText(dialect: Dialect, raw: string, field: ScalarField, contractNulls: string[]): string {
  const trimmed = field.type === 'string' && !field.trim ? raw : `trim(${raw})`;
  const markers = [...new Set(['', ...contractNulls, ...(field.nullValues ?? [])])].map((v) =>
    dialect.stringLiteral(v),
  );
  return `CASE WHEN ${trimmed} IN (${markers.join(', ')}) THEN NULL ELSE ${trimmed} END`;
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
