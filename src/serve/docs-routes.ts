import type { Hono } from 'hono';
import type { DashboardSite } from '../api/dashboard-site.ts';
import { ServedDocs, type ServedDocsOptions } from '../api/docs-served.ts';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The documentation sites (`strata docs`' pages) under `/docs/<project>/`: every file of a
 * project's site at its path, built on demand and kept until the project or its warehouse changes
 * (api/docs-served.ts). `/docs` leads to the only project's site, or lists the projects. Registered
 * before the page shell, which answers every other URL.
 */
export function registerDocsRoutes(
  app: Hono,
  site: DashboardSite,
  options: ServedDocsOptions = {},
): ServedDocs {
  const docs = new ServedDocs(site, options);
  app.get('/docs', (c) => {
    const projects = docs.projects();
    const [only] = projects;
    if (projects.length === 1 && only) return c.redirect(`/docs/${encodeURIComponent(only.slug)}/`);
    const items = projects
      .map((p) => `<li><a href="/docs/${encodeURIComponent(p.slug)}/">${escapeHtml(p.title)}</a></li>`)
      .join('\n');
    return c.html(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Documentation · strata</title></head>\n<body><h1>Documentation</h1><ul>\n${items}\n</ul></body></html>\n`,
    );
  });
  // Relative links need the trailing slash.
  app.get('/docs/:project', (c) => c.redirect(`/docs/${encodeURIComponent(c.req.param('project'))}/`));
  app.get('/docs/:project/*', async (c) => {
    const project = c.req.param('project');
    const prefix = `/docs/${project}/`;
    const rest = c.req.path.startsWith(prefix) ? c.req.path.slice(prefix.length) : undefined;
    const path = rest === undefined ? undefined : decodePath(rest);
    const file = path === undefined ? undefined : await docs.file(project, path);
    if (!file) return c.text('not found', 404);
    const extension = /\.([a-z0-9]+)$/i.exec(file.path)?.[1]?.toLowerCase() ?? '';
    return c.body(file.content, 200, {
      'Content-Type': TYPES[extension] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
  });
  return docs;
}

/** A request path's segments decoded; undefined when one does not decode or leaves the site. */
function decodePath(path: string): string | undefined {
  try {
    const segments = path.split('/').map(decodeURIComponent);
    return segments.some((segment) => segment === '..' || segment.includes('/'))
      ? undefined
      : segments.join('/');
  } catch {
    return undefined;
  }
}
