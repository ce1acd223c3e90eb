/**
 * The bench's throwaway PostgreSQL server when no STRATA_DATABASE_URL is given, run as a process of
 * its own (`node --import tsx bench/embedded-postgres.ts`; see test/support/throwaway-postgres.ts
 * for what it prints and why). It loads pg_stat_statements so the bench can count the statements a
 * run sends.
 */
import { serveThrowawayPostgres } from '../test/support/throwaway-postgres.ts';

await serveThrowawayPostgres({
  folderPrefix: 'strata-bench-pg-',
  maxConnections: 100,
  settings: ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.max=20000'],
});
