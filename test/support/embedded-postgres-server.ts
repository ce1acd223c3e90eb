/**
 * The tests' throwaway PostgreSQL server, run as its own process by startTestServer (postgres.ts);
 * see throwaway-postgres.ts for what it prints and why it is a process of its own.
 */
import { serveThrowawayPostgres } from './throwaway-postgres.ts';

await serveThrowawayPostgres({ folderPrefix: 'strata-pg-', maxConnections: 200 });
