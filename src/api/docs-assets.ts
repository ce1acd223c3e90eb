import { readFile } from 'node:fs/promises';
import { DOCS_ASSETS, type DocsFile } from '../docs/render-site.ts';

/**
 * The site's browser code (search, the lineage graph), bundled ahead by `npm run build` from
 * src/web/docs/ into dist/web/docs.js and docs.css. This module's place in dist/ mirrors src/
 * (scripts/build.mjs), so the path resolves from both.
 */
const DIST_DIR = new URL('../../dist/', import.meta.url);

/**
 * The bundled files as files of the site, at the paths the pages reference (`DOCS_ASSETS`); a
 * file the build has not produced (a build without the site's browser code) is left out, and the
 * pages still read without it.
 */
export async function docsAssets(): Promise<DocsFile[]> {
  const files = await Promise.all(
    DOCS_ASSETS.map(async ({ dist, path }) => {
      const content = await readFile(new URL(dist, DIST_DIR), 'utf8').catch(() => undefined);
      return content === undefined ? [] : [{ path, content }];
    }),
  );
  return files.flat();
}
