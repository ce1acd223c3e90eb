import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { type Layer, LAYERS } from '../../layers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const layers: Layer[] = LAYERS;
const mayNames = (layer: Layer): string[] => layer.may.map((m) => (typeof m === 'string' ? m : m.name));

async function lint(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layering rules', () => {
  it('reports an import cycle between two files', async () => {
    const eslint = new ESLint({ cwd: ROOT, ignore: false });
    const results = await eslint.lintFiles([
      'test/lint/fixtures/cycle-a.ts',
      'test/lint/fixtures/cycle-b.ts',
    ]);
    const rules = results.flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(rules).toEqual(['import-x/no-cycle', 'import-x/no-cycle']);
  });

  it('reports an import from a layer above', async () => {
    const messages = await lint(
      "import { runPipeline } from '../runner/run-pipeline.ts';\nexport const run = runPipeline;\n",
      'src/models/planted.ts',
    );
    expect(messages).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*models\/ may not import runner\//),
    ]);
  });

  it("lets another adapter use DuckDB's file reader and writer and nothing else of the DuckDB adapter", async () => {
    const allowed = await lint(
      "import { readerFor } from '../duckdb/file-reader.ts';\nexport const r = readerFor;\n",
      'src/engine/postgres/planted.ts',
    );
    expect(allowed).toEqual([]);
    const writer = await lint(
      "import { writeCsvAs } from '../duckdb/file-writer.ts';\nexport const w = writeCsvAs;\n",
      'src/engine/postgres/planted.ts',
    );
    expect(writer).toEqual([]);
    const refused = await lint(
      "import { openDuckDb } from '../duckdb/duckdb-engine.ts';\nexport const o = openDuckDb;\n",
      'src/engine/postgres/planted.ts',
    );
    expect(refused).toEqual([
      expect.stringMatching(/may use only file-reader\.ts, file-writer\.ts of engine\/duckdb/),
    ]);
  });

  it('keeps drivers and the filesystem out of planning and rendering', async () => {
    const messages = await lint(
      "import { readFileSync } from 'node:fs';\nimport pg from 'pg';\nexport const x = [readFileSync, pg];\n",
      'src/checks/render.ts',
    );
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('loads drivers in the engine adapters alone', async () => {
    const messages = await lint(
      "import { DuckDBInstance } from '@duckdb/node-api';\nexport const d = DuckDBInstance;\n",
      'src/api/planted.ts',
    );
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*Only src\/engine\/duckdb/)]);
  });
});

describe('the layer table', () => {
  it('names only layers below each layer, so the folder graph has no cycle', () => {
    const seen = new Set<string>();
    for (const layer of layers) {
      for (const name of mayNames(layer)) expect(seen, `${layer.name} may import ${name}`).toContain(name);
      seen.add(layer.name);
    }
  });

  it('places every source file of src/ in exactly one layer', () => {
    // A layer's path is a folder (its whole tree), a file, or files of one folder (`dir/*.ts`).
    const inPath = (file: string, path: string): boolean =>
      path.includes('*')
        ? new RegExp(`^${path.replace('.', '\\.').replace('*', '[^/]+')}$`).test(file)
        : file === path || file.startsWith(`${path}/`);
    const globs = layers.map((layer) => ({
      layer: layer.name,
      matchers: layer.paths.map((path) => ({ match: (file: string) => inPath(file, path) })),
    }));
    const files = readdirSync(`${ROOT}src`, { recursive: true, encoding: 'utf8' })
      .map((f) => `src/${f.replaceAll('\\', '/')}`)
      .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.startsWith('src/templates/'));
    const unplaced = files.filter(
      (f) => globs.filter((g) => g.matchers.some((m) => m.match(f))).length !== 1,
    );
    expect(unplaced).toEqual([]);
  });

  it('is the table DEVELOPERS.md shows', () => {
    const developers = readFileSync(`${ROOT}DEVELOPERS.md`, 'utf8');
    const rows = developers
      .split('\n')
      .filter((line) => /^\| `[^`]+` +\|/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    const documented = rows.map((cells) => ({
      name: cells[1]?.replaceAll('`', '').replace(/\/$/, ''),
      may: cells[3],
    }));
    expect(documented).toEqual(
      layers.map((layer) => ({
        name: layer.name,
        may: layer.may.length
          ? layer.may
              .map((m) => (typeof m === 'string' ? `\`${m}\`` : `\`${m.name}\` (${m.only.join(', ')})`))
              .join(', ')
          : '—',
      })),
    );
  });
});
