/**
 * Throw-away strata projects for integration tests: a temp folder with a config, models and seeds,
 * a real warehouse — a DuckDB file, or under the `postgres` test project (STRATA_TEST_ENGINE=postgres)
 * a fresh database on the test run's PostgreSQL server, selected through STRATA_DATABASE_URL in
 * the project's own environment — and helpers to change files and look inside the warehouse.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { withProject } from '../../src/api/open-project.ts';
import { type RunRequest, type RunResponse, run } from '../../src/api/run.ts';
import type { ProjectOptions as OpenOptions } from '../../src/api/open-project.ts';
import type { StrataConfigInput } from '../../src/config/schema.ts';
import type { Row } from '../../src/engine/types.ts';
import { type TestDatabase, createTestDatabase, testEngine } from '../support/postgres.ts';

/** Files of a project, by path relative to its folder. */
export type ProjectFiles = Record<string, string>;

export interface ProjectOptions {
  /** The `run` section of strata.config.ts. */
  run?: StrataConfigInput['run'];
  /** Replaces strata.config.ts entirely. */
  config?: string;
}

export function configFile(runSettings?: StrataConfigInput['run']): string {
  const config = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    ...(runSettings ? { run: runSettings } : {}),
  };
  return `import { defineConfig } from 'strata';\n\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
}

/** A model file: the header (an object, rendered as YAML) and the SELECT. */
export function model(header: Record<string, unknown>, sql: string): string {
  return `/*---\n${stringify(header)}---*/\n${sql.trim()}\n`;
}

/** A CSV file from a header line and rows; values are written as given. */
export function csv(columns: string, ...rows: (string | number)[][]): string {
  return [columns, ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

export class TestProject {
  private constructor(
    readonly dir: string,
    private readonly database?: TestDatabase,
  ) {}

  /** A new project in a fresh temp folder, with package.json and strata.config.ts besides `files`. */
  static async create(files: ProjectFiles, options: ProjectOptions = {}): Promise<TestProject> {
    const dir = await mkdtemp(join(tmpdir(), 'strata-test-'));
    const project = new TestProject(dir, await testDatabase());
    await project.write({
      'package.json': JSON.stringify({ name: 'strata-test-project', private: true, type: 'module' }, null, 2),
      'strata.config.ts': options.config ?? configFile(options.run),
      ...files,
    });
    return project;
  }

  /** Writes (or overwrites) files, creating folders as needed. */
  async write(files: ProjectFiles): Promise<void> {
    await writeFiles(this.dir, files);
  }

  async remove(...paths: string[]): Promise<void> {
    await removeFiles(this.dir, paths);
  }

  /** The environment commands of this project see: its own database when on PostgreSQL. */
  get env(): NodeJS.ProcessEnv {
    return this.database ? { ...process.env, ...this.databaseEnv } : process.env;
  }

  private get databaseEnv(): NodeJS.ProcessEnv {
    return this.database ? { STRATA_DATABASE_URL: this.database.url } : {};
  }

  /** What `withProject` needs to open this project's warehouse. */
  get options(): Required<Pick<OpenOptions, 'projectDir' | 'env'>> {
    return { projectDir: this.dir, env: this.env };
  }

  /** A run; an `env` given replaces the process environment but still selects this project's database. */
  run(request: Omit<RunRequest, 'projectDir'> = {}): Promise<RunResponse> {
    const env = request.env ? { ...request.env, ...this.databaseEnv } : this.env;
    return run({ ...request, env, projectDir: this.dir });
  }

  checksums(): Promise<Record<string, string>> {
    return checksums(this.dir, this.env);
  }

  query(sql: string): Promise<Row[]> {
    return queryWarehouse(this.dir, sql, this.env);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await this.database?.drop();
  }
}

/**
 * The environment for a project made outside TestProject (e.g. by `strata init`): on PostgreSQL
 * it selects a fresh database, dropped by `dispose`.
 */
export async function testEnvironment(): Promise<{ env: NodeJS.ProcessEnv; dispose: () => Promise<void> }> {
  const database = await testDatabase();
  if (!database) return { env: process.env, dispose: async () => undefined };
  return { env: { ...process.env, STRATA_DATABASE_URL: database.url }, dispose: () => database.drop() };
}

/** On PostgreSQL, a fresh database for one project; on DuckDB none (the warehouse is a file in the project). */
async function testDatabase(): Promise<TestDatabase | undefined> {
  if (testEngine() !== 'postgres') return undefined;
  const { inject } = await import('vitest');
  return createTestDatabase(inject('strataPgAdminUrl'));
}

export async function writeFiles(projectDir: string, files: ProjectFiles): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const absolute = join(projectDir, path);
    await mkdir(dirname(absolute), { recursive: true });
    await writeFile(absolute, text);
  }
}

export async function removeFiles(projectDir: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) await rm(join(projectDir, path), { force: true });
}

/**
 * `schema.table → checksum` for every table and view outside the audit schema, each computed in
 * the engine with the dialect's order-independent table checksum.
 */
export async function checksums(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
  schemas?: readonly string[],
): Promise<Record<string, string>> {
  return withProject({ projectDir, env }, async (_project, engine) => {
    const sums: Record<string, string> = {};
    for (const table of await engine.listTables()) {
      if (table.schema === 'audit' || (schemas && !schemas.includes(table.schema))) continue;
      const { rows } = await engine.query(engine.dialect.tableChecksum(table));
      sums[`${table.schema}.${table.name}`] = String(rows[0]?.checksum);
    }
    return sums;
  });
}

/** Rows of a query against the project's warehouse. */
export async function queryWarehouse(
  projectDir: string,
  sql: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Row[]> {
  return withProject({ projectDir, env }, async (_project, engine) => (await engine.query(sql)).rows);
}

/** Money as integer cents, from a number or a decimal string. */
export function cents(value: unknown): number {
  if (value === null || value === undefined) throw new Error('no amount');
  const n = Math.round(Number(value) * 100);
  if (!Number.isSafeInteger(n)) throw new Error(`not an amount: ${String(value)}`);
  return n;
}
