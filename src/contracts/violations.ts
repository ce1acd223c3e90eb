import type { ArrayField, ScalarField } from '../config/contract-schema.ts';
import type { Dialect } from '../engine/types.ts';
import { type ContractFields, arrayColumn, arrayFieldNamed } from './contract-fields.ts';
import { type DecimalField, DecimalText } from './decimal-text.ts';
import type { ReasonCode } from './reasons.ts';
import { PARSED } from './typed-rows.ts';

/** One check: the rows of its relation it finds (`where`), and the SELECT of their violations. */
interface Check {
  where: string;
  sql: string;
}

/**
 * One row per violation (record × field × reason): record_key, lineage, field, reason_code,
 * message. A record that did not parse has one (malformed_record) and no field checked; a nested
 * array's elements are checked when their relation is given.
 *
 * Each check is a SELECT of its own, so the relations given should hold only the rows some check
 * finds (`suspects`): every record checked once per check cost a scan of the batch per check (about
 * forty for orders), where the suspects are found in one.
 */
export function violations(
  fields: ContractFields,
  typedRelation: string,
  elementRelations: Record<string, string>,
): string {
  const checks = recordChecks(fields, typedRelation);
  for (const [name] of fields.arrays) {
    const elements = elementRelations[name];
    if (elements) checks.push(...elementChecks(fields, elements, name));
  }
  return checks.map((check) => check.sql).join('\nUNION ALL\n');
}

/**
 * The typed rows at least one check of a record finds: every column, in one scan. Violations read
 * from them give the same rows as from the whole relation, since a check only ever finds a row its
 * own predicate holds for.
 */
export function suspects(fields: ContractFields, typedRelation: string): string {
  return `SELECT * FROM ${typedRelation} WHERE ${anyOf(recordChecks(fields, typedRelation))}`;
}

/**
 * The elements of one nested array at least one of its items' checks finds, with their record's
 * lineage (elements do not carry it: see nested-arrays.ts) joined back from the typed rows.
 */
export function suspectElements(
  fields: ContractFields,
  typedRelation: string,
  elementsRelation: string,
  arrayField: string,
): string {
  const checks = elementChecks(fields, 'e', arrayField);
  return `SELECT e.*, t.load_date, t.source_file, t.record_position, t.source_line
FROM (SELECT * FROM ${elementsRelation} WHERE ${anyOf(checks)}) AS e
  JOIN ${typedRelation} AS t ON t.record_key = e.record_key`;
}

function anyOf(checks: Check[]): string {
  return checks.length ? checks.map((check) => `(${check.where})`).join('\n  OR ') : 'FALSE';
}

/** The checks of a record: malformed, each scalar field's, the load date column's, each array's shape. */
function recordChecks(fields: ContractFields, typedRelation: string): Check[] {
  const { dialect, scalars, arrays } = fields;
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
  if (fields.loadDate) {
    // The record's load date: field load_date in the quarantine, its column named in the message.
    const [name, field] = fields.loadDate;
    const label = `load_date (from ${field.from ?? name})`;
    checks.push(...fieldChecks(dialect, typedRelation, PARSED, name, field, "'load_date'", label));
  }
  for (const [name, field] of arrays) {
    checks.push(...arrayShapeChecks(dialect, typedRelation, name, field, arrayColumn(fields, name)));
  }
  return checks;
}

/** The checks of one nested array's elements (from parsed JSON records only). */
function elementChecks(fields: ContractFields, elements: string, arrayField: string): Check[] {
  const { dialect } = fields;
  const text = dialect.type('text');
  const field = arrayFieldNamed(fields, arrayField);
  return Object.entries(field.items).flatMap(([item, spec]) => {
    const label = `${dialect.stringLiteral(`${arrayField}[`)} || CAST(item_position AS ${text}) || ${dialect.stringLiteral(`].${item}`)}`;
    return fieldChecks(dialect, elements, 'TRUE', item, spec, label, `${arrayField}[].${item}`);
  });
}

/** The record_key of every record with a violation, once. */
export function invalidRecords(violationsRelation: string): string {
  return `SELECT DISTINCT record_key FROM ${violationsRelation}`;
}

function violation(
  dialect: Dialect,
  relation: string,
  predicate: string,
  fieldSql: string,
  reason: ReasonCode,
  message: string,
): Check {
  return {
    where: predicate,
    sql: `SELECT record_key, load_date, source_file, record_position, source_line, ${fieldSql} AS field,
  ${dialect.stringLiteral(reason)} AS reason_code, ${message} AS message
FROM ${relation} WHERE ${predicate}`,
  };
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
): Check[] {
  const text = dialect.quoteIdentifier(`${name}__text`);
  // A string's value is its text (see typedValueColumns): there is no type to fail.
  const value = field.type === 'string' ? text : dialect.quoteIdentifier(name);
  const shown = `'"' || left(${text}, 80) || '"'`;
  const says = (what: string) =>
    `${dialect.stringLiteral(`${label}: `)} || ${shown} || ${dialect.stringLiteral(` ${what}`)}`;
  const parsed = (predicate: string) => `${parsedPredicate} AND ${predicate}`;
  const checks: Check[] = [];
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
    // A decimal that is a number but does not fit has reasons of its own (decimalChecks).
    const notANumber =
      field.type === 'decimal' ? ` AND NOT ${new DecimalText(dialect, text).isDecimal()}` : '';
    checks.push(
      violation(
        dialect,
        relation,
        parsed(`${text} IS NOT NULL AND ${value} IS NULL${notANumber}`),
        labelSql,
        field.type === 'enum' ? 'unknown_enum' : 'invalid_type',
        says(`is not ${describeType(field)}`),
      ),
    );
  }
  if (field.type === 'decimal') {
    checks.push(...decimalChecks(dialect, relation, parsed, field, { text, value, labelSql, says }));
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

/**
 * A decimal that is a number but has no value did not fit: more integer digits than the type holds
 * (decimal_out_of_range; for a rounding field, possibly only once rounded: 99.995 → 100.00) or,
 * unless the field rounds, more places than its scale (decimal_out_of_scale). A value can break both.
 */
function decimalChecks(
  dialect: Dialect,
  relation: string,
  parsed: (predicate: string) => string,
  field: DecimalField,
  sql: { text: string; value: string; labelSql: string; says: (what: string) => string },
): Check[] {
  const d = new DecimalText(dialect, sql.text);
  const { precision, scale } = field;
  const integerDigits = precision - scale;
  const notFitting = `${sql.text} IS NOT NULL AND ${sql.value} IS NULL AND ${d.isDecimal()}`;
  const type = `decimal(${precision},${scale})`;
  const digits = `has more than ${integerDigits} integer digit${integerDigits === 1 ? '' : 's'} (${type})`;
  const largerPrecision = 'give the field a larger precision';
  const checks = [
    violation(
      dialect,
      relation,
      parsed(field.round ? notFitting : `${notFitting} AND ${d.integerDigits()} > ${integerDigits}`),
      sql.labelSql,
      'decimal_out_of_range',
      field.round
        ? `CASE WHEN ${d.integerDigits()} > ${integerDigits} THEN ${sql.says(`${digits}: ${largerPrecision}`)}
          ELSE ${sql.says(`${digits} once rounded to ${scale} place${scale === 1 ? '' : 's'}: ${largerPrecision}`)} END`
        : sql.says(`${digits}: ${largerPrecision}`),
    ),
  ];
  if (!field.round) {
    checks.push(
      violation(
        dialect,
        relation,
        parsed(`${notFitting} AND ${d.places()} > ${scale}`),
        sql.labelSql,
        'decimal_out_of_scale',
        sql.says(
          `has more than ${scale} decimal place${scale === 1 ? '' : 's'} (scale ${scale}): set round: true on the field to round it, or give it a larger scale`,
        ),
      ),
    );
  }
  return checks;
}

/** A nested array field: present when required, and an array (or null) where present. */
function arrayShapeChecks(
  dialect: Dialect,
  relation: string,
  name: string,
  field: ArrayField,
  column: string,
): Check[] {
  const type = dialect.jsonTypeOf(column);
  const label = dialect.stringLiteral(name);
  const checks: Check[] = [];
  if (field.required) {
    checks.push(
      violation(
        dialect,
        relation,
        `strata_json AND (${type} IS NULL OR ${type} = 'NULL')`,
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
      `strata_json AND ${type} NOT IN ('ARRAY', 'NULL')`,
      label,
      'invalid_type',
      dialect.stringLiteral(`${name} is not an array`),
    ),
  );
  return checks;
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
    case 'enum': {
      const keys = Object.keys(field.map ?? {});
      const map = keys.length ? ` (nor a key of its map: ${keys.join(', ')})` : '';
      return `one of ${field.values.join(', ')}${map}`;
    }
  }
}
