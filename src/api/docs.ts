import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type DocsFile, renderDocsSite } from '../docs/render-site.ts';
import type { DocsData } from '../docs/types.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { Project } from '../project/load-project.ts';
import { docsAssets } from './docs-assets.ts';
import { docsColumnLineage } from './docs-column-lineage.ts';
import { coveragePercent } from './docs-coverage.ts';
import { type DocsDataOptions, collectDocsData } from './docs-data.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

/** The documentation site: its data and its files (pages and the bundled browser code). */
export interface DocsSite {
  data: DocsData;
  files: DocsFile[];
}

/** Where `strata docs` writes by default, relative to the project: beside what a build makes. */
export const DEFAULT_DOCS_DIR = join('target', 'docs');

/** A file in every folder the site is written to, so that only such a folder is ever replaced. */
const MARKER = '.strata-docs';

/**
 * Collects the data (with the models' column lineage), renders the pages and adds the bundled
 * browser code: every file of the site, held in memory.
 */
export async function buildDocsSite(
  project: Project,
  engine: Engine,
  options: Omit<DocsDataOptions, 'columnLineage'> = {},
): Promise<DocsSite> {
  const columnLineage = await docsColumnLineage(project, engine);
  const data = await collectDocsData(project, engine, { ...options, columnLineage });
  return { data, files: [...renderDocsSite(data), ...(await docsAssets())] };
}

export interface WriteDocsOptions extends ProjectOptions {
  /** The folder to write the site to (default `<project>/target/docs`); relative to the project. */
  out?: string;
  now?: Date;
}

export interface DocsResult {
  /** The folder the site was written to, absolute. */
  out: string;
  index: string;
  files: number;
  project: string;
  sources: number;
  seeds: number;
  models: number;
  checks: number;
  pages: number;
  coverage: { columns: number; described: number; percent: number; models: number; modelsDescribed: number };
  exitCode: number;
}

/** `strata docs`: builds the site of the project and writes it to its folder, atomically. */
export async function writeDocs(options: WriteDocsOptions): Promise<DocsResult> {
  return withProject(options, async (project, engine) => {
    const out = resolve(project.root, options.out ?? DEFAULT_DOCS_DIR);
    const site = await buildDocsSite(project, engine, options.now ? { now: options.now } : {});
    await writeDocsSite(site.files, out);
    const { data } = site;
    return {
      out,
      index: join(out, 'index.html'),
      files: site.files.length,
      project: data.project.name,
      sources: data.sources.length,
      seeds: data.seeds.length,
      models: data.models.length,
      checks: data.checks.length,
      pages: data.pages.length,
      coverage: {
        columns: data.coverage.columns,
        described: data.coverage.described,
        percent: coveragePercent(data.coverage),
        models: data.coverage.models,
        modelsDescribed: data.coverage.modelsDescribed,
      },
      exitCode: 0,
    };
  });
}

/**
 * Writes the files to `outDir` as a whole: into a sibling temporary folder first, which then takes
 * the place of the old site, so a reader (or a web server) never sees half a site. Only a folder
 * that is empty, missing or a site written here before is replaced.
 */
export async function writeDocsSite(files: readonly DocsFile[], outDir: string): Promise<void> {
  const out = resolve(outDir);
  const existing = await replaceable(out);
  const parent = dirname(out);
  let temp: string | undefined;
  let old: string | undefined;
  try {
    await mkdir(parent, { recursive: true });
    temp = await mkdtemp(join(parent, `.${basename(out)}.new-`));
    // mkdtemp makes a private folder; the site is for reading, by a web server too, like its files.
    await chmod(temp, 0o755);
    for (const file of files) {
      const path = join(temp, safePath(file.path));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
    await writeFile(
      join(temp, MARKER),
      'Written by strata docs: this folder is replaced as a whole each time.\n',
    );
    if (existing) {
      old = `${temp}.old`;
      await rename(out, old);
    }
    try {
      await rename(temp, out);
    } catch (error) {
      // The old site goes back in its place.
      if (old) await rename(old, out);
      old = undefined;
      throw error;
    }
    temp = undefined;
  } catch (error) {
    if (error instanceof StrataError) throw error;
    throw new StrataError('DOCS_WRITE_FAILED', `could not write the documentation site to ${out}`, {
      cause: error,
      hint: 'Check that the folder and its parent are writable, or pass another --out.',
    });
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
    if (old) await rm(old, { recursive: true, force: true });
  }
}

/** Whether `out` exists (and may be replaced); throws when it holds something else than a site. */
async function replaceable(out: string): Promise<boolean> {
  const info = await stat(out).catch(() => undefined);
  if (!info) return false;
  const entries = info.isDirectory() ? await readdir(out) : undefined;
  if (entries && (entries.length === 0 || entries.includes(MARKER))) return true;
  throw new StrataError('DOCS_OUT_NOT_SITE', `${out} holds other files than a documentation site`, {
    hint: `strata docs replaces its folder as a whole: choose a new or empty folder with --out (a folder it wrote before holds ${MARKER}).`,
  });
}

/** A file's path inside the site, refused when it would leave it. */
function safePath(path: string): string {
  const parts = path.split('/');
  if (isAbsolute(path) || parts.some((part) => part === '..' || part === '') || path.includes('\\')) {
    throw new StrataError('INTERNAL', `the documentation site holds a file outside its folder: ${path}`);
  }
  return join(...parts);
}
