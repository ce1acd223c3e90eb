import { DOCS_ASSETS, SEARCH_INDEX, renderPage } from './layout.ts';
import { checkPage, checksIndex } from './pages-checks.ts';
import { modelPage, seedPage, sourcePage } from './pages-nodes.ts';
import { coveragePage, dashboardPage, indexPage, lineagePage, searchPage } from './pages-project.ts';
import { searchIndexFile } from './search-index.ts';
import { Site } from './site.ts';
import type { DocsData } from './types.ts';

export { DOCS_ASSETS, SEARCH_INDEX };

/** One file of the documentation site, by its path relative to the site's root. */
export interface DocsFile {
  path: string;
  content: string;
}

/**
 * The documentation site's files, rendered from the collected data: one HTML file per source,
 * seed, model, check and dashboard page (a big project stays fast: no page holds the whole
 * project but the lineage graph), the overview, lineage, checks, coverage and search pages, and
 * `assets/search-index.js`. The caller adds `DOCS_ASSETS` (the script and stylesheet from dist/).
 * Every link is relative, so the same files open from the file system and under `strata serve`'s
 * `/docs/<project>/`; no page has an inline script.
 */
export function renderDocsSite(data: DocsData): DocsFile[] {
  const site = new Site(data);
  const specs = [
    indexPage(site),
    lineagePage(site),
    coveragePage(site),
    checksIndex(site),
    searchPage(),
    ...data.sources.map((source) => sourcePage(site, source)),
    ...data.seeds.map((seed) => seedPage(site, seed)),
    ...data.models.map((model) => modelPage(site, model)),
    ...data.checks.map((check) => checkPage(site, check)),
    ...data.pages.map((page) => dashboardPage(site, page)),
  ];
  return [
    ...specs.map((spec) => ({ path: spec.path, content: renderPage(data, spec) })),
    searchIndexFile(site),
  ];
}
