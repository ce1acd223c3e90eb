import { type ContractFields, valueColumn } from './contract-fields.ts';
import { PARSED } from './typed-rows.ts';

/**
 * The valid records' keys that occur more than once in a load date. Only these are ranked (see
 * duplicateRecords): ranking every record cost more than typing it, and most keys are unique.
 */
export function duplicateGroups(
  fields: ContractFields,
  typedRelation: string,
  invalidRelation: string,
): string {
  const { key } = fields;
  if (key.length === 0) return `SELECT load_date, NULL AS strata_group FROM ${typedRelation} WHERE 1 = 0`;
  const columns = ['load_date', ...key.map((k) => valueColumn(fields, k))].map((column) => `t.${column}`);
  return `SELECT ${columns.join(', ')}, ${groupKey(fields, 't')} AS strata_group
FROM ${typedRelation} AS t ${validOnly(invalidRelation)}
GROUP BY ${columns.join(', ')} HAVING count(*) > 1`;
}

/**
 * The valid records of a duplicated key that lose: all but the one with the greatest `latestBy`,
 * then the last ingested, then the last in its file.
 */
export function duplicateRecords(
  fields: ContractFields,
  typedRelation: string,
  invalidRelation: string,
  groupsRelation: string,
): string {
  const { contract, key } = fields;
  if (key.length === 0) return `SELECT record_key, load_date FROM ${typedRelation} WHERE 1 = 0`;
  const order = [
    contract.latestBy ? `t.${valueColumn(fields, contract.latestBy)} DESC NULLS LAST` : undefined,
    't.ingested_at DESC',
    't.record_position DESC',
  ].filter(Boolean);
  const partition = ['t.load_date', ...key.map((k) => `t.${valueColumn(fields, k)}`)].join(', ');
  return `SELECT record_key, load_date FROM (
  SELECT t.record_key, t.load_date, row_number() OVER (PARTITION BY ${partition} ORDER BY ${order.join(', ')}) AS strata_rank
  FROM ${typedRelation} AS t JOIN ${groupsRelation} AS g ON g.load_date = t.load_date AND g.strata_group = ${groupKey(fields, 't')}
  ${validOnly(invalidRelation)}
) AS ranked WHERE strata_rank > 1`;
}

/**
 * A record's key as one value to join on: the key column itself when it is one required field
 * (never null in a valid record), else a null-safe hash of the key columns.
 */
function groupKey(fields: ContractFields, alias: string): string {
  const { contract, dialect, key } = fields;
  const only = key.length === 1 ? contract.fields[key[0] as string] : undefined;
  if (only && only.type !== 'array' && only.required)
    return `${alias}.${valueColumn(fields, key[0] as string)}`;
  return dialect.hashKey(key.map((k) => `${alias}.${valueColumn(fields, k)}`));
}

/** Keeps the parsed records of `t` that have no violation (an outer join: NOT EXISTS ran slower). */
function validOnly(invalidRelation: string): string {
  return `LEFT JOIN ${invalidRelation} AS i ON i.record_key = t.record_key
WHERE t.${PARSED} AND i.record_key IS NULL`;
}
