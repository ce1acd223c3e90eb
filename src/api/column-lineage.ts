/**
 * Column-level lineage of a project's models on an open warehouse: each model's SELECT compiled
 * for the engine, the relations it refs described by the warehouse's columns, and the deriver of
 * `lineage/` run over them. The deriver (and the SQL parser's WebAssembly) is imported only when
 * lineage is asked for, so no other command loads it.
 */
import type { Engine, TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { LineageRelation, ModelColumnLineage } from '../lineage/types.ts';
import { renderSelect } from '../materialize/render-select.ts';
import type { ModelNode } from '../models/types.ts';
import type { Project } from '../project/load-project.ts';

/**
 * The SELECT a model runs on this engine, in its full-refresh form: `{{ date_from }}` and
 * `{{ date_to }}` are the open ends of every load date, refs are the tables they name.
 */
export function compiledModelSelect(project: Project, engine: Engine, model: ModelNode): string {
  return renderSelect(model, {
    dialect: engine.dialect,
    resolve: (name) => tableOf(project, name),
    dates: {},
  });
}

/** The lineage of one model; upstream models not built yet are described by their own lineage. */
export async function modelColumnLineage(
  project: Project,
  engine: Engine,
  modelName: string,
): Promise<ModelColumnLineage> {
  const node = project.graph.nodes.get(modelName);
  if (!node || node.kind !== 'model') {
    throw new StrataError('SELECTOR_UNKNOWN', `no model named "${modelName}"`, {
      model: modelName,
      hint: 'Column lineage is derived for models; sources and seeds are where it starts.',
    });
  }
  return lineageOf(project, engine, node, new Map());
}

/** The lineage of every model, in DAG order (each after everything it reads), upstream results reused. */
export async function projectColumnLineage(project: Project, engine: Engine): Promise<ModelColumnLineage[]> {
  const done = new Map<string, Promise<ModelColumnLineage>>();
  const result: ModelColumnLineage[] = [];
  for (const name of project.graph.order) {
    const node = project.graph.nodes.get(name);
    if (node?.kind === 'model') result.push(await lineageOf(project, engine, node, done));
  }
  return result;
}

function lineageOf(
  project: Project,
  engine: Engine,
  model: ModelNode,
  done: Map<string, Promise<ModelColumnLineage>>,
): Promise<ModelColumnLineage> {
  let lineage = done.get(model.name);
  if (!lineage) {
    lineage = deriveModel(project, engine, model, done);
    done.set(model.name, lineage);
  }
  return lineage;
}

async function deriveModel(
  project: Project,
  engine: Engine,
  model: ModelNode,
  done: Map<string, Promise<ModelColumnLineage>>,
): Promise<ModelColumnLineage> {
  const { deriveColumnLineage, UNKNOWN_COLUMNS } = await import('../lineage/column-lineage.ts');
  const relations: LineageRelation[] = [];
  for (const name of new Set(model.refs.map((ref) => ref.name))) {
    const table = project.graph.tables.get(name);
    if (!table) continue;
    relations.push(await relationOf(project, engine, name, table.target, done));
  }
  if (model.segments.some((segment) => segment.kind === 'this')) {
    // {{ this }}: the model's own table, as it stands before this build (never its own lineage,
    // which is what is being derived).
    const columns = (await engine.listColumns(model.target)).map((column) => column.name);
    relations.push({
      node: model.name,
      schema: model.target.schema,
      name: model.target.name,
      columns,
      ...(columns.length > 0 ? {} : { columnsUnknown: `\`${model.name}\` itself is not built yet` }),
    });
  }
  const sql = compiledModelSelect(project, engine, model);
  const derived = deriveColumnLineage(model.name, sql, engine.dialect.name, relations);
  const built = (await engine.listColumns(model.target)).map((column) => column.name);
  return built.length > 0 ? withWarehouseNames(derived, built, UNKNOWN_COLUMNS) : derived;
}

/** A relation a model refs, described by the warehouse, or by its own lineage when not built yet. */
async function relationOf(
  project: Project,
  engine: Engine,
  name: string,
  target: TableRef,
  done: Map<string, Promise<ModelColumnLineage>>,
): Promise<LineageRelation> {
  const relation = { node: name, schema: target.schema, name: target.name };
  const columns = (await engine.listColumns(target)).map((column) => column.name);
  if (columns.length > 0) return { ...relation, columns };
  const node = project.graph.nodes.get(name);
  if (node?.kind !== 'model') {
    return {
      ...relation,
      columns: [],
      columnsUnknown: `\`${name}\` is not built yet, so its columns are not known`,
    };
  }
  const upstream = await lineageOf(project, engine, node, done);
  if (upstream.parseError || upstream.columns.some((column) => column.column === '*')) {
    const why = upstream.parseError ? 'its SQL could not be parsed' : 'its own columns are not all known';
    return { ...relation, columns: [], columnsUnknown: `\`${name}\` is not built yet and ${why}` };
  }
  return { ...relation, columns: upstream.columns.map((column) => column.column) };
}

/**
 * The derived lineage named as the built table names its columns. An expression without an alias
 * is named by the engine (DuckDB by its own rendering of it), so a derived name the table lacks
 * takes the table's name at the same position when that name is not derived elsewhere; the entry
 * standing for columns the SQL did not let the deriver list becomes the table's columns missing
 * from the lineage, each saying why.
 */
function withWarehouseNames(
  derived: ModelColumnLineage,
  built: readonly string[],
  unknown: string,
): ModelColumnLineage {
  const key = (name: string) => name.toLowerCase();
  const placeholder = derived.columns.find((column) => column.column === unknown);
  const listed = derived.columns.filter((column) => column !== placeholder);
  const builtByKey = new Map(built.map((name) => [key(name), name]));
  const derivedKeys = new Set(listed.map((column) => key(column.column)));
  const columns = listed.map((column, index) => {
    const same = builtByKey.get(key(column.column));
    if (same !== undefined) return { ...column, column: same };
    const atPosition = placeholder ? undefined : built[index];
    if (atPosition === undefined || derivedKeys.has(key(atPosition))) return column;
    return { ...column, column: atPosition };
  });
  if (placeholder) {
    const named = new Set(columns.map((column) => key(column.column)));
    for (const name of built) {
      if (!named.has(key(name))) columns.push({ ...placeholder, column: name });
    }
  }
  return { ...derived, columns };
}

function tableOf(project: Project, name: string): TableRef {
  const table = project.graph.tables.get(name);
  if (!table) throw new Error(`unresolved reference ${name} survived graph validation`);
  return table.target;
}
