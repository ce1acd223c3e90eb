import { renderCheck } from '../checks/render.ts';
import type { CheckDefinition } from '../checks/types.ts';
import type { DocsCheck, DocsCheckResult, DocsPage } from '../docs/types.ts';
import type { DashboardPage } from '../dashboards/types.ts';
import type { Dialect } from '../engine/types.ts';
import type { Project } from '../project/load-project.ts';
import type { CheckResultEntry } from '../audit/docs-history.ts';
import { checkColumns, checkInWords } from './docs-describe.ts';
import { resolver } from './docs-nodes.ts';

/**
 * Every check of the project with its definition in words, the SQL that finds its failing rows
 * (rendered for the whole table, as `strata check --all` would run it) and its newest results.
 */
export function docsChecks(
  project: Project,
  dialect: Dialect,
  results: ReadonlyMap<string, CheckResultEntry[]>,
  now: Date,
): DocsCheck[] {
  const resolve = resolver(project);
  return project.checks.map((check) => {
    const history = (results.get(check.id) ?? []).map(toResult);
    const columns = checkColumns(check.rule);
    return {
      id: check.id,
      target: check.target,
      column: columns.length === 1 ? (columns[0] ?? null) : null,
      type: check.rule.type,
      severity: check.severity,
      definition: checkInWords(check.rule, check.failAbove),
      sql: checkSql(check, dialect, resolve, now),
      file: check.file,
      latest: history.at(-1) ?? null,
      history,
    };
  });
}

function checkSql(
  check: CheckDefinition,
  dialect: Dialect,
  resolve: ReturnType<typeof resolver>,
  now: Date,
): string {
  try {
    return renderCheck(check, { dialect, resolve, scope: { kind: 'all' }, now }).failingSql;
  } catch {
    // A check whose SQL needs a run's context to render is still documented by its definition.
    return '';
  }
}

function toResult(entry: CheckResultEntry): DocsCheckResult {
  return {
    runId: entry.runId,
    status: entry.status,
    failingRows: entry.failingRows,
    checkedRows: entry.checkedRows,
    startedAt: entry.startedAt,
    dateFrom: entry.dateFrom,
    dateTo: entry.dateTo,
  };
}

/** The dashboard pages: what they read (by node) and the titles of what they show. */
export function docsPages(project: Project, pages: readonly DashboardPage[]): DocsPage[] {
  return pages.map((page) => ({
    name: page.name,
    title: page.title,
    file: page.file,
    reads: [...new Set(page.refs.map((ref) => project.graph.tables.get(ref)?.node ?? ref))],
    components: page.blocks.flatMap((block) => {
      if (block.kind !== 'component') return [];
      const title = block.component.attributes.title;
      return [typeof title === 'string' && title.trim() ? title : block.component.name];
    }),
  }));
}
