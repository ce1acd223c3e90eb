import { intParam } from './request-params.ts';
import { countQuery, pagedQuery, renderQuery } from '../dashboards/render-query.ts';
import { resolveInputs } from '../dashboards/resolve-inputs.ts';
import type { DashboardPage, DashboardQuery } from '../dashboards/types.ts';
import type { QueryResultView } from '../dashboards/views.ts';
import type { Statement } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { todayUtc } from '../time/dates.ts';
import { readInputChoices } from './dashboard-inputs.ts';
import { assertModelsBuilt, queryFailed, relationResolver, runStatement } from './dashboard-sql.ts';
import { type DashboardSite, type ServedProject, clip } from './dashboard-site.ts';
import { csvRecord, jsonValue } from './result-values.ts';

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;

export interface QueryRequest {
  project: string;
  page: string;
  query: string;
  /** Inputs (`period_from`, `channel`) and paging (`limit`, `offset`, `sort`). */
  params: URLSearchParams;
}

/** One page of a page query's rows, with the total; inputs and paging from the request. */
export async function runPageQuery(site: DashboardSite, request: QueryRequest): Promise<QueryResultView> {
  const { served, page, query, statement } = await preparePageQuery(site, request);
  const paging = readPaging(request.params);
  const sort = paging.sort ? await sortSpec(served, page, query, statement, paging.sort) : undefined;
  const rows = await runStatement(
    served,
    page,
    query.name,
    pagedQuery(statement, served.engine.dialect, { ...paging, sort }),
  );
  const total = await runStatement(served, page, query.name, countQuery(statement));
  return {
    query: query.name,
    columns: rows.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: rows.rows.map((row) => jsonRow(row)),
    total: Number(total.rows[0]?.total ?? 0),
    limit: paging.limit,
    offset: paging.offset,
    csv: csvUrl(request),
  };
}

/**
 * The whole result of a page query as CSV chunks (a header, then one chunk per batch), read from
 * the engine only as they are taken, so a large result never sits in memory. A failure before
 * the first chunk (an unknown query, a bad input, SQL that fails) is thrown by the first next().
 */
export async function* pageQueryCsv(site: DashboardSite, request: QueryRequest): AsyncGenerator<string> {
  const { served, page, query, statement } = await preparePageQuery(site, request);
  let header = false;
  try {
    for await (const batch of served.engine.stream(statement.sql, statement.params)) {
      const names = batch.columns.map((c) => c.name);
      let chunk = header ? '' : csvRecord(names);
      header = true;
      for (const row of batch.rows) chunk += csvRecord(names.map((name) => row[name]));
      yield chunk;
    }
    if (!header) {
      const columns = await served.engine.describeQuery(statement.sql, statement.params);
      yield csvRecord(columns.map((c) => c.name));
    }
  } catch (error) {
    throw queryFailed(page, query.name, error);
  }
}

/** Finds the query, checks its models are built, resolves its inputs and renders it. */
async function preparePageQuery(
  site: DashboardSite,
  request: QueryRequest,
): Promise<{ served: ServedProject; page: DashboardPage; query: DashboardQuery; statement: Statement }> {
  const { served, page } = await site.page(request.project, request.page);
  const query = page.queries.find((q) => q.name === request.query);
  if (!query) {
    throw new StrataError(
      'DASHBOARD_NOT_FOUND',
      `the page ${page.name} has no query "${clip(request.query)}"`,
      {
        file: page.file,
        hint: `Queries: ${page.queries.map((q) => q.name).join(', ') || 'none'}.`,
      },
    );
  }
  await assertModelsBuilt(served, page);
  const params = request.params;
  const choices = await readInputChoices(served, page, (input) =>
    input.kind === 'date_range'
      ? !params.get(`${input.name}_from`) || !params.get(`${input.name}_to`)
      : !params.get(input.name) && input.all === undefined,
  );
  const inputs = resolveInputs(page.inputs, params, choices, todayUtc());
  const statement = renderQuery(query, {
    dialect: served.engine.dialect,
    resolve: relationResolver(served),
    inputs,
  });
  return { served, page, query, statement };
}

interface Paging {
  limit: number;
  offset: number;
  sort?: { column: string; descending: boolean };
}

function readPaging(params: URLSearchParams): Paging {
  const limit = intParam(params, 'limit', { min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT });
  const offset = intParam(params, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
  const sort = params.get('sort');
  if (!sort) return { limit, offset };
  const descending = /:desc$/i.test(sort);
  return { limit, offset, sort: { column: sort.replace(/:(asc|desc)$/i, ''), descending } };
}

/** A sort column must be one of the result's (it is then quoted, never spliced). */
async function sortSpec(
  served: ServedProject,
  page: DashboardPage,
  query: DashboardQuery,
  statement: Statement,
  sort: { column: string; descending: boolean },
): Promise<{ column: string; descending: boolean }> {
  let columns: string[];
  try {
    columns = (await served.engine.describeQuery(statement.sql, statement.params)).map((c) => c.name);
  } catch (error) {
    throw queryFailed(page, query.name, error);
  }
  if (!columns.includes(sort.column)) {
    throw new StrataError(
      'DASHBOARD_BAD_INPUT',
      `sort names "${clip(sort.column)}", not a column of the query ${query.name}`,
      {
        field: 'sort',
        hint: `Columns: ${columns.join(', ')}; add :desc to sort descending.`,
      },
    );
  }
  return sort;
}

function jsonRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = jsonValue(value);
  return out;
}

/** The same query's CSV URL, with the request's inputs and without paging. */
function csvUrl(request: QueryRequest): string {
  const params = new URLSearchParams(request.params);
  for (const name of ['limit', 'offset', 'sort', 'format', 'token']) params.delete(name);
  params.set('format', 'csv');
  return `${queryPath(request.project, request.page, request.query)}?${params.toString()}`;
}

export function queryPath(project: string, page: string, query: string): string {
  return `/api/${encodeURIComponent(project)}/pages/${encodeURIComponent(page)}/queries/${encodeURIComponent(query)}`;
}
