/**
 * The executable loads a project's TypeScript config two ways (src/config/compile-config.ts): one
 * that imports only packages is compiled in-process by esbuild, keeping the config file's
 * `import.meta` and resolving 'strata' without node_modules; one that imports files of its own is
 * compiled by tsx. Both answer the same project.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { explain, strata, tempDir } from './strata-process.ts';

const PACKAGE = JSON.stringify({ name: 'shop', private: true, type: 'module' });
const removals: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(removals.splice(0).map((remove) => remove()));
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('config');
  removals.push(dir.remove);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir.path, name), text);
  await mkdir(join(dir.path, 'wh'));
  return dir.path;
}

async function status(dir: string): Promise<{ project: string; root: string; engine: string }> {
  const result = await strata(['status', '--project', dir, '--format', 'json']);
  expect(result.code, explain(result)).toBe(0);
  return JSON.parse(result.stdout) as { project: string; root: string; engine: string };
}

describe('a TypeScript config', () => {
  it("that imports only packages sees its own file as import.meta, and 'strata' resolves without node_modules", async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.ts': [
        "import { join } from 'node:path';",
        "import { fileURLToPath } from 'node:url';",
        "import { defineConfig, type StrataConfig } from 'strata';",
        '',
        "const warehouse: string = fileURLToPath(new URL('./wh/shop.duckdb', import.meta.url));",
        'export default defineConfig({',
        "  name: import.meta.filename === join(import.meta.dirname, 'strata.config.ts') ? 'shop' : 'not_its_file',",
        "  engine: { type: 'duckdb', path: warehouse } satisfies StrataConfig['engine'],",
        '});',
        '',
      ].join('\n'),
    });
    const shown = await status(dir);
    expect(shown).toMatchObject({
      project: 'shop',
      root: dir,
      engine: `duckdb:${join(dir, 'wh', 'shop.duckdb')}`,
    });
  });

  it('that imports only packages loads without a package.json of "type": "module" (it is compiled as a module)', async () => {
    const dir = await project({
      'strata.config.ts': [
        "import { defineConfig } from 'strata';",
        "export default defineConfig({ name: 'loose', engine: { type: 'duckdb', path: 'wh/loose.duckdb' } });",
        '',
      ].join('\n'),
    });
    expect(await status(dir)).toMatchObject({ project: 'loose' });
  });

  it('that imports a file of its own is loaded too, the file with it', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'names.ts': "export const projectName: string = 'shop_from_names';\n",
      'strata.config.ts': [
        "import { defineConfig } from 'strata';",
        "import { projectName } from './names.ts';",
        '',
        "export default defineConfig({ name: projectName, engine: { type: 'duckdb', path: 'wh/shop.duckdb' } });",
        '',
      ].join('\n'),
    });
    const shown = await status(dir);
    expect(shown).toMatchObject({
      project: 'shop_from_names',
      engine: `duckdb:${join(dir, 'wh', 'shop.duckdb')}`,
    });
  });

  it('that throws on import fails with CONFIG_LOAD_FAILED and the config’s own message', async () => {
    const dir = await project({
      'package.json': PACKAGE,
      'strata.config.ts': "throw new Error('config exploded');\n",
    });
    const result = await strata(['status', '--project', dir]);
    expect(result.code, explain(result)).not.toBe(0);
    expect(result.stderr).toContain('Could not import strata.config.ts');
    expect(result.stderr).toContain('config exploded');
  });
});
