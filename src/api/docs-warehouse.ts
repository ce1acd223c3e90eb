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
  /** The columns of each built table, in warehouse order, by the name refs use (node or source table). */
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
  // Each node's table and the tables sources also build (nested arrays), by the name refs use.
  const relations = [...graph.tables].filter(([, { target }]) => built.has(tableName(target)));
  const columns = new Map(
    await inBatches(
      relations,
      8,
      async ([name, { target }]) => [name, await engine.listColumns(target)] as const,
    ),
  );
  // An audit schema of an older version is brought up to date first (what the monitor does too).
  const hasAudit = built.has('audit.pipeline_runs');
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

/** fn over the items, at most `size` at a time (each borrows a connection). */
async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(fn))));
  }
  return results;
}
