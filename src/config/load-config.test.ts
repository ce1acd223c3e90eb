import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StrataAggregateError, StrataError } from '../errors/strata-error.ts';
import { defineConfig } from './define-config.ts';
import { loadConfig, validateConfig } from './load-config.ts';
import type { StrataConfig } from './schema.ts';

const DEFAULTS: StrataConfig = {
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  models: { paths: ['models'] },
  dashboards: { paths: ['dashboards'] },
  seeds: { paths: ['seeds'], schema: 'raw' },
  run: { concurrency: 4, retries: 2, retryDelayMs: 500, retryMaxDelayMs: 30_000, taskTimeoutSeconds: 3600 },
  sources: {},
  checks: {},
  alerts: { rules: { runFailed: true } },
  defaultSchema: 'warehouse',
  schedules: {},
};

/** Runs `fn`, expecting it to throw; returns what it threw. */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

/** The problems of a CONFIG_INVALID aggregate, as plain data sorted by key path. */
async function invalidKeys(raw: unknown, file?: string) {
  const error = await thrown(() => validateConfig(raw, file));
  expect(error).toBeInstanceOf(StrataAggregateError);
  const aggregate = error as StrataAggregateError;
  expect(aggregate.code).toBe('CONFIG_INVALID');
  expect(aggregate.message).toBe(
    `${aggregate.problems.length} invalid key(s) in ${file ?? 'strata.config.ts'}`,
  );
  return aggregate.problems
    .map((p) => ({ code: p.code, field: p.location.field, file: p.location.file, message: p.message }))
    .sort((a, b) => (a.field ?? '').localeCompare(b.field ?? ''));
}

describe('validateConfig', () => {
  it('fills every default into an empty config', () => {
    expect(validateConfig({})).toEqual(DEFAULTS);
  });

  it('keeps what is set and defaults the rest, key by key', () => {
    expect(
      validateConfig({
        name: 'shop',
        engine: { type: 'duckdb', memoryLimit: '4GB', threads: 8 },
        run: { concurrency: 2 },
        seeds: { schema: 'landing' },
      }),
    ).toEqual({
      ...DEFAULTS,
      name: 'shop',
      engine: { type: 'duckdb', path: 'warehouse.duckdb', memoryLimit: '4GB', threads: 8 },
      run: { ...DEFAULTS.run, concurrency: 2 },
      seeds: { paths: ['seeds'], schema: 'landing' },
    });
    expect(validateConfig({ engine: { type: 'postgres' } }).engine).toEqual({
      type: 'postgres',
      urlEnv: 'STRATA_DATABASE_URL',
    });
  });

  it('reports every invalid key at once, each with its dotted key path', async () => {
    const raw = {
      nmae: 'shop',
      run: { concurrency: 0, retries: 2 },
      engine: { type: 'oracle' },
      defaultSchema: 'my-schema',
    };
    expect(await invalidKeys(raw)).toEqual([
      {
        code: 'CONFIG_INVALID',
        field: 'defaultSchema',
        file: 'strata.config.ts',
        message: 'defaultSchema: must be a SQL identifier (letters, digits, underscores)',
      },
      {
        code: 'CONFIG_INVALID',
        field: 'engine.type',
        file: 'strata.config.ts',
        message: "engine.type: Invalid discriminator value. Expected 'duckdb' | 'postgres'",
      },
      { code: 'CONFIG_INVALID', field: 'nmae', file: 'strata.config.ts', message: 'unknown key "nmae"' },
      {
        code: 'CONFIG_INVALID',
        field: 'run.concurrency',
        file: 'strata.config.ts',
        message: 'run.concurrency: Too small: expected number to be >=1',
      },
    ]);
  });

  it('says why a source or field name is refused, not only that the key is invalid', async () => {
    const raw = {
      sources: {
        'order-lines': {
          path: 'data/*.csv',
          format: 'csv',
          contract: { fields: { 'unit price': { type: 'text' } } },
        },
      },
    };
    const messages = (await invalidKeys(raw)).map((p) => [p.field, p.message]);
    expect(messages).toContainEqual([
      'sources.order-lines',
      'sources.order-lines: the name "order-lines" must be a SQL identifier (letters, digits, underscores)',
    ]);
    expect(messages.flat().join('\n')).not.toContain('Invalid key in record');
  });

  it('checks the keys of the selected engine', async () => {
    const raw = { engine: { type: 'duckdb', memoryLimit: 'lots', threads: 0 }, run: { retries: 11 } };
    expect((await invalidKeys(raw)).map((p) => [p.field, p.message])).toEqual([
      ['engine.memoryLimit', 'engine.memoryLimit: must look like "4GB" or "512MiB"'],
      ['engine.threads', 'engine.threads: Too small: expected number to be >=1'],
      ['run.retries', 'run.retries: Too big: expected number to be <=10'],
    ]);
    const postgres = { engine: { type: 'postgres', path: 'x.duckdb', urlEnv: 'lower_case' } };
    expect((await invalidKeys(postgres)).map((p) => [p.field, p.message])).toEqual([
      ['engine.path', 'unknown key "path" in engine'],
      ['engine.urlEnv', 'engine.urlEnv: must be an environment variable name'],
    ]);
  });

  it('reports each of several unknown keys on its own, with its own path', async () => {
    const raw = { foo: 1, bar: 2, run: { concurency: 8, retry: 1 } };
    expect((await invalidKeys(raw, 'strata.config.mjs')).map((p) => [p.field, p.message, p.file])).toEqual([
      ['bar', 'unknown key "bar"', 'strata.config.mjs'],
      ['foo', 'unknown key "foo"', 'strata.config.mjs'],
      ['run.concurency', 'unknown key "concurency" in run', 'strata.config.mjs'],
      ['run.retry', 'unknown key "retry" in run', 'strata.config.mjs'],
    ]);
  });

  it('reports a config that is not an object at the root', async () => {
    expect(await invalidKeys(null)).toEqual([
      {
        code: 'CONFIG_INVALID',
        field: undefined,
        file: 'strata.config.ts',
        message: '(root): Invalid input: expected object, received null',
      },
    ]);
  });

  it('reports a missing default export', async () => {
    const error = await thrown(() => validateConfig(undefined));
    expect(error).toBeInstanceOf(StrataError);
    expect(error).not.toBeInstanceOf(StrataAggregateError);
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'strata.config.ts has no default export',
      hint: 'End the file with `export default defineConfig({ ... })`.',
    });
  });
});

describe('defineConfig', () => {
  it('returns its argument unchanged', () => {
    const config = { name: 'x', run: { concurrency: 3 } };
    expect(defineConfig(config)).toBe(config);
  });
});

describe('loadConfig', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** A project folder outside any node_modules tree, as `strata init` leaves it. */
  async function project(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'strata-config-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }
  const PACKAGE = JSON.stringify({ name: 'shop', private: true, type: 'module' });

  it("resolves `import { defineConfig } from 'strata'` in a project without node_modules", async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.ts': [
        "import { defineConfig } from 'strata';",
        "import type { StrataConfig } from 'strata';",
        '',
        "const threads: StrataConfig['run']['concurrency'] = 2;",
        'export default defineConfig({',
        "  name: 'shop',",
        "  engine: { type: 'duckdb', path: 'data/shop.duckdb' },",
        '  run: { concurrency: threads },',
        '});',
        '',
      ].join('\n'),
    });
    const loaded = await loadConfig(dir);
    expect(loaded).toEqual({
      root: dir,
      configFile: join(dir, 'strata.config.ts'),
      config: {
        ...DEFAULTS,
        name: 'shop',
        engine: { type: 'duckdb', path: 'data/shop.duckdb' },
        run: { ...DEFAULTS.run, concurrency: 2 },
      },
    });
  });

  it('loads a plain JavaScript config, resolving a relative project path', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.mjs': "export default { defaultSchema: 'marts' };\n",
    });
    const relativeDir = join(dir, 'sub', '..');
    const loaded = await loadConfig(relativeDir);
    expect(loaded.root).toBe(dir);
    expect(loaded.configFile).toBe(join(dir, 'strata.config.mjs'));
    expect(loaded.config).toEqual({ ...DEFAULTS, defaultSchema: 'marts' });
  });

  it('loads a JavaScript config that imports strata without node_modules, and reads a changed file again', async () => {
    const config = (name: string) =>
      `import { defineConfig } from 'strata';\nexport default defineConfig({ name: '${name}' });\n`;
    const dir = await project({ 'package.json': PACKAGE, 'strata.config.mjs': config('first') });
    expect((await loadConfig(dir)).config.name).toBe('first');
    await writeFile(join(dir, 'strata.config.mjs'), config('second'));
    expect((await loadConfig(dir)).config.name).toBe('second');
  });

  it('prefers strata.config.ts when several config files exist', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.js': "export default { name: 'from-js' };\n",
      'strata.config.ts': "export default { name: 'from-ts' };\n",
    });
    expect((await loadConfig(dir)).config.name).toBe('from-ts');
  });

  it('throws CONFIG_NOT_FOUND for a folder without a config', async () => {
    const dir = await project({ 'package.json': PACKAGE });
    const error = await thrown(() => loadConfig(dir));
    expect(error).toBeInstanceOf(StrataError);
    expect(error).toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      message: `No strata.config.ts in ${dir}`,
      hint: 'Run `strata init DIR` to create a project, or pass --project DIR pointing at one.',
    });
  });

  it('throws CONFIG_LOAD_FAILED, keeping the cause, when the config throws on import', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.ts': [
        "import { defineConfig } from 'strata';",
        "if (!process.env.NEVER_SET_BY_ANYONE) throw new Error('config exploded');",
        'export default defineConfig({});',
      ].join('\n'),
    });
    const error = await thrown(() => loadConfig(dir));
    expect(error).toBeInstanceOf(StrataError);
    expect(error).toMatchObject({
      code: 'CONFIG_LOAD_FAILED',
      message: 'Could not import strata.config.ts',
      location: { file: 'strata.config.ts' },
    });
    expect((error as StrataError).cause).toBeInstanceOf(Error);
    expect(((error as StrataError).cause as Error).message).toBe('config exploded');
  });

  it('throws CONFIG_LOAD_FAILED for a config that is not valid TypeScript', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.ts': 'export default defineConfig({ name: ',
    });
    expect(await thrown(() => loadConfig(dir))).toMatchObject({ code: 'CONFIG_LOAD_FAILED' });
  });

  it('throws CONFIG_LOAD_FAILED when the config imports something that does not exist', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.ts': "import { defineConfig } from 'strata-typo';\nexport default defineConfig({});\n",
    });
    expect(await thrown(() => loadConfig(dir))).toMatchObject({ code: 'CONFIG_LOAD_FAILED' });
  });

  it('explains the missing "type": "module" when a project cannot resolve strata', async () => {
    const dir = await project({
      'strata.config.ts': "import { defineConfig } from 'strata';\nexport default defineConfig({});\n",
    });
    const error = await thrown(() => loadConfig(dir));
    expect(error).toMatchObject({ code: 'CONFIG_LOAD_FAILED' });
    expect((error as StrataError).hint).toContain('"type": "module" in its package.json');
  });

  it('validates what the config exports, naming the config file', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.ts': [
        "import { defineConfig } from 'strata';",
        "export default defineConfig({ run: { concurrency: 0 }, engine: { type: 'oracle' }, extra: true });",
      ].join('\n'),
    });
    const error = await thrown(() => loadConfig(dir));
    expect(error).toBeInstanceOf(StrataAggregateError);
    const problems = (error as StrataAggregateError).problems;
    expect(problems.map((p) => [p.location.file, p.location.field]).sort()).toEqual([
      ['strata.config.ts', 'engine.type'],
      ['strata.config.ts', 'extra'],
      ['strata.config.ts', 'run.concurrency'],
    ]);
  });

  it('reports a config without a default export', async () => {
    const dir = await project({ 'package.json': PACKAGE, 'strata.config.ts': 'export const name = 1;\n' });
    expect(await thrown(() => loadConfig(dir))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'strata.config.ts has no default export',
    });
  });
});
