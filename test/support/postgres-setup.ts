/**
 * vitest globalSetup of the `postgres` test project: one PostgreSQL server for the whole run
 * (STRATA_TEST_PG_URL, or a throwaway embedded cluster), stopped and removed at the end.
 */
import type { TestProject } from 'vitest/node';
import { startTestServer } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A postgres:// URL of a role that may create databases. */
    strataPgAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestServer();
  project.provide('strataPgAdminUrl', server.adminUrl);
  return () => server.stop();
}
