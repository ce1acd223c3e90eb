import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDocsSite } from './docs.ts';
import { docsCoverage, coveragePercent } from './docs-coverage.ts';
import type { DocsModel, DocsSource } from '../docs/types.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-docs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writing the site', () => {
  it('writes every file, then replaces the whole previous site (no file of it is left)', async () => {
    const out = join(dir, 'target', 'docs');
    await writeDocsSite(
      [
        { path: 'index.html', content: 'first' },
        { path: 'models/old.html', content: 'old' },
      ],
      out,
    );
    expect(await readFile(join(out, 'models', 'old.html'), 'utf8')).toBe('old');
    await writeDocsSite(
      [
        { path: 'index.html', content: 'second' },
        { path: 'models/new.html', content: 'new' },
      ],
      out,
    );
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe('second');
    expect((await readdir(join(out, 'models'))).sort()).toEqual(['new.html']);
    // Nothing temporary is left beside it.
    expect((await readdir(join(dir, 'target'))).sort()).toEqual(['docs']);
  });

  it('writes into an empty folder, and refuses one that holds other files', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await writeDocsSite([{ path: 'index.html', content: 'x' }], empty);
    expect(await readFile(join(empty, 'index.html'), 'utf8')).toBe('x');

    const project = join(dir, 'project');
    await mkdir(project);
    await writeFile(join(project, 'strata.config.ts'), 'keep me');
    await expect(writeDocsSite([{ path: 'index.html', content: 'x' }], project)).rejects.toMatchObject({
      code: 'DOCS_OUT_NOT_SITE',
    });
    expect(await readdir(project)).toEqual(['strata.config.ts']);
  });

  it('refuses a file path that would leave the folder, and leaves the old site in place', async () => {
    const out = join(dir, 'site');
    await writeDocsSite([{ path: 'index.html', content: 'kept' }], out);
    await expect(writeDocsSite([{ path: '../escape.html', content: 'x' }], out)).rejects.toThrow(/outside/);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe('kept');
    expect((await readdir(dir)).sort()).toEqual(['site']);
  });
});

describe('coverage', () => {
  const column = (name: string, description: string | null) => ({
    name,
    type: null,
    description,
    checks: [],
  });
  it('counts the columns of models, seeds and sources, leaving out the columns strata adds to a source', () => {
    const source = {
      name: 'orders',
      columns: [column('order_id', 'The order.'), column('amount', null), column('load_date', 'Load date.')],
    } as unknown as DocsSource;
    const model = {
      name: 'fact',
      description: 'Facts.',
      columns: [column('a', 'A'), column('b', ' ')],
    } as unknown as DocsModel;
    const bare = { name: 'bare', description: null, columns: [] } as unknown as DocsModel;
    const coverage = docsCoverage(
      [source],
      [{ name: 'seed', columns: [column('x', null)] } as never],
      [model, bare],
    );
    expect(coverage).toEqual({
      columns: 5,
      described: 2,
      undocumented: [
        { node: 'orders', column: 'amount' },
        { node: 'seed', column: 'x' },
        { node: 'fact', column: 'b' },
      ],
      models: 2,
      modelsDescribed: 1,
    });
    expect(coveragePercent(coverage)).toBe(40);
    expect(coveragePercent({ ...coverage, columns: 0, described: 0 })).toBe(100);
  });
});
