import { parse as parseYaml } from 'yaml';
import { StrataError } from '../errors/strata-error.ts';
import { buildComponent } from './build-component.ts';
import { MONITOR_SEGMENT } from './monitor-runs-views.ts';
import { parseQueryTemplate } from './query-template.ts';
import type { DashboardBlock, DashboardInput, DashboardPage, DashboardQuery } from './types.ts';
import { validatePage } from './validate-page.ts';

export interface PageFile {
  /** The file as the project names it (relative path). */
  file: string;
  /** The page's name: the file name without `.md`. */
  name: string;
  text: string;
}

export interface ParsedPage {
  /** Absent when the page cannot be used at all. */
  page?: DashboardPage;
  problems: StrataError[];
}

const PAGE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const QUERY_FENCE = /^```\s*sql\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const OTHER_FENCE = /^```/;
const TAG_START = /^<([A-Z][A-Za-z0-9]*)\b/;
const FRONT_MATTER_KEYS = new Set(['title', 'description', 'order']);
const DEFAULT_ORDER = 100;

/**
 * One page file → a page and every problem found in it, each with its line. Cross-references
 * (a component's query, a query's inputs) are checked here; refs to models need the project's
 * DAG and are checked by `unknownRefs`.
 */
export function parsePage(input: PageFile): ParsedPage {
  const problems: StrataError[] = [];
  const problem = (message: string, line: number, hint?: string) =>
    problems.push(new StrataError('DASHBOARD_INVALID', message, { file: input.file, line, hint }));

  if (!PAGE_NAME.test(input.name)) {
    problem(
      `the page name "${input.name}" is not a URL-safe name`,
      1,
      'Name page files with lower-case letters, digits, - and _ (e.g. sales-trends.md).',
    );
    return { problems };
  }
  if (input.name === MONITOR_SEGMENT) {
    problem(
      `the page name "${MONITOR_SEGMENT}" is taken: /<project>/${MONITOR_SEGMENT} is the pipeline monitor`,
      1,
      `Rename the file (e.g. ${MONITOR_SEGMENT}ing.md or pipeline-${MONITOR_SEGMENT}.md).`,
    );
    return { problems };
  }
  const lines = input.text.replace(/\r\n?/g, '\n').split('\n');
  const front = readFrontMatter(lines, problem);
  const blocks: DashboardBlock[] = [];
  const queries: DashboardQuery[] = [];
  const inputs: DashboardInput[] = [];
  let prose: { lines: string[]; line: number } | undefined;
  const flushProse = () => {
    const markdown = stripComments(prose?.lines.join('\n') ?? '').trim();
    if (prose && markdown) blocks.push({ kind: 'markdown', markdown, line: prose.line });
    prose = undefined;
  };

  let index = front.bodyStart;
  while (index < lines.length) {
    const text = lines[index] ?? '';
    const lineNumber = index + 1;
    const queryFence = QUERY_FENCE.exec(text.trim());
    const tag = TAG_START.exec(text.trim());
    if (queryFence) {
      flushProse();
      const end = findIndex(lines, index + 1, (l) => l.trim() === '```');
      if (end === -1) {
        problem(`the query ${queryFence[1]} is never closed with \`\`\``, lineNumber);
        break;
      }
      const sql = lines.slice(index + 1, end).join('\n');
      const template = parseQueryTemplate(sql, lineNumber + 1, input.file);
      problems.push(...template.problems);
      queries.push({ name: queryFence[1] ?? '', line: lineNumber, sql, segments: template.segments });
      index = end + 1;
    } else if (text.trim().startsWith('<!--')) {
      // A comment may hide a component or a query: skip it whole.
      const end = findIndex(lines, index, (l) => l.includes('-->'));
      index = end === -1 ? lines.length : end + 1;
    } else if (OTHER_FENCE.test(text.trim())) {
      // A fenced block of another language is prose: copy it whole so a tag inside stays text.
      const end = findIndex(lines, index + 1, (l) => l.trim().startsWith('```'));
      const stop = end === -1 ? lines.length : end + 1;
      prose ??= { lines: [], line: lineNumber };
      prose.lines.push(...lines.slice(index, stop));
      index = stop;
    } else if (tag) {
      flushProse();
      const end = findIndex(lines, index, (l) => l.includes('/>'));
      if (end === -1) {
        problem(
          `the <${tag[1]}> tag is never closed with />`,
          lineNumber,
          'Components are self-closing: <Table data="q" />.',
        );
        break;
      }
      const built = buildComponent(lines.slice(index, end + 1).join(' '), lineNumber, input.file);
      problems.push(...built.problems);
      if (built.block) blocks.push(built.block);
      if (built.input) inputs.push(built.input);
      index = end + 1;
    } else {
      prose ??= { lines: [], line: lineNumber };
      prose.lines.push(text);
      index += 1;
    }
  }
  flushProse();

  const page: DashboardPage = {
    name: input.name,
    file: input.file,
    title: front.title ?? firstHeading(blocks) ?? input.name,
    ...(front.description === undefined ? {} : { description: front.description }),
    order: front.order ?? DEFAULT_ORDER,
    blocks,
    queries,
    inputs,
    refs: [...new Set(queries.flatMap((q) => q.segments.flatMap((s) => (s.kind === 'ref' ? [s.name] : []))))],
  };
  problems.push(...validatePage(page));
  return { page, problems };
}

interface FrontMatter {
  title?: string;
  description?: string;
  order?: number;
  /** The index of the first line after the front matter. */
  bodyStart: number;
}

function readFrontMatter(
  lines: readonly string[],
  problem: (message: string, line: number, hint?: string) => void,
): FrontMatter {
  if (lines[0]?.trim() !== '---') return { bodyStart: 0 };
  const end = findIndex(lines, 1, (l) => l.trim() === '---');
  if (end === -1) {
    problem('the front matter opened with --- is never closed', 1, 'End it with a line holding only ---.');
    return { bodyStart: lines.length };
  }
  const front: FrontMatter = { bodyStart: end + 1 };
  let data: unknown;
  try {
    data = parseYaml(lines.slice(1, end).join('\n'));
  } catch (error) {
    problem(
      `the front matter is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      2,
    );
    return front;
  }
  if (data === null || data === undefined) return front;
  if (typeof data !== 'object' || Array.isArray(data)) {
    problem('the front matter must be a mapping (title: ..., order: ...)', 2);
    return front;
  }
  for (const [key, value] of Object.entries(data)) {
    const line =
      2 +
      Math.max(
        0,
        lines.slice(1, end).findIndex((l) => l.trimStart().startsWith(`${key}:`)),
      );
    if (!FRONT_MATTER_KEYS.has(key))
      problem(`unknown front matter key "${key}"`, line, 'Use title, description and order.');
    else if (key === 'order') {
      if (typeof value === 'number' && Number.isFinite(value)) front.order = value;
      else problem('order must be a number', line);
    } else if (typeof value === 'string') front[key as 'title' | 'description'] = value;
    else problem(`${key} must be text`, line);
  }
  return front;
}

function findIndex(lines: readonly string[], from: number, test: (line: string) => boolean): number {
  for (let i = from; i < lines.length; i += 1) if (test(lines[i] ?? '')) return i;
  return -1;
}

/** Comments are notes for the page's authors, not prose for its readers. */
function stripComments(markdown: string): string {
  return markdown.replace(/<!--[\s\S]*?-->/g, '');
}

function firstHeading(blocks: readonly DashboardBlock[]): string | undefined {
  for (const block of blocks) {
    if (block.kind !== 'markdown') continue;
    const heading = /^#\s+(.+)$/m.exec(block.markdown);
    if (heading?.[1]) return heading[1].trim();
  }
  return undefined;
}
