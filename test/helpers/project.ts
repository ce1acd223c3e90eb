/**
 * Throw-away strata projects for integration tests: a temp folder with a config, models and seeds,
 * a real DuckDB warehouse file, and helpers to change files and look inside the warehouse.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { withProject } from '../../src/api/open-project.ts';
import { type RunRequest, type RunResponse, run } from '../../src/api/run.ts';
import type { StrataConfigInput } from '../../src/config/schema.ts';
import type { Row } from '../../src/engine/types.ts';

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
  private constructor(readonly dir: string) {}

  /** A new project in a fresh temp folder, with package.json and strata.config.ts besides `files`. */
  static async create(files: ProjectFiles, options: ProjectOptions = {}): Promise<TestProject> {
    const dir = await mkdtemp(join(tmpdir(), 'strata-test-'));
    const project = new TestProject(dir);
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

  run(request: Omit<RunRequest, 'projectDir'> = {}): Promise<RunResponse> {
    return run({ ...request, projectDir: this.dir });
  }

  checksums(): Promise<Record<string, string>> {
    return checksums(this.dir);
  }

  query(sql: string): Promise<Row[]> {
    return queryWarehouse(this.dir, sql);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
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
export async function checksums(projectDir: string): Promise<Record<string, string>> {
  return withProject({ projectDir }, async (_project, engine) => {
    const sums: Record<string, string> = {};
    for (const table of await engine.listTables()) {
      if (table.schema === 'audit') continue;
      const { rows } = await engine.query(engine.dialect.tableChecksum(table));
      sums[`${table.schema}.${table.name}`] = String(rows[0]?.checksum);
    }
    return sums;
  });
}

/** Rows of a query against the project's warehouse. */
export async function queryWarehouse(projectDir: string, sql: string): Promise<Row[]> {
  return withProject({ projectDir }, async (_project, engine) => (await engine.query(sql)).rows);
}
