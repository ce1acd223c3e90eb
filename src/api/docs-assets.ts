import { readFile } from 'node:fs/promises';
import type { DocsFile } from '../docs/render-site.ts';

/**
 * The site's browser code (search, the lineage graph), bundled ahead by `npm run build` from
 * src/web/docs/ into dist/web/docs.js and docs.css. This module's place in dist/ mirrors src/
 * (scripts/build.mjs), so the path resolves from both.
 */
const WEB_DIR = new URL('../../dist/web/', import.meta.url);

/** Where the site's pages find the bundle, relative to the site's root. */
export const DOCS_ASSETS = { script: 'assets/docs.js', style: 'assets/docs.css' } as const;

const BUNDLED: readonly { file: string; path: string }[] = [
  { file: 'docs.js', path: DOCS_ASSETS.script },
  { file: 'docs.css', path: DOCS_ASSETS.style },
];

/**
 * The bundled files as files of the site; a file the build has not produced (a build without the
 * site's browser code) is left out, and the pages still read without it.
 */
export async function docsAssets(): Promise<DocsFile[]> {
  const files = await Promise.all(
    BUNDLED.map(async ({ file, path }) => {
      const content = await readFile(new URL(file, WEB_DIR), 'utf8').catch(() => undefined);
      return content === undefined ? [] : [{ path, content }];
    }),
  );
  return files.flat();
}
