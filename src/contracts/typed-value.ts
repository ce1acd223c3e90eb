import type { ScalarField } from '../config/contract-schema.ts';
import type { Dialect } from '../engine/types.ts';
import { decimalValue } from './decimal-text.ts';

/**
 * A field's value from its cleaned text: null where the text is not of the field's type, which is
 * how the violations find an invalid value (a text that is not null with a value that is).
 */
export function typedValue(dialect: Dialect, text: string, field: ScalarField): string {
  switch (field.type) {
    case 'string':
      return text;
    case 'integer':
      return dialect.tryCast(text, dialect.type('bigint'));
    case 'decimal':
      return decimalValue(dialect, text, field);
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
    case 'enum':
      return enumValue(dialect, text, field);
  }
}

/**
 * An enum's value: its text when it is one of the values, or the value its map gives the text
 * (the map first: a key may also be a value); with caseInsensitive, either in any case. One CASE,
 * so a text is compared once with each key and value and never read again.
 */
function enumValue(dialect: Dialect, text: string, field: Extract<ScalarField, { type: 'enum' }>): string {
  const mapped = Object.entries(field.map ?? {});
  const literal = (value: string) => dialect.stringLiteral(value);
  if (!field.caseInsensitive) {
    const allowed = field.values.map(literal).join(', ');
    if (mapped.length === 0) return `CASE WHEN ${text} IN (${allowed}) THEN ${text} END`;
    const arms = mapped.map(([key, value]) => `WHEN ${literal(key)} THEN ${literal(value)}`);
    return `CASE ${text} ${arms.join(' ')} ELSE CASE WHEN ${text} IN (${allowed}) THEN ${text} END END`;
  }
  const arms = [...mapped, ...field.values.map((value) => [value, value] as const)].map(
    ([key, value]) => `WHEN ${literal(key.toLowerCase())} THEN ${literal(value)}`,
  );
  return `CASE lower(${text}) ${arms.join(' ')} END`;
}

/** The typed values of `fields` from their `<field>__text` columns; a string has none (its text is its value). */
export function typedValueColumns(dialect: Dialect, fields: [string, ScalarField][]): string[] {
  const q = (name: string) => dialect.quoteIdentifier(name);
  return fields
    .filter(([, field]) => field.type !== 'string')
    .map(([name, field]) => `${typedValue(dialect, q(`${name}__text`), field)} AS ${q(name)}`);
}

function parseWithFormats(dialect: Dialect, text: string, formats: string[]): string {
  const attempts = formats.map((f) => dialect.tryParseTimestamp(text, f));
  return attempts.length === 1 ? (attempts[0] as string) : `coalesce(${attempts.join(', ')})`;
}
