import { defineConfig } from 'vitest/config';

/**
 * Every integration and CLI test runs on both engines. The `duckdb` project runs every test file;
 * the `postgres` project (a real server: STRATA_TEST_PG_URL, or one throwaway embedded cluster per
 * test run) runs every file these globs match, less the DuckDB-only files below. Tests inside a
 * file that apply to one engine say so (`describe.runIf(...)('DuckDB only: ...')`) and report as
 * skipped on the other. `npm test` runs both projects; `--project duckdb` or `--project postgres`
 * runs one. test/suite-config.test.ts checks that no integration or CLI file is left out.
 */
export const POSTGRES_TEST_FILES = [
  'test/integration/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/ecommerce/**/*.test.ts',
  'test/saas/**/*.test.ts',
  'test/realdata/**/*.test.ts',
  'test/packs/**/*.test.ts',
  'test/serve/**/*.test.ts',
  // the Engine/Dialect contract, one suite for both adapters
  'test/engine/**/*.test.ts',
  // PostgreSQL's own behaviour (roles, credentials, its adapter): the duckdb project skips these
  'test/postgres/**/*.test.ts',
];

/**
 * The files about DuckDB's own behaviour, each named `*.duckdb.test.ts` and listed here with the
 * reason, so that leaving a file out of PostgreSQL is a decision (test/suite-config.test.ts fails
 * on a `*.duckdb.test.ts` file missing from this list):
 */
export const DUCKDB_ONLY_TEST_FILES = [
  // DuckDB's file lock: another process holding the warehouse file keeps a run out (ENGINE_LOCKED);
  // a server has no such lock (PostgreSQL's run lock is tested in concurrency.test.ts)
  'test/integration/file-lock.duckdb.test.ts',
  // one owner: strata serve carries out other shells' commands on the DuckDB file it holds; on
  // PostgreSQL the server is the owner and no owner file is written (test/postgres/owner.test.ts)
  'test/cli/owner.duckdb.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'duckdb',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['test/postgres/**', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_TEST_FILES,
          exclude: [...DUCKDB_ONLY_TEST_FILES, 'node_modules/**'],
          env: { STRATA_TEST_ENGINE: 'postgres' },
          globalSetup: ['./test/support/postgres-setup.ts'],
        },
      },
    ],
  },
});
