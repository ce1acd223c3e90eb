import { dateLiteral } from '../time/dates.ts';
import { keyJoin, uniqueKeyGuards } from './key-guards.ts';
import type { MaterializationPlan, RenderInput } from './plan.ts';
import { subquery } from './render-select.ts';
import { assertHasColumns, assertSameColumns } from './schema-change.ts';
import { buildAsideAndSwap } from './table.ts';

const STAGE = 'strata_upsert_rows';

/**
 * Upsert by unique key: rows whose key exists replace the old row, new keys are added. Written as
 * delete-then-insert in one transaction, which both engines run the same way and which, unlike
 * ON CONFLICT, needs no unique index on the table.
 */
export function renderUpsert(input: RenderInput): MaterializationPlan {
  const { model, selectSql, facts, dialect } = input;
  assertHasColumns(model, facts.modelColumns, model.config.uniqueKey, 'unique_key');
  const loadDate = model.config.loadDateColumn;
  const { from, to } = facts.window;
  const predicate = loadDate
    ? [
        from ? `${dialect.quoteIdentifier(loadDate)} >= ${dateLiteral(from)}` : '',
        to ? `${dialect.quoteIdentifier(loadDate)} <= ${dateLiteral(to)}` : '',
      ]
        .filter(Boolean)
        .join(' AND ')
    : '';
  const rows = `SELECT * FROM ${subquery(selectSql, 'model')}${predicate && !facts.fullRefresh ? `\nWHERE ${predicate}` : ''}`;

  if (!facts.existing || facts.existing.kind === 'view' || facts.fullRefresh) {
    return {
      steps: buildAsideAndSwap(dialect, model.target, rows, facts, (staged) =>
        uniqueKeyGuards(dialect, model, dialect.qualify(staged)),
      ),
    };
  }
  assertSameColumns(model, facts.modelColumns, facts.existing.columns);
  const target = dialect.qualify(model.target);
  const stage = dialect.quoteIdentifier(STAGE);
  const columns = facts.modelColumns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  return {
    steps: [
      { kind: 'exec', sql: `CREATE TEMPORARY TABLE ${stage} AS\n${rows}` },
      ...uniqueKeyGuards(dialect, model, stage),
      {
        kind: 'exec',
        sql: `DELETE FROM ${target} AS t WHERE EXISTS (SELECT 1 FROM ${stage} AS s WHERE ${keyJoin(dialect, model, 's', 't')})`,
        counts: 'updated',
      },
      {
        kind: 'exec',
        sql: `INSERT INTO ${target} (${columns})\nSELECT ${columns} FROM ${stage}`,
        counts: 'inserted',
      },
      { kind: 'exec', sql: `DROP TABLE ${stage}` },
    ],
  };
}
