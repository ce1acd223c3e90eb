import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchPages } from './fetch-pages.ts';
import type { HttpSourceConfig } from '../../config/http-source-schema.ts';

/** Where an HTTP source's responses land, one folder per load date, inside the project. */
export function landingFolder(root: string, source: string): string {
  return join(root, '.strata', 'http', source);
}

/**
 * Fetches every page of an HTTP source for one load date into `<landing>/<date>/page-NNNNN.json`
 * (plus pages.json listing each page's URL), unless that date has landed already: a run can then
 * be replayed without the API. Pages land in a temporary folder renamed at the end, so a fetch
 * that fails halfway leaves nothing behind.
 */
export async function landHttpPages(
  root: string,
  source: string,
  config: HttpSourceConfig,
  date: string,
  options: { env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<{ fetched: boolean; pages: number; records: number; retries: number }> {
  const folder = join(landingFolder(root, source), date);
  if (existsSync(join(folder, 'pages.json'))) return { fetched: false, pages: 0, records: 0, retries: 0 };
  const partial = `${folder}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const urls: { page: string; url: string; records: number }[] = [];
  try {
    const summary = await fetchPages(config, {
      env: options.env,
      signal: options.signal,
      onPage: async (page) => {
        const name = `page-${String(page.index).padStart(5, '0')}.json`;
        await writeFile(join(partial, name), JSON.stringify(page.records));
        urls.push({ page: name, url: page.url, records: page.records.length });
      },
    });
    await writeFile(join(partial, 'pages.json'), JSON.stringify({ date, pages: urls }, null, 2));
    await rm(folder, { recursive: true, force: true });
    await rename(partial, folder);
    return { fetched: true, ...summary };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}
