import MarkdownIt from 'markdown-it';
import { renderQuery } from '../dashboards/render-query.ts';
import type { InputValue } from '../dashboards/render-query.ts';
import { type InputChoices, resolveInputs } from '../dashboards/resolve-inputs.ts';
import type { DashboardPage } from '../dashboards/types.ts';
import type {
  BlockView,
  InputView,
  PageSummary,
  PageView,
  ProblemView,
  ProjectSummary,
  ServerIndex,
} from '../dashboards/views.ts';
import { StrataError } from '../errors/strata-error.ts';
import { todayUtc } from '../time/dates.ts';
import { readInputChoices } from './dashboard-inputs.ts';
import { queryPath } from './dashboard-query.ts';
import type { DashboardSite, ServedProject } from './dashboard-site.ts';
import { missingModels, relationResolver } from './dashboard-sql.ts';

// Raw HTML in prose is shown as text: a page file is code, but its prose should not run script.
const markdown = new MarkdownIt({ html: false, linkify: true });

/** `GET /api`: every project served and its pages. */
export async function serverIndex(site: DashboardSite): Promise<ServerIndex> {
  return { projects: (await site.refreshed()).map(projectSummary) };
}

export function projectSummary(served: ServedProject): ProjectSummary {
  return {
    name: served.slug,
    title: served.title,
    pages: served.pages.map((page) => pageSummary(served.slug, page)),
  };
}

function pageSummary(slug: string, page: DashboardPage): PageSummary {
  return {
    name: page.name,
    title: page.title,
    ...(page.description === undefined ? {} : { description: page.description }),
    file: page.file,
    url: `/${encodeURIComponent(slug)}/${encodeURIComponent(page.name)}`,
    api: `/api/${encodeURIComponent(slug)}/pages/${encodeURIComponent(page.name)}`,
    queries: page.queries.map((q) => ({ name: q.name, url: queryPath(slug, page.name, q.name) })),
    inputs: page.inputs.map((i) => ({ name: i.name, kind: i.kind })),
  };
}

/**
 * `GET /api/<project>/pages/<page>`: the page's prose as HTML, its components, its inputs with
 * the values this request resolves (`params`, else defaults from the data), and what keeps it
 * from drawing: models not built yet, columns its components name that its queries lack.
 */
export async function pageView(
  site: DashboardSite,
  slug: string,
  name: string,
  params: URLSearchParams,
): Promise<PageView> {
  const { served, page } = await site.page(slug, name);
  const summary = pageSummary(served.slug, page);
  const missing = await missingModels(served, page);
  const base = {
    project: served.slug,
    projectTitle: served.title,
    name: page.name,
    title: page.title,
    ...(page.description === undefined ? {} : { description: page.description }),
    file: page.file,
    blocks: blockViews(page),
    queries: summary.queries,
    missingModels: missing,
    nav: (await serverIndex(site)).projects,
  };
  // Inputs read their bounds and choices from models: with some not built, they have no values.
  if (missing.length > 0) return { ...base, inputs: inputViews(page, new Map(), new Map()), problems: [] };

  const choices = await readInputChoices(served, page);
  const values = resolveInputs(page.inputs, params, choices, todayUtc());
  const inputs = inputViews(page, values, choices);
  const problems = await columnProblems(served, page, values);
  return { ...base, inputs, problems };
}

function blockViews(page: DashboardPage): BlockView[] {
  let components = 0;
  return page.blocks.map((block) => {
    if (block.kind === 'markdown') return { kind: 'html', html: markdown.render(block.markdown) };
    components += 1;
    const { name, data, attributes } = block.component;
    return {
      kind: 'component',
      id: `c${components}`,
      component: name,
      ...(data === undefined ? {} : { data }),
      attributes,
      line: block.line,
    };
  });
}

/** The inputs as the page shows them: the values resolved, the bounds and choices the data offers. */
function inputViews(
  page: DashboardPage,
  values: ReadonlyMap<string, InputValue>,
  choices: ReadonlyMap<string, InputChoices>,
): InputView[] {
  return page.inputs.map((input) => {
    const value = values.get(input.name);
    const choice = choices.get(input.name);
    if (input.kind === 'date_range') {
      return {
        kind: 'date_range',
        name: input.name,
        label: input.label,
        from: value?.kind === 'date_range' ? value.from : null,
        to: value?.kind === 'date_range' ? value.to : null,
        min: choice?.kind === 'date_range' ? choice.min : null,
        max: choice?.kind === 'date_range' ? choice.max : null,
      };
    }
    return {
      kind: 'dropdown',
      name: input.name,
      label: input.label,
      value: value?.kind === 'dropdown' ? value.value : null,
      options: choice?.kind === 'dropdown' ? choice.options : [],
      ...(input.all === undefined ? {} : { all: input.all }),
    };
  });
}

/** The columns each component names, checked against its query's result (without running it). */
async function columnProblems(
  served: ServedProject,
  page: DashboardPage,
  inputs: ReturnType<typeof resolveInputs>,
): Promise<ProblemView[]> {
  const problems: ProblemView[] = [];
  const described = new Map<string, string[] | null>();
  for (const block of page.blocks) {
    if (block.kind !== 'component' || block.component.data === undefined) continue;
    const query = page.queries.find((q) => q.name === block.component.data);
    if (!query) continue;
    if (!described.has(query.name)) {
      const statement = renderQuery(query, {
        dialect: served.engine.dialect,
        resolve: relationResolver(served),
        inputs,
      });
      try {
        described.set(
          query.name,
          (await served.engine.describeQuery(statement.sql, statement.params)).map((c) => c.name),
        );
      } catch (error) {
        described.set(query.name, null);
        problems.push(problemView(error, page, query.line));
      }
    }
    const columns = described.get(query.name);
    if (!columns) continue;
    for (const column of block.component.columns) {
      if (columns.includes(column)) continue;
      problems.push({
        code: 'DASHBOARD_UNKNOWN_COLUMN',
        message: `<${block.component.name}> names the column ${column}, which the query ${query.name} does not return`,
        hint: `Its columns: ${columns.join(', ')}.`,
        file: page.file,
        line: block.line,
      });
    }
  }
  return problems;
}

function problemView(error: unknown, page: DashboardPage, line: number): ProblemView {
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: error instanceof StrataError ? 'DASHBOARD_QUERY_FAILED' : 'INTERNAL',
    message,
    file: page.file,
    line,
  };
}
