import { type ContractFields, valueColumn } from './contract-fields.ts';
import { PARSED } from './typed-rows.ts';

/**
 * The parsed records' keys that occur more than once in a load date, valid or not. Only these are
 * ranked (see duplicateRecords): ranking every record cost more than typing it, and most keys are
 * unique. Invalid records are not left out here: duplicateRecords ranks only the valid records of
 * these keys, so a key whose other records are all invalid has no loser, and the result is the
 * same as from the valid records' keys alone, without joining every record with the invalid ones
 * (a fifth to a third of the statement, 841 k events).
 */
export function duplicateGroups(fields: ContractFields, typedRelation: string): string {
  const { key } = fields;
  if (key.length === 0) return `SELECT load_date, NULL AS strata_group FROM ${typedRelation} WHERE 1 = 0`;
  const columns = ['load_date', ...key.map((k) => valueColumn(fields, k))].map((column) => `t.${column}`);
  return `SELECT ${columns.join(', ')}, ${groupKey(fields, 't')} AS strata_group
FROM ${typedRelation} AS t WHERE t.${PARSED}
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
  FROM ${typedRelation} AS t JOIN ${groupsRelation} AS g ON g.load_date = t.load_date AND ${sameKey(fields)}
  ${validOnly(invalidRelation)}
) AS ranked WHERE strata_rank > 1`;
}

/**
 * A typed record `t` has the key of group `g`. When every key field is required, a valid record
 * (the only ones ranked) has no null in its key, so the key columns are compared as they are:
 * hashing the key of every record to join on it cost most of the statement (three quarters for
 * 603 k inventory snapshots, keyed on three fields). Otherwise on the null-safe group key.
 */
function sameKey(fields: ContractFields): string {
  const { contract, key } = fields;
  const required = key.every((k) => {
    const field = contract.fields[k];
    return field !== undefined && field.type !== 'array' && field.required;
  });
  if (!required) return `g.strata_group = ${groupKey(fields, 't')}`;
  return key.map((k) => `g.${valueColumn(fields, k)} = t.${valueColumn(fields, k)}`).join(' AND ');
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
