import type { DashboardPage } from '../dashboards/types.ts';
import type { QueryResult, Statement, TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { ServedProject } from './dashboard-site.ts';

/** Where a page's {{ ref('x') }} lives. */
export function relationResolver(served: ServedProject): (name: string) => TableRef {
  return (name) => {
    const table = served.project.graph.tables.get(name);
    if (!table) throw new Error(`ref('${name}') reached rendering unchecked`);
    return table.target;
  };
}

/** The page's models that the warehouse does not hold yet. */
export async function missingModels(served: ServedProject, page: DashboardPage): Promise<string[]> {
  const bySchema = new Map<string, Set<string>>();
  const missing: string[] = [];
  for (const name of page.refs) {
    const target = relationResolver(served)(name);
    let tables = bySchema.get(target.schema);
    if (!tables) {
      tables = new Set((await served.engine.listTables(target.schema)).map((t) => t.name));
      bySchema.set(target.schema, tables);
    }
    if (!tables.has(target.name)) missing.push(name);
  }
  return missing;
}

export async function assertModelsBuilt(served: ServedProject, page: DashboardPage): Promise<void> {
  const missing = await missingModels(served, page);
  if (missing.length > 0) {
    throw new StrataError(
      'DASHBOARD_MODELS_MISSING',
      `the page ${page.name} reads ${missing.join(', ')}, not built in the warehouse yet`,
      { file: page.file, hint: `Build them: strata run --project ${served.project.root}` },
    );
  }
}

export async function runStatement(
  served: ServedProject,
  page: DashboardPage,
  queryName: string,
  statement: Statement,
): Promise<QueryResult> {
  try {
    return await served.engine.query(statement.sql, statement.params);
  } catch (error) {
    throw queryFailed(page, queryName, error);
  }
}

export function queryFailed(page: DashboardPage, queryName: string, error: unknown): StrataError {
  const reason = error instanceof Error ? error.message : String(error);
  const line = page.queries.find((q) => q.name === queryName)?.line;
  return new StrataError(
    'DASHBOARD_QUERY_FAILED',
    `the query ${queryName} of the page ${page.name} failed: ${reason}`,
    {
      file: page.file,
      ...(line === undefined ? {} : { line }),
      hint: 'Fix the query in the page file; the rest of the page still works.',
      cause: error,
      ...(error instanceof StrataError && error.sql ? { sql: error.sql } : {}),
    },
  );
}
