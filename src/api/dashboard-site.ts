import { basename } from 'node:path';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';
import type { DashboardPage } from '../dashboards/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { type Project, loadProject } from '../project/load-project.ts';

/** A project whose dashboards are served: its definitions and its open warehouse. */
export interface ServedProject {
  /** The project's URL segment: its folder name, lower-cased, made unique. */
  slug: string;
  title: string;
  project: Project;
  engine: Engine;
}

/**
 * The projects `strata serve` holds open. Each warehouse is opened once, for the life of the
 * process; every request reads through a connection of its own, so on DuckDB a read sees the
 * last committed state while a run in the same process writes.
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

  page(slug: string, name: string): { served: ServedProject; page: DashboardPage } {
    const served = this.project(slug);
    const page = served.project.dashboards.find((p) => p.name === name);
    if (!page) {
      throw new StrataError('DASHBOARD_NOT_FOUND', `the project ${slug} has no page "${clip(name)}"`, {
        hint: `Pages: ${served.project.dashboards.map((p) => p.name).join(', ') || 'none (add dashboards/*.md)'}.`,
      });
    }
    return { served, page };
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
  const slugs = new Set<string>(['api', 'assets']);
  try {
    for (const dir of options.projectDirs) {
      const project = await loadProject(dir, options.env);
      const engine = await createEngine(project.engineTarget);
      const slug = uniqueSlug(basename(project.root), slugs);
      projects.push({ slug, title: project.config.name ?? slug, project, engine });
    }
  } catch (error) {
    await Promise.all(projects.map((p) => p.engine.close()));
    throw error;
  }
  return new DashboardSite(projects);
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
