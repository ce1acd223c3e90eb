import type { SourceLoadEntry, CheckResultEntry } from '../audit/docs-history.ts';
import { newestCheckResults, newestSourceLoads } from '../audit/docs-history.ts';
import type { ColumnInfo, Engine, TableRef } from '../engine/types.ts';
import type { Graph } from '../models/graph.ts';
import { auditReady } from './monitor-audit.ts';

/** How many results per check and loads per source the docs show. */
export const DOCS_HISTORY = 30;

/** What the warehouse holds now, as far as the docs show it. */
export interface WarehouseState {
  /** `schema.table` of every table and view. */
  built: ReadonlySet<string>;
  /** The columns of each built node's table, in warehouse order, by node name. */
  columns: ReadonlyMap<string, ColumnInfo[]>;
  /** Every check's newest results, oldest first, by check id (empty before the first run). */
  checkResults: ReadonlyMap<string, CheckResultEntry[]>;
  /** Every source's newest loads, newest first, by source. */
  sourceLoads: ReadonlyMap<string, SourceLoadEntry[]>;
}

export const tableName = (table: TableRef): string => `${table.schema}.${table.name}`;

/**
 * Reads the tables, their columns and the audit histories. A warehouse not built yet has no
 * tables and no audit schema: it reads as empty (nothing is created for it but what
 * `auditReady` migrates on a warehouse that already has an audit schema).
 */
export async function readWarehouse(graph: Graph, engine: Engine): Promise<WarehouseState> {
  const tables = await engine.listTables();
  const built = new Set(tables.map(tableName));
  const nodes = [...graph.nodes.values()].filter((node) => built.has(tableName(node.target)));
  const columns = new Map(
    await Promise.all(nodes.map(async (node) => [node.name, await engine.listColumns(node.target)] as const)),
  );
  const hasAudit = built.has('audit.dq_results') && built.has('audit.source_loads');
  if (hasAudit) await auditReady(engine);
  const [results, loads] = hasAudit
    ? await Promise.all([newestCheckResults(engine, DOCS_HISTORY), newestSourceLoads(engine, DOCS_HISTORY)])
    : [[], []];
  return {
    built,
    columns,
    checkResults: groupBy(results, (result) => result.checkId),
    sourceLoads: groupBy(loads, (load) => load.source),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
