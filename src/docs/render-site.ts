import type { DocsData } from './types.ts';

/** One file of the documentation site, by its path relative to the site's root. */
export interface DocsFile {
  path: string;
  content: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The documentation site's pages, rendered from the collected data. Every link is relative, so
 * the same files open from the file system and under `strata serve`'s `/docs`.
 */
export function renderDocsSite(data: DocsData): DocsFile[] {
  const items = data.models
    .map((model) => `<li>${escapeHtml(model.name)}: ${escapeHtml(model.description ?? '')}</li>`)
    .join('\n');
  const index = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(data.project.name)} · strata docs</title></head>
<body><h1>${escapeHtml(data.project.name)}</h1><ul>
${items}
</ul></body></html>
`;
  return [{ path: 'index.html', content: index }];
}
