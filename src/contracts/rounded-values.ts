import type { ScalarField } from '../config/contract-schema.ts';
import type { Dialect } from '../engine/types.ts';
import { type ContractFields, arrayFieldNamed } from './contract-fields.ts';
import { DecimalText } from './decimal-text.ts';

/**
 * How many values of staged records were rounded to their field's scale (fields with `round: true`),
 * per file version: ingestion_id, rounded_values (0 for a file with none). Elements of nested arrays
 * count with their record. Null when no field rounds: there is nothing to count.
 */
export function roundedValues(
  fields: ContractFields,
  typedRelation: string,
  elementRelations: Record<string, string>,
): string | null {
  const { dialect, scalars, arrays } = fields;
  const records = roundedSum(dialect, scalars, '');
  const parts: string[] = [];
  const arraysRounding = arrays.filter(([, field]) => Object.values(field.items).some(rounds));
  if (!records && arraysRounding.length === 0) return null;
  parts.push(
    `SELECT t.ingestion_id, ${records ? `CASE WHEN t.strata_staged THEN ${records} ELSE 0 END` : '0'} AS n FROM ${typedRelation} AS t`,
  );
  for (const [name] of arraysRounding) {
    const elements = elementRelations[name];
    if (!elements) continue;
    const items = Object.entries(arrayFieldNamed(fields, name).items);
    parts.push(`SELECT t.ingestion_id, ${roundedSum(dialect, items, 'e.')} AS n
FROM ${elements} AS e JOIN ${typedRelation} AS t ON t.record_key = e.record_key WHERE t.strata_staged`);
  }
  return `SELECT ingestion_id, sum(n) AS rounded_values FROM (${parts.join('\nUNION ALL\n')}) AS r GROUP BY ingestion_id`;
}

function rounds(field: ScalarField): boolean {
  return field.type === 'decimal' && field.round;
}

/** The number of rounded values of one row, as an SQL sum; empty when none of the fields rounds. */
function roundedSum(dialect: Dialect, fields: [string, ScalarField][], prefix: string): string {
  const q = (name: string) => `${prefix}${dialect.quoteIdentifier(name)}`;
  const terms = fields.flatMap(([name, field]) => {
    if (field.type !== 'decimal' || !field.round) return [];
    const places = new DecimalText(dialect, q(`${name}__text`)).places();
    return [`CASE WHEN ${q(name)} IS NOT NULL AND ${places} > ${field.scale} THEN 1 ELSE 0 END`];
  });
  return terms.join(' + ');
}
