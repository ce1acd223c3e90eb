/**
 * The e-commerce pack as a user gets it: `initProject(dir, 'ecommerce')` in a temp folder, data from
 * `generate` under `<project>/data` (where the pack's sources look), runs through the API. Shared by
 * the tests in this folder.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initProject } from '../../src/api/init.ts';
import { type RunRequest, type RunResponse, run } from '../../src/api/run.ts';
import type { Row } from '../../src/engine/types.ts';
import { generate, type GenerateOptions } from '../../src/generate/index.ts';
import type { Manifest } from '../../src/generate/manifest.ts';
import { checksums, queryWarehouse, testEnvironment } from '../helpers/project.ts';

/** What to generate: everything of GenerateOptions but the domain, output folder and threads. */
export type PackData = Omit<GenerateOptions, 'domain' | 'out' | 'threads' | 'onProgress'> & {
  start: string;
  days: number;
};

/** The schemas whose tables must not depend on how the dates were loaded. */
export const MODEL_SCHEMAS = ['staging', 'warehouse', 'marts'] as const;

export class PackProject {
  private constructor(
    readonly dir: string,
    /** The environment runs and queries see: on PostgreSQL it selects this project's own database. */
    readonly env: NodeJS.ProcessEnv,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  /** A new e-commerce project in a fresh temp folder, without data. */
  static async create(): Promise<PackProject> {
    const dir = join(await mkdtemp(join(tmpdir(), 'strata-ecommerce-')), 'shop');
    await initProject(dir, 'ecommerce');
    const { env, dispose } = await testEnvironment();
    return new PackProject(dir, env, dispose);
  }

  /** A new project holding generated data (and manifest.json) in data/. */
  static async withData(data: PackData): Promise<PackProject> {
    const project = await PackProject.create();
    await generate({ ...data, domain: 'ecommerce', out: project.dataDir, threads: 0 });
    return project;
  }

  /** A new project with a copy of this one's data (byte for byte), and no warehouse yet. */
  async copy(): Promise<PackProject> {
    const other = await PackProject.create();
    await cp(this.dataDir, other.dataDir, { recursive: true });
    return other;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A generated file: `feed` is the feed name ('orders'), `file` its name ('2025-03-01.json'). */
  feedFile(feed: string, file: string): string {
    return join(this.dataDir, 'ecommerce', feed, file);
  }

  async manifest(): Promise<Manifest> {
    return JSON.parse(await readFile(join(this.dataDir, 'manifest.json'), 'utf8')) as Manifest;
  }

  /** One run; throws unless every task succeeded. */
  async run(request: Omit<RunRequest, 'projectDir'> = {}): Promise<RunResponse> {
    const response = await run({ env: this.env, ...request, projectDir: this.dir });
    if (response.exitCode !== 0) {
      const failed = response.summary.tasks
        .filter((t) => t.status !== 'success')
        .map((t) => `${t.task}: ${t.status} ${t.error?.message ?? ''}`);
      throw new Error(`run ${JSON.stringify(request)} failed:\n${failed.join('\n')}`);
    }
    return response;
  }

  query(sql: string): Promise<Row[]> {
    return queryWarehouse(this.dir, sql, this.env);
  }

  /** `schema.table → checksum` of every table and view in `schemas` (all but audit by default). */
  checksums(schemas?: readonly string[]): Promise<Record<string, string>> {
    return checksums(this.dir, this.env, schemas);
  }

  async dispose(): Promise<void> {
    await rm(join(this.dir, '..'), { recursive: true, force: true });
    await this.dropDatabase();
  }
}

/** The `days` ISO dates from `start`. */
export function dateRange(start: string, days: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

/** Date of a generated file from its path ('ecommerce/orders/2025-03-04.json' → '2025-03-04'). */
export function fileDate(path: string): string {
  const match = /(\d{4}-\d{2}-\d{2})\.[^/]+$/.exec(path);
  if (!match?.[1]) throw new Error(`no date in ${path}`);
  return match[1];
}

export { cents } from '../helpers/project.ts';
