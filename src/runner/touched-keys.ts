import { anyLoadIn } from '../audit/source-loads.ts';
import type { Engine, TableInfo } from '../engine/types.ts';
import {
  FULL_BUILD_MARKER,
  byKeySelects,
  captureKeysSql,
  markFullBuildSql,
  priorKeysRef,
} from '../materialize/incremental-by-key.ts';
import type { ByKeyInput } from '../materialize/plan.ts';
import { type DateWindow, type SelectContext, renderTouched } from '../materialize/render-select.ts';
import type { Graph } from '../models/graph.ts';
import { type ModelNode, type ProjectNode, isIncrementalByKey } from '../models/types.ts';
import { type RunCatalogue, type WarehouseLookup, warehouseLookup } from './run-catalogue.ts';

/**
 * Incremental by key, before the run's DAG starts. A key whose upstream rows a re-run removes (a
 * changed file that lost records) is invisible to the touched SELECT once those upstream tasks
 * ran, yet its rows in the mart must go. So for each incremental-by-key model about to be built on
 * its existing table (a run with dates, no full refresh), its touched SELECT is evaluated on the
 * warehouse as it stands and the keys kept beside the target (`priorKeysRef`); the model's task
 * adds them to its keys and drops that table in its transaction. Keys an earlier run captured and
 * never used (its task did not commit) are kept and added to. When the SELECT fails (an upstream
 * table reshaped), the table is replaced by a marker and the task rebuilds the whole table. Nothing
 * is captured for a window no source has loaded a date of yet (a new day: one query instead of a
 * statement and a commit per model).
 */
export async function captureTouchedKeys(
  engine: Engine,
  graph: Graph,
  nodes: readonly ProjectNode[],
  window: DateWindow,
  fullRefresh: boolean,
): Promise<void> {
  if (fullRefresh || (window.from === undefined && window.to === undefined)) return;
  const models = nodes.filter(isIncrementalByKey);
  if (models.length === 0) return;
  // A touched SELECT returns the keys of upstream rows by their load dates: while no source has
  // loaded a date of the window (a new day), no such row exists to be lost, and there is nothing
  // to keep.
  if (!(await anyLoadIn(engine, window))) return;
  const tablesOf = schemaTables(engine);
  const captures: { model: ModelNode; statements: string[] }[] = [];
  for (const model of models) {
    const tables = await tablesOf(model.target.schema);
    if (!tables.some((t) => t.name === model.target.name && t.kind === 'table')) continue;
    const existing = await priorKind(warehouseLookup(engine), model, tables);
    const touchedSql = renderTouched(model, selectContext(engine, graph, window));
    const statements = captureKeysSql(engine.dialect, model, touchedSql, existing);
    if (statements.length > 0) captures.push({ model, statements });
  }
  if (captures.length === 0) return;
  // Every model's keys in one transaction (one commit, not one a model); when any fails, each
  // model again in a transaction of its own, so that only those whose SELECT fails rebuild whole.
  const inOne = await engine
    .withSession((session) =>
      session.transaction(async (tx) => {
        for (const { statements } of captures) for (const sql of statements) await tx.execute(sql);
      }),
    )
    .then(
      () => true,
      () => false,
    );
  if (inOne) return;
  for (const { model, statements } of captures) {
    try {
      await engine.withSession((session) =>
        session.transaction(async (tx) => {
          for (const sql of statements) await tx.execute(sql);
        }),
      );
    } catch {
      // The task cannot know which keys the run's upstream changes remove: it rebuilds everything.
      await engine.withSession((session) =>
        session.transaction(async (tx) => {
          for (const sql of markFullBuildSql(engine.dialect, model)) await tx.execute(sql);
        }),
      );
    }
  }
}

/**
 * Drops the keys captured before the run for a model the run skips because nothing it reads
 * changed: its table already holds what those keys would give, and the captured table must not
 * outlive the run beside the target.
 */
export async function discardTouchedKeys(engine: Engine, node: ProjectNode): Promise<void> {
  if (!isIncrementalByKey(node)) return;
  await engine.execute(`DROP TABLE IF EXISTS ${engine.dialect.qualify(priorKeysRef(node.target))}`);
}

/** What an incremental-by-key model's task renders with: its selects and the keys captured before the run. */
export async function byKeyInput(
  engine: Engine,
  model: ModelNode,
  context: SelectContext,
  catalogue?: RunCatalogue,
): Promise<ByKeyInput> {
  const selects = byKeySelects(model, context);
  // The run's catalogue is read after the capture, and only this task writes its captured keys.
  const lookup = warehouseLookup(engine, catalogue);
  const prior = await priorKind(lookup, model, await lookup.tablesIn(model.target.schema));
  if (prior === 'none') return selects;
  return { ...selects, prior: { table: priorKeysRef(model.target), fullBuild: prior === 'full_build' } };
}

async function priorKind(
  lookup: Pick<WarehouseLookup, 'columns'>,
  model: ModelNode,
  tables: readonly TableInfo[],
): Promise<'none' | 'keys' | 'full_build'> {
  const prior = priorKeysRef(model.target);
  if (!tables.some((t) => t.name === prior.name)) return 'none';
  const columns = await lookup.columns(prior);
  return columns.some((c) => c.name === FULL_BUILD_MARKER) ? 'full_build' : 'keys';
}

function selectContext(engine: Engine, graph: Graph, window: DateWindow): SelectContext {
  return {
    dialect: engine.dialect,
    resolve: (name) => {
      const referenced = graph.tables.get(name);
      if (!referenced) throw new Error(`unresolved reference ${name} survived graph validation`);
      return referenced.target;
    },
    dates: window,
  };
}

/** Each schema's tables, listed once per capture. */
function schemaTables(engine: Engine): (schema: string) => Promise<TableInfo[]> {
  const listed = new Map<string, Promise<TableInfo[]>>();
  return (schema) => {
    let tables = listed.get(schema);
    if (!tables) {
      tables = engine.listTables(schema);
      listed.set(schema, tables);
    }
    return tables;
  };
}
