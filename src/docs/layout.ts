import { type Html, h } from './html.ts';
import { ROOT_PAGES, link, rootOf } from './paths.ts';
import type { DocsData } from './types.ts';

/** The assets every page references, by their path in the site, and the file of dist/ each is. */
export const DOCS_ASSETS = [
  { path: 'assets/docs.js', dist: 'web/docs.js' },
  { path: 'assets/docs.css', dist: 'web/docs.css' },
] as const;

/** The search index the pages' script loads when the search box is first used (written by the renderer). */
export const SEARCH_INDEX = 'assets/search-index.js';

export type Section = 'overview' | 'lineage' | 'checks' | 'coverage' | 'search' | null;

export interface PageSpec {
  /** Its root-relative path: `index.html`, `models/fact_orders.html`. */
  path: string;
  title: string;
  section: Section;
  body: Html;
}

const NAV: { section: Exclude<Section, null>; label: string; to: string }[] = [
  { section: 'overview', label: 'Overview', to: ROOT_PAGES.index },
  { section: 'lineage', label: 'Lineage', to: ROOT_PAGES.lineage },
  { section: 'checks', label: 'Checks', to: ROOT_PAGES.checks },
  { section: 'coverage', label: 'Coverage', to: ROOT_PAGES.coverage },
];

/**
 * A page of the site: a header with the project's name, the sections and a search box (hidden
 * until the script runs, as search needs it), the body, and the one script — no inline script or
 * handler (`strata serve`'s CSP forbids them). The templates here are written with `h`, not
 * `html`, so Prettier leaves the markup as written. Only the overview says when the site was
 * generated: a page whose node did not change is the same file from one build to the next.
 */
export function renderPage(data: DocsData, spec: PageSpec): string {
  const root = rootOf(spec.path);
  const nav = NAV.map(
    (item) =>
      h`<a href="${link(spec.path, item.to)}"${item.section === spec.section ? h` aria-current="page"` : ''}>${item.label}</a>`,
  );
  return h`<!doctype html>
<html lang="en" data-root="${root}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${spec.title} · ${data.project.name} · strata docs</title>
<link rel="stylesheet" href="${root}${DOCS_ASSETS[1].path}">
<script src="${root}${DOCS_ASSETS[0].path}" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="${link(spec.path, ROOT_PAGES.index)}"><span class="brand-mark">strata</span> ${data.project.name}</a>
<nav class="sections" aria-label="Sections">${nav}</nav>
<form class="search" role="search" action="${link(spec.path, ROOT_PAGES.search)}" method="get" hidden data-role="search">
<input type="search" name="q" placeholder="Search models, columns, checks…" aria-label="Search the documentation" autocomplete="off" spellcheck="false">
<div class="search-results" data-role="search-results" hidden></div>
</form>
</header>
<main id="main">
${spec.body}
</main>
<footer class="foot">${data.project.name} · ${data.project.engine} · documented by strata ${data.project.strataVersion}</footer>
</body>
</html>
`.__html;
}
