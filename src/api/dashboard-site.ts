import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';
import type { DashboardPage } from '../dashboards/types.ts';
import { StrataAggregateError, StrataError } from '../errors/strata-error.ts';
import { listFiles } from '../project/discover.ts';
import { loadDashboards } from '../project/load-dashboards.ts';
import { type Project, loadProject } from '../project/load-project.ts';

/** A project whose dashboards are served: its definitions and its open warehouse. */
export interface ServedProject {
  /** The project's URL segment: its folder name, lower-cased, made unique. */
  slug: string;
  title: string;
  project: Project;
  engine: Engine;
  /** The pages as last read: the project's, then re-read whenever a page file changes. */
  pages: DashboardPage[];
  /** What the last re-read found wrong (none at start: a project with problems is not served). */
  problems: StrataError[];
  /** The page files' names, sizes and times when last read. */
  signature: string;
  checkedAt: number;
}

/** Page files are looked at again at most this often (a page edited shows on the next reload). */
const RECHECK_MS = 500;

/**
 * The projects `strata serve` holds open. Each warehouse is opened once, for the life of the
 * process; every request reads through a connection of its own, so on DuckDB a read sees the
 * last committed state while a run in the same process writes. Pages are code the user edits
 * while the server runs: a changed page file is read again before the next request answers.
 */
export class DashboardSite {
  constructor(readonly projects: readonly ServedProject[]) {}

  project(slug: string): ServedProject {
    const found = this.projects.find((p) => p.slug === slug);
    if (!found) {
      throw new StrataError('DASHBOARD_NOT_FOUND', `no project "${clip(slug)}" is served here`, {
        hint: `Projects: ${this.projects.map((p) => p.slug).join(', ')}.`,
      });
    }
    return found;
  }

  /** A page as its file now reads; its file's problems, if any, instead. */
  async page(slug: string, name: string): Promise<{ served: ServedProject; page: DashboardPage }> {
    const served = this.project(slug);
    await refreshPages(served);
    const problems = served.problems.filter((p) => p.location.file === pageFile(served, name));
    if (problems.length > 0) {
      throw new StrataAggregateError(
        'DASHBOARD_INVALID',
        problems,
        `the page ${name} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}: ${problems
          .map((p) => `${p.location.file ?? ''}:${p.location.line ?? 1} ${p.message}`)
          .join('; ')}`,
      );
    }
    const page = served.pages.find((p) => p.name === name);
    if (!page) {
      throw new StrataError('DASHBOARD_NOT_FOUND', `the project ${slug} has no page "${clip(name)}"`, {
        hint: `Pages: ${served.pages.map((p) => p.name).join(', ') || 'none (add dashboards/*.md)'}.`,
      });
    }
    return { served, page };
  }

  /** Every project with its pages as their files now read. */
  async refreshed(): Promise<readonly ServedProject[]> {
    await Promise.all(this.projects.map(refreshPages));
    return this.projects;
  }

  async close(): Promise<void> {
    await Promise.all(this.projects.map((p) => p.engine.close()));
  }
}

export interface DashboardSiteOptions {
  /** Project folders; one at least. */
  projectDirs: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Loads every project (its pages checked with its definitions) and opens its warehouse. */
export async function openDashboardSite(options: DashboardSiteOptions): Promise<DashboardSite> {
  const projects: ServedProject[] = [];
  // The server's own paths are never a project's.
  const slugs = new Set<string>(['api', 'assets', 'docs']);
  try {
    for (const dir of options.projectDirs) {
      const project = await loadProject(dir, options.env);
      const engine = await createEngine(project.engineTarget);
      const slug = uniqueSlug(basename(project.root), slugs);
      projects.push({
        slug,
        title: project.config.name ?? slug,
        project,
        engine,
        pages: project.dashboards,
        problems: [],
        signature: await pagesSignature(project),
        checkedAt: Date.now(),
      });
    }
  } catch (error) {
    await Promise.all(projects.map((p) => p.engine.close()));
    throw error;
  }
  return new DashboardSite(projects);
}

async function refreshPages(served: ServedProject): Promise<void> {
  if (Date.now() - served.checkedAt < RECHECK_MS) return;
  served.checkedAt = Date.now();
  const signature = await pagesSignature(served.project);
  if (signature === served.signature) return;
  const { project } = served;
  const known = (name: string) => project.graph.tables.has(name);
  const { pages, problems } = await loadDashboards(project.root, project.config.dashboards.paths, known);
  Object.assign(served, { pages, problems, signature });
}

/** Names, sizes and modification times of the page files: a change in any means read again. */
async function pagesSignature(project: Project): Promise<string> {
  const parts: string[] = [];
  for (const folder of project.config.dashboards.paths) {
    const dir = join(project.root, folder);
    for (const file of await listFiles(dir, ['.md'])) {
      const info = await stat(join(dir, file)).catch(() => undefined);
      parts.push(`${folder}/${file}:${info?.size ?? 0}:${info?.mtimeMs ?? 0}`);
    }
  }
  return parts.join('\n');
}

function pageFile(served: ServedProject, name: string): string | undefined {
  const page = served.pages.find((p) => p.name === name);
  if (page) return page.file;
  // A page that no longer parses is found by its problems' file name.
  return served.problems.find(
    (p) => (p.location.file ?? '').replace(/^.*\//, '').replace(/\.md$/, '') === name,
  )?.location.file;
}

function uniqueSlug(folder: string, taken: Set<string>): string {
  const base =
    folder
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'project';
  let slug = base;
  for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

export function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
