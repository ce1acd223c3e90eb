import type { Dialect, TableRef } from '../engine/types.ts';
import { type MaterializationFacts, type Step, dropExisting, stagedRef } from './plan.ts';
import { subquery } from './render-select.ts';
import type { MaterializationPlan, RenderInput } from './plan.ts';

export function renderTable({ model, selectSql, facts, dialect }: RenderInput): MaterializationPlan {
  return {
    steps: buildAsideAndSwap(dialect, model.target, `SELECT * FROM ${subquery(selectSql, 'model')}`, facts),
  };
}

/**
 * Builds the new table next to the old one and swaps it in; both happen in the task's transaction,
 * so readers see the old table until the commit and a failure leaves it untouched.
 */
export function buildAsideAndSwap(
  dialect: Dialect,
  target: TableRef,
  buildSelect: string,
  facts: MaterializationFacts,
  extraSteps: (staged: TableRef) => Step[] = () => [],
): Step[] {
  const staged = stagedRef(target);
  return [
    { kind: 'exec', sql: `DROP TABLE IF EXISTS ${dialect.qualify(staged)}` },
    { kind: 'exec', sql: `CREATE TABLE ${dialect.qualify(staged)} AS\n${buildSelect}` },
    ...extraSteps(staged),
    { kind: 'count', sql: `SELECT count(*) AS n FROM ${dialect.qualify(staged)}` },
    ...(facts.existing?.kind === 'view' ? dropExisting(dialect, target, facts.existing) : []),
    ...dialect.swapTable(staged, target).map((sql) => ({ kind: 'exec' as const, sql })),
  ];
}
