import { SEARCH_INDEX } from './layout.ts';
import { ROOT_PAGES, entityPath } from './paths.ts';
import type { Site } from './site.ts';

/**
 * The search index: names and descriptions of sources, seeds, models, their columns, checks and
 * dashboard pages, each with its root-relative link. Written as a script assigning a global (a
 * page opened from the file system may not fetch JSON), loaded by docs.js on the first search.
 */
export interface SearchEntry {
  /** Kind: source, seed, model, column, check, page. */
  k: string;
  /** Name (a column's own name). */
  n: string;
  /** The node a column belongs to, or a check's target. */
  p?: string;
  /** Description or definition. */
  d?: string;
  /** Root-relative link. */
  u: string;
}

export const SEARCH_GLOBAL = 'STRATA_DOCS_SEARCH';

/** Links in the index are from the site's root. */
const ROOT = ROOT_PAGES.index;

export function searchEntries(site: Site): SearchEntry[] {
  const entries: SearchEntry[] = [];
  const withText = (entry: SearchEntry, text: string | null | undefined) =>
    text ? { ...entry, d: text } : entry;
  const nodes = [
    ...site.data.sources.map((node) => ({ kind: 'source' as const, node, page: node.name })),
    ...site.data.sources.flatMap((source) =>
      (source.tables ?? []).map((table) => ({
        kind: 'source' as const,
        node: { ...table, description: null },
        page: source.name,
      })),
    ),
    ...site.data.seeds.map((node) => ({ kind: 'seed' as const, node, page: node.name })),
    ...site.data.models.map((node) => ({ kind: 'model' as const, node, page: node.name })),
  ];
  for (const { kind, node, page } of nodes) {
    const place = site.place(node.name);
    const path = place ? site.href(ROOT, place) : entityPath(kind, page);
    entries.push(withText({ k: kind, n: node.name, u: path }, node.description));
    for (const column of node.columns) {
      entries.push(
        withText(
          {
            k: 'column',
            n: column.name,
            p: node.name,
            u: `${entityPath(kind, page)}#${encodeURIComponent(site.anchorOf(node.name, column.name))}`,
          },
          column.description,
        ),
      );
    }
  }
  for (const check of site.data.checks) {
    entries.push(
      withText(
        { k: 'check', n: check.id, p: check.target, u: entityPath('check', check.id) },
        check.definition,
      ),
    );
  }
  for (const page of site.data.pages) {
    entries.push(withText({ k: 'page', n: page.name, u: entityPath('page', page.name) }, page.title));
  }
  return entries;
}

/** The index as the script file the pages load. */
export function searchIndexFile(site: Site): { path: string; content: string } {
  // JSON is a JavaScript expression; `<` escaped so no text closes a tag whatever loads it.
  const json = JSON.stringify(searchEntries(site)).replace(/</g, '\\u003c');
  return { path: SEARCH_INDEX, content: `window.${SEARCH_GLOBAL} = ${json};\n` };
}
