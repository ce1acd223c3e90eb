import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckDefinition } from '../checks/types.ts';
import type { DocsColumn, DocsModel, DocsSeed, DocsSource } from '../docs/types.ts';
import type { Dialect, TableRef } from '../engine/types.ts';
import type { ModelColumnLineage } from '../lineage/types.ts';
import { splitHeader } from '../models/header.ts';
import type { ModelNode, SeedNode, SourceNode } from '../models/types.ts';
import type { Project } from '../project/load-project.ts';
import { checkColumns, contractFields, sourceFormat, sourceLocation } from './docs-describe.ts';
import { type WarehouseState, tableName } from './docs-warehouse.ts';

/** What every node's page needs besides the node: the warehouse, the DAG's edges, the checks. */
export interface NodeContext {
  project: Project;
  dialect: Dialect;
  warehouse: WarehouseState;
  /** Upstream and downstream node ids (pages as `page:<name>`), by node. */
  edges: ReadonlyMap<string, { upstream: string[]; downstream: string[] }>;
  columnLineage: ReadonlyMap<string, ModelColumnLineage | null>;
  /** A model's SELECT as compiled for the engine (refs resolved, the widest window of dates). */
  compile: (model: ModelNode) => string;
  /** `checksByColumn` of the project's checks. */
  columnChecks: ReadonlyMap<string, ReadonlyMap<string, string[]>>;
}

/**
 * The columns strata adds to a source's staged table (contracts/staging.ts, nested-arrays.ts):
 * described here, and left out of the documentation coverage (the project cannot describe them).
 */
export const LINEAGE_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['load_date', 'Load date of the file or record that brought the row.'],
  ['_source_file', 'File the record was read from (path relative to the project).'],
  ['_record_position', 'Position of the record in its file.'],
  ['_ingestion_id', 'The ingestion (file load) that staged the record.'],
  ['item_position', 'Position of the element in its array.'],
]);

/** A record's own entry (never one of Object's: a column may be called `constructor`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A description as shown: trimmed (YAML's folded text ends in a newline); none when blank. */
export function text(description: string | undefined): string | null {
  const trimmed = description?.trim();
  return trimmed ? trimmed : null;
}

/** The resolved table of a ref'd name (a node or a source's nested table). */
export function resolver(project: Project): (name: string) => TableRef {
  return (name) => project.graph.tables.get(name)?.target ?? { schema: project.config.defaultSchema, name };
}

/** Check ids by target (node or source table), then by column: computed once for every node. */
export function checksByColumn(checks: readonly CheckDefinition[]): Map<string, Map<string, string[]>> {
  const byTarget = new Map<string, Map<string, string[]>>();
  for (const check of checks) {
    const byColumn = byTarget.get(check.target) ?? new Map<string, string[]>();
    byTarget.set(check.target, byColumn);
    for (const column of checkColumns(check.rule))
      byColumn.set(column, [...(byColumn.get(column) ?? []), check.id]);
  }
  return byTarget;
}

/**
 * A node's columns: the warehouse's, in its order and with its types, when the table is built;
 * else those declared (`declared`), typeless.
 */
function columnsOf(
  name: string,
  context: NodeContext,
  declared: readonly string[],
  describe: (column: string) => string | null,
): DocsColumn[] {
  const checks = context.columnChecks.get(name);
  const inWarehouse = context.warehouse.columns.get(name);
  const columns = inWarehouse ?? declared.map((column) => ({ name: column, type: null }));
  return columns.map((column) => ({
    name: column.name,
    type: column.type,
    description: describe(column.name),
    checks: checks?.get(column.name) ?? [],
  }));
}

function base(
  node: SourceNode | SeedNode | ModelNode,
  context: NodeContext,
  description: string | null,
): Omit<
  DocsSource,
  'kind' | 'type' | 'format' | 'location' | 'raw' | 'fields' | 'columns' | 'provides' | 'loads'
> {
  const edges = context.edges.get(node.name);
  return {
    name: node.name,
    description,
    table: tableName(node.target),
    file: node.file,
    upstream: edges?.upstream ?? [],
    downstream: edges?.downstream ?? [],
    built: context.warehouse.built.has(tableName(node.target)),
  };
}

export function docsSource(node: SourceNode, context: NodeContext): DocsSource {
  const { config } = node;
  const fields = config.contract.fields;
  const scalars = Object.entries(fields)
    .filter(([, field]) => field.type !== 'array')
    .map(([name]) => name);
  return {
    kind: 'source',
    ...base(node, context, text(config.description ?? config.contract.description)),
    ...sourceLocation(config),
    format: sourceFormat(config),
    raw: tableName(node.raw),
    fields: contractFields(config.contract),
    columns: columnsOf(node.name, context, [...scalars, 'load_date'], (column) => {
      const field = own(fields, column);
      return field ? text(field.description) : (LINEAGE_COLUMNS.get(column) ?? null);
    }),
    provides: node.provides.map((table) => table.name),
    tables: node.provides.map((table) => {
      const field = own(fields, table.name.slice(node.name.length + 2));
      const items = field?.type === 'array' ? field.items : {};
      // Before it is built: the parent's key, the element's position, its fields, the load date.
      const key = config.contract.uniqueKey ?? [];
      const declared = [...key, 'item_position', ...Object.keys(items), 'load_date'];
      return {
        name: table.name,
        table: tableName(table.target),
        built: context.warehouse.built.has(tableName(table.target)),
        columns: columnsOf(table.name, context, declared, (column) => {
          const item = own(items, column) ?? (key.includes(column) ? own(fields, column) : undefined);
          return item ? text(item.description) : (LINEAGE_COLUMNS.get(column) ?? null);
        }),
      };
    }),
    loads: (context.warehouse.sourceLoads.get(node.name) ?? []).map((load) => ({
      loadDate: load.loadDate,
      runId: load.runId,
      files: load.files,
      received: load.received,
      staged: load.staged,
      quarantined: load.quarantined,
      duplicates: load.duplicates,
      reconciled: load.reconciled,
    })),
  };
}

export async function docsSeed(node: SeedNode, context: NodeContext): Promise<DocsSeed> {
  // Before it is loaded, the CSV header names the columns.
  const declared = context.warehouse.columns.has(node.name) ? [] : await csvHeader(node.path);
  return {
    kind: 'seed',
    ...base(node, context, null),
    columns: columnsOf(node.name, context, declared, () => null),
  };
}

export async function docsModel(node: ModelNode, context: NodeContext): Promise<DocsModel> {
  const { config } = node;
  const file = await readFile(join(context.project.root, node.file), 'utf8');
  return {
    kind: 'model',
    ...base(node, context, text(config.description)),
    materialized: config.materialized,
    uniqueKey: config.uniqueKey,
    loadDateColumn: config.loadDateColumn ?? null,
    tags: config.tags,
    columns: columnsOf(node.name, context, Object.keys(config.columns), (column) =>
      text(own(config.columns, column)?.description),
    ),
    sql: splitHeader(file, node.file).body.trim(),
    compiledSql: context.compile(node),
    touchedSql: config.touched?.sql.trim() ?? null,
    columnLineage: context.columnLineage.get(node.name) ?? null,
  };
}

/** The column names of a CSV file's first line (quotes removed); none when it cannot be read. */
async function csvHeader(path: string): Promise<string[]> {
  const text = await firstBytes(path, 64 * 1024);
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first
    .split(',')
    .map((name) => name.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);
}

async function firstBytes(path: string, bytes: number): Promise<string> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return '';
  try {
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(bytes), position: 0 });
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}
