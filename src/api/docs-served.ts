import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { auditReady } from './monitor-audit.ts';
import { latestRun } from '../audit/runs.ts';
import type { DocsFile } from '../docs/render-site.ts';
import type { DocsData } from '../docs/types.ts';
import { listFiles } from '../project/discover.ts';
import { type Project, loadProject } from '../project/load-project.ts';
import type { DashboardSite, ServedProject } from './dashboard-site.ts';
import { buildDocsSite } from './docs.ts';

/** The project's files and the warehouse are looked at again at most this often. */
const RECHECK_MS = 1000;

/** A project's site in memory: its data, and its files by path. */
export interface ServedSite {
  data: DocsData;
  files: ReadonlyMap<string, DocsFile>;
}

interface CachedSite {
  /** The project's files and the warehouse's newest run when the site was built. */
  signature: string;
  checkedAt: number;
  site: Promise<ServedSite>;
}

export interface ServedDocsOptions {
  /** The environment a project's files are read again with (default: the process's). */
  env?: NodeJS.ProcessEnv;
  /** How long a built site is answered without looking for changes (default 1 s). */
  recheckMs?: number;
}

/**
 * The documentation sites `strata serve` answers under /docs: each project's built on its first
 * request and kept until the project's files (config, models, seeds, pages) or the warehouse (its
 * newest run, which a run or `strata check` records) change — then built again, from the project
 * as its files read then. Requests in between are answered from memory.
 */
export class ServedDocs {
  private readonly sites = new Map<string, CachedSite>();
  private readonly looking = new Map<string, Promise<ServedSite>>();

  private readonly env: NodeJS.ProcessEnv;
  private readonly recheckMs: number;

  constructor(
    private readonly site: DashboardSite,
    options: ServedDocsOptions = {},
  ) {
    this.env = options.env ?? process.env;
    this.recheckMs = options.recheckMs ?? RECHECK_MS;
  }

  /** The projects whose sites are served: slug and title. */
  projects(): { slug: string; title: string }[] {
    return this.site.projects.map((served) => ({ slug: served.slug, title: served.title }));
  }

  /** A file of a project's site by its path in the site (`''` is index.html); undefined when none. */
  async file(slug: string, path: string): Promise<DocsFile | undefined> {
    const { files } = await this.built(slug);
    return files.get(path === '' || path.endsWith('/') ? `${path}index.html` : path);
  }

  /** A project's site as last built, built again first when the project or warehouse changed. */
  async built(slug: string): Promise<ServedSite> {
    const served = this.site.project(slug);
    const cached = this.sites.get(slug);
    if (cached && Date.now() - cached.checkedAt < this.recheckMs) return cached.site;
    // Requests arriving while the project is looked at wait for that look, not a look of their own.
    const looking = this.looking.get(slug);
    if (looking) return looking;
    const look = this.lookAgain(slug, served, cached).finally(() => this.looking.delete(slug));
    this.looking.set(slug, look);
    return look;
  }

  private async lookAgain(
    slug: string,
    served: ServedProject,
    cached: CachedSite | undefined,
  ): Promise<ServedSite> {
    const signature = await siteSignature(served);
    if (cached && cached.signature === signature) {
      cached.checkedAt = Date.now();
      return cached.site;
    }
    const site = this.build(served);
    const entry: CachedSite = { signature, checkedAt: Date.now(), site };
    this.sites.set(slug, entry);
    // A failed build is not kept: the next request tries again.
    site.catch(() => {
      if (this.sites.get(slug) === entry) this.sites.delete(slug);
    });
    return site;
  }

  private async build(served: ServedProject): Promise<ServedSite> {
    const project = await reloaded(served, this.env);
    const pages =
      project === served.project ? (await this.site.refreshed(), served.pages) : project.dashboards;
    const { data, files } = await buildDocsSite(project, served.engine, { pages });
    return { data, files: new Map(files.map((file) => [file.path, file])) };
  }
}

/** The project as its files now read; the served one when they do not load (an edit under way). */
async function reloaded(served: ServedProject, env: NodeJS.ProcessEnv): Promise<Project> {
  try {
    return await loadProject(served.project.root, env);
  } catch {
    return served.project;
  }
}

/** Names, sizes and times of the project's files, and the newest run recorded in the warehouse. */
async function siteSignature(served: ServedProject): Promise<string> {
  const { project } = served;
  const { config } = project;
  const folders: [string, string[]][] = [
    ...config.models.paths.map((path): [string, string[]] => [path, ['.sql']]),
    ...config.seeds.paths.map((path): [string, string[]] => [path, ['.csv']]),
    ...config.dashboards.paths.map((path): [string, string[]] => [path, ['.md']]),
  ];
  const parts = [await fileStamp(project.configFile)];
  for (const [folder, extensions] of folders) {
    const dir = join(project.root, folder);
    for (const file of await listFiles(dir, extensions))
      parts.push(`${folder}/${await fileStamp(join(dir, file))}`);
  }
  parts.push(await newestRun(served));
  return parts.join('\n');
}

async function fileStamp(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  return `${path}:${info?.size ?? 0}:${info?.mtimeMs ?? 0}`;
}

/** The newest run's id, status and duration; none before the warehouse has an audit schema. */
async function newestRun(served: ServedProject): Promise<string> {
  const tables = await served.engine.listTables('audit');
  if (!tables.some((table) => table.name === 'pipeline_runs')) return 'no audit';
  await auditReady(served.engine);
  const run = await latestRun(served.engine);
  return run ? `${run.runId}:${run.status}:${run.durationMs ?? ''}` : 'no run';
}
