/**
 * docs.js: the script of every page of `strata docs` (src/docs/render-site.ts writes the pages;
 * everything works without it but search). The root of the site, relative to the page, is on
 * `<html data-root>`.
 */
import { setUpGraphs } from './graph.ts';
import { setUpSearchBox, showSearchPage } from './search.ts';

function start(): void {
  const root = document.documentElement.dataset.root ?? '';
  setUpSearchBox(root);
  setUpGraphs();
  void showSearchPage(root).catch((error: unknown) => {
    const status = document.querySelector('[data-role="search-status"]');
    if (status) status.textContent = `Search could not load its index: ${String(error)}`;
  });
  document.documentElement.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
