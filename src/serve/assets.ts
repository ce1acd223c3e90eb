import { readFile } from 'node:fs/promises';

/**
 * The browser code, bundled ahead by `npm run build` (src/web → dist/web). This module's place
 * in dist/ mirrors src/ (see scripts/build.mjs), so the path resolves from both.
 */
const WEB_DIR = new URL('../../dist/web/', import.meta.url);

export interface Asset {
  body: Uint8Array;
  type: string;
}

const TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

const cache = new Map<string, Asset>();

/** A bundled asset by file name, or undefined for a name the bundle does not have. */
export async function readAsset(name: string): Promise<Asset | undefined> {
  const type = TYPES[name];
  if (!type) return undefined;
  const cached = cache.get(name);
  if (cached) return cached;
  let body: Uint8Array;
  try {
    body = await readFile(new URL(name, WEB_DIR));
  } catch {
    return undefined;
  }
  const asset = { body, type };
  cache.set(name, asset);
  return asset;
}

/** The HTML every page URL answers; the browser code draws the page from the JSON API. */
export const PAGE_SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>strata</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<div id="app"></div>
<script src="/assets/app.js"></script>
</body>
</html>
`;
