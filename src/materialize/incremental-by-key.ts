import type { Dialect, TableRef } from '../engine/types.ts';
import type { ModelNode } from '../models/types.ts';
import { keyJoin, nullKeyGuard } from './key-guards.ts';
import { type ByKeyInput, type MaterializationPlan, type RenderInput, type Step, stagedRef } from './plan.ts';
import {
  type SelectContext,
  renderSelect,
  renderTouched,
  subquery,
  touchedRelation,
} from './render-select.ts';
import { assertHasColumns } from './schema-change.ts';
import { buildAsideAndSwap } from './table.ts';

/** The temporary table of the keys a run replaces; `{{ touched }}` names it in the body. */
export const TOUCHED_KEYS = 'strata_touched_keys';
/** The temporary table of the touched keys' new rows. */
const KEY_ROWS = 'strata_key_rows';
/**
 * The only column of the prior-keys table when capturing the keys failed (an upstream table
 * reshaped): the model's task must then rebuild the whole table.
 */
export const FULL_BUILD_MARKER = 'strata_full_build';

/**
 * Where the keys an incremental-by-key model touched are kept between the run's start and its task:
 * beside the target, under a name no model can take (`__` suffix, as staged tables).
 */
export function priorKeysRef(target: TableRef): TableRef {
  return stagedRef(target, 'strata_touched_prior');
}

/**
 * The forms of an incremental-by-key model's SQL its run needs: the touched SELECT for the run's
 * dates, the body reading the temporary table of keys, and the body for a whole build (the touched
 * SELECT over every date, so the body's `{{ touched }}` then holds every key).
 */
export function byKeySelects(model: ModelNode, context: SelectContext): Omit<ByKeyInput, 'prior'> {
  const everyDate = { ...context, dates: {} };
  return {
    touchedSql: renderTouched(model, context),
    selectOverKeys: renderSelect(model, {
      ...context,
      touched: context.dialect.quoteIdentifier(TOUCHED_KEYS),
    }),
    selectAll: renderSelect(model, { ...context, touched: touchedRelation(model, everyDate) }),
  };
}

/**
 * The statements that keep the keys a model's touched SELECT returns before the run changes its
 * upstream tables: created the first time, added to when an earlier run left them (its task did not
 * commit, so they are still owed). Nothing when an earlier capture failed: that table asks for a
 * whole build already.
 */
export function captureKeysSql(
  dialect: Dialect,
  model: ModelNode,
  touchedSql: string,
  existing: 'none' | 'keys' | 'full_build',
): string[] {
  if (existing === 'full_build') return [];
  const prior = dialect.qualify(priorKeysRef(model.target));
  const keys = keyList(dialect, model);
  const select = `SELECT DISTINCT ${keys} FROM ${subquery(touchedSql, 'touched')}`;
  return existing === 'keys'
    ? [`INSERT INTO ${prior} (${keys})\n${select}`]
    : [`CREATE TABLE ${prior} AS\n${select}`];
}

/** The statements that replace the prior keys by the marker asking the task for a whole build. */
export function markFullBuildSql(dialect: Dialect, model: ModelNode): string[] {
  const prior = dialect.qualify(priorKeysRef(model.target));
  return [
    `DROP TABLE IF EXISTS ${prior}`,
    `CREATE TABLE ${prior} AS SELECT true AS ${dialect.quoteIdentifier(FULL_BUILD_MARKER)}`,
  ];
}

/**
 * True when the run rebuilds the whole table: it does not exist yet (or is a view), a full refresh,
 * a run without dates, a model that now selects other columns (the table is derived, so rebuilding
 * loses nothing), or the keys could not be captured before the run.
 */
export function rebuildsWhole(input: RenderInput): boolean {
  const { facts, byKey } = input;
  if (!facts.existing || facts.existing.kind === 'view' || facts.fullRefresh) return true;
  if (facts.window.from === undefined && facts.window.to === undefined) return true;
  if (byKey?.prior?.fullBuild) return true;
  const names = (columns: readonly { name: string }[]) =>
    columns
      .map((c) => c.name.toLowerCase())
      .sort()
      .join(',');
  return names(facts.modelColumns) !== names(facts.existing.columns);
}

/**
 * Incremental by key: a run replaces the rows of the keys its dates touched. The keys (the touched
 * SELECT for the run's dates, with those captured before the run) go to a temporary table the
 * body reads as `{{ touched }}`; the body's rows for those keys go to another; then the target's
 * rows of those keys are deleted — a key whose rows vanished upstream goes with them — and the new
 * rows inserted, in the task's one transaction. The grain may hold several rows (every customer of
 * a day): only a null in it is refused, since no run could replace such a row.
 */
export function renderIncrementalByKey(input: RenderInput): MaterializationPlan {
  const { model, facts, dialect, byKey } = input;
  if (!byKey) throw new Error(`${model.name}: incremental by key rendered without its selects`);
  assertHasColumns(model, facts.modelColumns, model.config.uniqueKey, 'unique_key');
  const dropPrior: Step[] = byKey.prior
    ? [{ kind: 'exec', sql: `DROP TABLE IF EXISTS ${dialect.qualify(byKey.prior.table)}` }]
    : [];
  if (rebuildsWhole(input)) {
    const build = `SELECT * FROM ${subquery(byKey.selectAll, 'model')}`;
    return {
      steps: [
        ...buildAsideAndSwap(dialect, model.target, build, facts, (staged) => [
          nullKeyGuard(dialect, model, dialect.qualify(staged)),
        ]),
        ...dropPrior,
      ],
    };
  }
  const keysTable = dialect.quoteIdentifier(TOUCHED_KEYS);
  const rowsTable = dialect.quoteIdentifier(KEY_ROWS);
  const keys = keyList(dialect, model);
  const target = dialect.qualify(model.target);
  const columns = facts.modelColumns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const touched = `SELECT ${keys} FROM ${subquery(byKey.touchedSql, 'touched')}`;
  // UNION makes the keys distinct; the keys captured before the run are owed too.
  const distinctKeys = byKey.prior
    ? `${touched}\nUNION\nSELECT ${keys} FROM ${dialect.qualify(byKey.prior.table)}`
    : touched.replace(/^SELECT /, 'SELECT DISTINCT ');
  // Rows with a null key pass the filter so that the guard reports them, as a whole build would.
  const nullKey = model.config.uniqueKey
    .map((k) => `model.${dialect.quoteIdentifier(k)} IS NULL`)
    .join(' OR ');
  return {
    steps: [
      { kind: 'exec', sql: `CREATE TEMPORARY TABLE ${keysTable} AS\n${distinctKeys}` },
      {
        kind: 'exec',
        sql: `CREATE TEMPORARY TABLE ${rowsTable} AS\nSELECT * FROM ${subquery(byKey.selectOverKeys, 'model')}
WHERE EXISTS (SELECT 1 FROM ${keysTable} AS k WHERE ${keyJoin(dialect, model, 'k', 'model')}) OR ${nullKey}`,
      },
      nullKeyGuard(dialect, model, rowsTable),
      {
        kind: 'exec',
        sql: `DELETE FROM ${target} AS t WHERE EXISTS (SELECT 1 FROM ${keysTable} AS k WHERE ${keyJoin(dialect, model, 'k', 't')})`,
        counts: 'deleted',
      },
      {
        kind: 'exec',
        sql: `INSERT INTO ${target} (${columns})\nSELECT ${columns} FROM ${rowsTable}`,
        counts: 'inserted',
      },
      { kind: 'exec', sql: `DROP TABLE ${rowsTable}` },
      { kind: 'exec', sql: `DROP TABLE ${keysTable}` },
      ...dropPrior,
    ],
  };
}

function keyList(dialect: Dialect, model: ModelNode): string {
  return model.config.uniqueKey.map((k) => dialect.quoteIdentifier(k)).join(', ');
}
