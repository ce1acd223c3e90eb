/**
 * The test suite's own promise: every integration and CLI test file runs on PostgreSQL as well as
 * DuckDB, except the files about DuckDB's own behaviour, which say so in their names and are listed
 * (with the reason) in vitest.config.ts.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DUCKDB_ONLY_TEST_FILES, POSTGRES_TEST_FILES } from '../vitest.config.ts';

/** The test files under `test/`, relative to the repository, with forward slashes. */
const testFiles = readdirSync(fileURLToPath(new URL('.', import.meta.url)), { recursive: true })
  .map((path) => `test/${String(path).replaceAll('\\', '/')}`)
  .filter((path) => path.endsWith('.test.ts'))
  .sort();

/** A glob of the config (`**` any folders, `*` any name part) as a regular expression. */
function globPattern(glob: string): RegExp {
  const source = glob
    .split(/(\*\*\/|\*)/)
    .map((part) =>
      part === '**/' ? '(?:.+/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

const onPostgres = (path: string) =>
  POSTGRES_TEST_FILES.some((glob) => globPattern(glob).test(path)) && !DUCKDB_ONLY_TEST_FILES.includes(path);

const ONE_ENGINE = /^test\/(integration|cli|ecommerce|saas|realdata|packs|serve)\//;

describe('the postgres test project', () => {
  it('lists every integration, CLI, pack and real-data test file but the DuckDB-only ones', () => {
    const files = testFiles.filter((path) => ONE_ENGINE.test(path));
    expect(files.length).toBeGreaterThan(30);
    expect(files.filter((path) => !path.endsWith('.duckdb.test.ts') && !onPostgres(path))).toEqual([]);
    expect(files.filter((path) => path.endsWith('.duckdb.test.ts') && onPostgres(path))).toEqual([]);
  });

  it('runs the Engine contract and the PostgreSQL tests', () => {
    expect(onPostgres('test/engine/engine-contract.test.ts')).toBe(true);
    expect(testFiles.filter((path) => path.startsWith('test/postgres/')).every(onPostgres)).toBe(true);
  });

  it('leaves out exactly the files named *.duckdb.test.ts, each of which exists', () => {
    expect([...DUCKDB_ONLY_TEST_FILES].sort()).toEqual(
      testFiles.filter((path) => path.endsWith('.duckdb.test.ts')),
    );
  });
});
