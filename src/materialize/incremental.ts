import { dateLiteral } from './dates.ts';
import type { MaterializationPlan, RenderInput } from './plan.ts';
import { subquery } from './render-select.ts';
import { assertHasColumns, assertSameColumns } from './schema-change.ts';
import { buildAsideAndSwap } from './table.ts';

/**
 * Incremental by load date: a run replaces exactly its dates (delete, then insert, in one
 * transaction), so running a date twice gives the same table. A run without dates refreshes the
 * newest loaded date and everything after it.
 */
export function renderIncremental(input: RenderInput): MaterializationPlan {
  const { model, selectSql, facts, dialect } = input;
  const loadDate = model.config.loadDateColumn as string;
  assertHasColumns(model, facts.modelColumns, [loadDate], 'load_date_column');
  const column = dialect.quoteIdentifier(loadDate);
  const from = facts.window.from ?? facts.latestLoadedDate;
  const to = facts.window.to;
  const predicate = [
    from ? `${column} >= ${dateLiteral(from)}` : '',
    to ? `${column} <= ${dateLiteral(to)}` : '',
  ]
    .filter(Boolean)
    .join(' AND ');
  const filtered = `SELECT * FROM ${subquery(selectSql, 'model')}${predicate ? `\nWHERE ${predicate}` : ''}`;

  if (!facts.existing || facts.existing.kind === 'view' || facts.fullRefresh) {
    // A full refresh rebuilds every date the model yields; a first build only the run's dates.
    const build = facts.fullRefresh ? `SELECT * FROM ${subquery(selectSql, 'model')}` : filtered;
    return { steps: buildAsideAndSwap(dialect, model.target, build, facts) };
  }
  assertSameColumns(model, facts.modelColumns, facts.existing.columns);
  const target = dialect.qualify(model.target);
  const columns = facts.modelColumns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  return {
    steps: [
      {
        kind: 'exec',
        sql: `DELETE FROM ${target}${predicate ? ` WHERE ${predicate}` : ''}`,
        counts: 'deleted',
      },
      {
        kind: 'exec',
        sql: `INSERT INTO ${target} (${columns})\nSELECT ${columns} FROM ${subquery(filtered, 'partition')}`,
        counts: 'inserted',
      },
    ],
  };
}
