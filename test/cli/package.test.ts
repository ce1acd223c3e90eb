import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, explain, type Result, tempDir } from './strata-process.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RECORDER = pathToFileURL(fileURLToPath(new URL('../helpers/record-modules.mjs', import.meta.url))).href;
const DIST = pathToFileURL(join(REPO, 'dist/')).href;
const SRC = pathToFileURL(join(REPO, 'src/')).href;

/** A package's folder in a recorded module URL (`node_modules/<name>/`). */
const loads = (modules: readonly string[], name: string) =>
  modules.some((url) => url.includes(`/node_modules/${name}/`));

describe('the package: compiled JavaScript in dist/, drivers loaded by the commands that need them', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let runs = 0;
  beforeAll(async () => {
    dir = await tempDir('package');
  });
  afterAll(() => dir.remove());

  /** Runs `node ARGS` with the module recorder: the result and every module URL the process resolved. */
  async function recorded(args: readonly string[], cwd = dir.path): Promise<Result & { modules: string[] }> {
    const file = join(dir.path, `modules-${++runs}.txt`);
    const result = await new Promise<Result>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', RECORDER, ...args], {
        cwd,
        env: {
          ...process.env,
          CI: 'true',
          NO_COLOR: '1',
          STRATA_DATABASE_URL: '',
          STRATA_RECORD_MODULES: file,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const modules = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    await rm(file, { force: true });
    return { ...result, modules };
  }

  it('strata --help runs dist/ alone: no tsx, no esbuild, no database driver', async () => {
    const result = await recorded([BIN, '--help']);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout).toMatch(/^Usage: strata/);
    expect(result.modules).toContain(`${DIST}cli.js`);
    expect(result.modules.filter((url) => url.startsWith(SRC))).toEqual([]);
    for (const name of ['tsx', 'esbuild', 'typescript', '@duckdb/node-api', 'pg', 'pg-copy-streams']) {
      expect(loads(result.modules, name), `${name} is loaded`).toBe(false);
    }
  });

  it('init loads no driver and no tsx; status compiles the config with esbuild (not tsx) and loads DuckDB, never pg', async () => {
    const init = await recorded([BIN, 'init', 'shop']);
    expect(init.code, explain(init)).toBe(0);
    for (const name of ['tsx', '@duckdb/node-api', 'pg']) {
      expect(loads(init.modules, name), `${name} is loaded by init`).toBe(false);
    }
    // The project's strata.config.ts imports 'strata', which its folder does not have: the running
    // strata answers with dist/config/public.js.
    const status = await recorded([BIN, 'status', '--project', 'shop']);
    expect(status.code, explain(status)).toBe(0);
    expect(status.stdout).toMatch(/^Project +starter/);
    expect(loads(status.modules, 'esbuild')).toBe(true);
    expect(loads(status.modules, 'tsx')).toBe(false);
    expect(status.modules).toContain(`${DIST}config/public.js`);
    expect(loads(status.modules, '@duckdb/node-api')).toBe(true);
    expect(loads(status.modules, 'pg')).toBe(false);
    expect(status.modules.filter((url) => url.startsWith(SRC))).toEqual([]);
  });

  it('generate starts its worker thread from dist/generate/partition-worker.js, without tsx or esbuild', async () => {
    const args = ['generate', '--domain', 'all', '--days', '2', '--scale', '0.002', '--threads', '1'];
    const result = await recorded([BIN, ...args, '--out', 'data', '--format', 'json']);
    expect(result.code, explain(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ threads: 1 });
    expect(result.modules).toContain(`${DIST}generate/partition-worker.js`);
    for (const name of ['tsx', 'esbuild', 'pg']) {
      expect(loads(result.modules, name), `${name} is loaded`).toBe(false);
    }
  });

  it("import('strata') is dist/index.js, the package's exports", async () => {
    const script =
      "const m = await import('strata'); console.log(typeof m.run, typeof m.defineConfig, m.STRATA_VERSION);";
    const result = await recorded(['--input-type=module', '-e', script], REPO);
    expect(result.code, explain(result)).toBe(0);
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(result.stdout.trim()).toBe(`function function ${pkg.version}`);
    expect(result.modules).toContain(`${DIST}index.js`);
    expect(loads(result.modules, '@duckdb/node-api')).toBe(false);
  });
});
