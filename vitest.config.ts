import { defineConfig } from 'vitest/config';

/**
 * The integration tests that also run on PostgreSQL (a real server: STRATA_TEST_PG_URL, or one
 * throwaway embedded cluster per test run). `npm test` runs both projects; `--project duckdb` or
 * `--project postgres` runs one.
 */
export const POSTGRES_TEST_FILES = [
  'test/integration/materializations.test.ts',
  'test/integration/incremental.test.ts',
  'test/integration/upsert.test.ts',
  'test/integration/scd2.test.ts',
  'test/integration/idempotence.test.ts',
  'test/integration/runner.test.ts',
  'test/integration/sources.test.ts',
  'test/integration/atomicity.test.ts',
  'test/integration/checks.test.ts',
  'test/integration/generated-data.test.ts',
  'test/integration/server-features.test.ts',
  'test/integration/concurrency.test.ts',
  'test/cli/project.test.ts',
  'test/cli/checks.test.ts',
  'test/packs/**/*.test.ts',
  'test/postgres/**/*.test.ts',
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
          env: { STRATA_TEST_ENGINE: 'postgres' },
          globalSetup: ['./test/support/postgres-setup.ts'],
        },
      },
    ],
  },
});
