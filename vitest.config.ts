import { defineConfig } from 'vitest/config';

/**
 * Every integration and CLI test runs on both engines: the `duckdb` project runs everything, the
 * `postgres` project every file matched here (a real server: STRATA_TEST_PG_URL, or one throwaway
 * embedded cluster per test run), except the files about one engine's own behaviour below.
 * `npm test` runs both projects; `--project duckdb` or `--project postgres` runs one.
 */
export const POSTGRES_TEST_FILES = [
  'test/integration/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/ecommerce/**/*.test.ts',
  'test/saas/**/*.test.ts',
  'test/realdata/**/*.test.ts',
  'test/packs/**/*.test.ts',
  'test/engine/**/*.test.ts',
  'test/postgres/**/*.test.ts',
];

/**
 * Files about DuckDB's own behaviour, named `*.duckdb.test.ts` (the pattern excludes them from the
 * postgres project; this list names each one, so a new one is a decision, not an accident):
 */
export const DUCKDB_ONLY_TEST_FILES: string[] = [];

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
          exclude: ['**/*.duckdb.test.ts', 'node_modules/**'],
          env: { STRATA_TEST_ENGINE: 'postgres' },
          globalSetup: ['./test/support/postgres-setup.ts'],
        },
      },
    ],
  },
});
