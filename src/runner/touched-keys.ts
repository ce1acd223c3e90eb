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
 * Incremental by key, before the run changes an upstream table. A key whose upstream rows a re-run
 * removes (a changed file that lost records) is invisible to the touched SELECT once those upstream
 * tasks ran, yet its rows in the mart must go. So for each incremental-by-key model about to be
 * built on its existing table (a run with dates, no full refresh), its touched SELECT is evaluated
 * on the warehouse as it stands and the keys kept beside the target (`priorKeysRef`); the model's
 * task adds them to its keys and drops that table in its transaction. Keys an earlier run captured
 * and never used (its task did not commit) are kept and added to. When the SELECT fails (an
 * upstream table reshaped), the table is replaced by a marker and the task rebuilds the whole table.
 *
 * The capture runs once, when the first of the run's tasks is about to write what a touched SELECT
 * may read (a model or seed before it starts, a source after landing its files and before staging
 * them: see `TaskRunContext.beforeWriting`); the others wait for it. A run that writes nothing (no
 * new or changed file, nothing else to rebuild) captures nothing, and neither does a run of a
 * window no source had loaded a date of when it started (a new day: there is no upstream row whose
 * key the run could lose). The tables it creates are told to the run's catalogue.
 */
export async function touchedKeysCapture(
  engine: Engine,
  graph: Graph,
  nodes: readonly ProjectNode[],
  window: DateWindow,
  fullRefresh: boolean,
  catalogue?: RunCatalogue,
): Promise<TouchedKeysCapture> {
  const models = nodes.filter(isIncrementalByKey);
  const dated = window.from !== undefined || window.to !== undefined;
  // Asked as the run starts: once its sources land files, the window holds loads of its own.
  if (fullRefresh || !dated || models.length === 0 || !(await anyLoadIn(engine, window))) {
    return { beforeWriting: () => Promise.resolve(), settled: () => Promise.resolve() };
  }
  let captured: Promise<void> | undefined;
  return {
    beforeWriting: () => (captured ??= captureTouchedKeys(engine, graph, models, window, catalogue)),
    settled: () => (captured ?? Promise.resolve()).catch(() => undefined),
  };
}

/** The run's capture of touched keys (touchedKeysCapture). */
export interface TouchedKeysCapture {
  /** Resolves once the keys are captured: the first call starts the capture. */
  beforeWriting(): Promise<void>;
  /** Resolves once a capture that started has ended (at once when none did); never rejects. */
  settled(): Promise<void>;
}

/** The capture itself (see touchedKeysCapture), for the run's incremental-by-key models. */
async function captureTouchedKeys(
  engine: Engine,
  graph: Graph,
  models: readonly ModelNode[],
  window: DateWindow,
  catalogue?: RunCatalogue,
): Promise<void> {
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
  await writeCaptures(engine, captures);
  for (const { model } of captures) catalogue?.learn({ ...priorKeysRef(model.target), kind: 'table' });
}

/** The captures' statements: all in one transaction, else each model's on its own (or its marker). */
async function writeCaptures(
  engine: Engine,
  captures: readonly { model: ModelNode; statements: string[] }[],
): Promise<void> {
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
 * Drops the keys captured for a model the run skips because nothing it reads changed: its table
 * already holds what those keys would give, and the captured table must not outlive the run beside
 * the target. A capture under way is waited for; with none, nothing is asked of the warehouse.
 */
export async function discardTouchedKeys(
  engine: Engine,
  node: ProjectNode,
  capture: TouchedKeysCapture,
  catalogue: RunCatalogue,
): Promise<void> {
  if (!isIncrementalByKey(node)) return;
  await capture.settled();
  const prior = priorKeysRef(node.target);
  if (!(await catalogue.find(prior.schema, prior.name))) return;
  await engine.execute(`DROP TABLE IF EXISTS ${engine.dialect.qualify(prior)}`);
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
