import type { Dialect } from '../engine/types.ts';
import type { ModelNode } from '../models/types.ts';
import type { Step } from './plan.ts';

/**
 * Guards that fail a task when its rows have a null or repeated unique key. `per`: a column the
 * rows are unique by together with the key (an SCD2 snapshot's load date: a key recurs across
 * dates), and what it is called in the message.
 */
export function uniqueKeyGuards(
  dialect: Dialect,
  model: ModelNode,
  relation: string,
  per?: { column: string; name: string },
): Step[] {
  const sample = 5;
  const keys = model.config.uniqueKey.map((k) => dialect.quoteIdentifier(k));
  const keyList = [...keys, ...(per ? [dialect.quoteIdentifier(per.column)] : [])].join(', ');
  return [
    nullKeyGuard(dialect, model, relation, sample),
    {
      kind: 'guard',
      sql: `SELECT ${keyList}, count(*) AS copies FROM ${relation} GROUP BY ${keyList} HAVING count(*) > 1 LIMIT ${sample}`,
      code: 'DUPLICATE_KEY',
      message: `${model.name} yields more than one row per unique_key (${model.config.uniqueKey.join(', ')})${per ? ` and ${per.name}` : ''}`,
      hint: 'Deduplicate upstream (e.g. keep the latest row per key with row_number()) or widen unique_key.',
    },
  ];
}

/** A guard that fails a task when its rows have a null in the unique key: no run could replace them. */
export function nullKeyGuard(dialect: Dialect, model: ModelNode, relation: string, sample = 5): Step {
  const keys = model.config.uniqueKey.map((k) => dialect.quoteIdentifier(k));
  return {
    kind: 'guard',
    sql: `SELECT ${keys.join(', ')} FROM ${relation} WHERE ${keys.map((k) => `${k} IS NULL`).join(' OR ')} LIMIT ${sample}`,
    code: 'NULL_KEY',
    message: `${model.name} has rows with a null unique_key (${model.config.uniqueKey.join(', ')})`,
    hint: 'Filter or repair those rows upstream; a row without a key cannot be matched.',
  };
}

/** `a.k1 = b.k1 AND a.k2 = b.k2` over the model's unique key. */
export function keyJoin(dialect: Dialect, model: ModelNode, left: string, right: string): string {
  return model.config.uniqueKey
    .map((k) => `${left}.${dialect.quoteIdentifier(k)} = ${right}.${dialect.quoteIdentifier(k)}`)
    .join(' AND ');
}
