import { spawnSync } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OwnerFile, readOwnerFile, removeOwnerFile, writeOwnerFile } from '../../src/api/owner-file.ts';
import { type OwnerExecute, mountOwnerRoutes } from '../../src/serve/owner-routes.ts';
import { TestProject, csv } from '../helpers/project.ts';
import { cli } from './in-process.ts';

/**
 * The client side of one owner (`cli/delegate.ts`), in process: which owner files it follows, what it
 * prints of an owner's answer, and what it does when the owner refuses, is gone, or goes away.
 */
describe('a command whose project has an owner file', () => {
  let project: TestProject;
  let direct: string;
  const QUERY = ['query', 'SELECT 1 AS one', '--format', 'csv'];
  const NOTE = /note: carried out by strata serve/;

  beforeAll(async () => {
    project = await TestProject.create({ 'seeds/items.csv': csv('item', ['a']) });
    const result = await cli(['--project', project.dir, ...QUERY], { env: project.env });
    expect(result.code, result.stderr).toBe(0);
    direct = result.stdout;
  });
  afterAll(() => project?.dispose());
  afterEach(async () => {
    const file = await readOwnerFile(project.dir);
    if (file) await removeOwnerFile(project.dir, file.token);
  });

  // A live process that is not this one: the test runner that started this worker.
  const owner = (url: string, over: Partial<OwnerFile> = {}): OwnerFile => ({
    pid: process.ppid,
    host: hostname(),
    url,
    token: 'the-token',
    startedAt: new Date().toISOString(),
    warehouse: 'duckdb:test',
    command: 'serve',
    ...over,
  });
  const query = () => cli(['--project', project.dir, ...QUERY], { env: project.env });
  /** With no STRATA_DATABASE_URL: the project's config names its DuckDB file, which an owner may hold. */
  const queryOwned = () => cli(['--project', project.dir, ...QUERY], { env: {} });

  it('ignores a file whose process is gone, or is this one, and opens the warehouse itself', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    for (const pid of [gone, process.pid]) {
      await writeOwnerFile(project.dir, owner('http://127.0.0.1:9', { pid }));
      const result = await query();
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(direct);
      expect(result.stderr).not.toMatch(NOTE);
    }
  });

  it('opens the warehouse itself when the owner does not answer', async () => {
    await writeOwnerFile(project.dir, owner(`http://127.0.0.1:${await freePort()}`));
    const result = await query();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(direct);
    expect(result.stderr).not.toMatch(NOTE);
  });

  it('prints what the owner streams and exits with its code; the request names the command and project', async () => {
    const seen: unknown[] = [];
    const execute: OwnerExecute = (request, sink) => {
      seen.push(request);
      sink.write('stderr', 'progress\n');
      sink.write('stdout', 'from the owner\n');
      return Promise.resolve(7);
    };
    await withOwnerApp(execute, [project.dir], async (url) => {
      await writeOwnerFile(project.dir, owner(url));
      const result = await cli([...QUERY, '--project', '.'], { env: {}, cwd: project.dir });
      expect(result.code).toBe(7);
      expect(result.stdout).toBe('from the owner\n');
      expect(result.stderr).toMatch(
        new RegExp(`^note: carried out by strata serve \\(pid ${process.ppid}\\).*\\nprogress\\n$`),
      );
    });
    expect(seen).toEqual([
      { argv: [...QUERY, '--project', '.'], cwd: project.dir, project: project.dir, command: 'query' },
    ]);
  });

  it('reports the owner’s refusal as its error (a project it does not serve)', async () => {
    await withOwnerApp(
      () => Promise.resolve(0),
      [],
      async (url) => {
        await writeOwnerFile(project.dir, owner(url));
        const result = await queryOwned();
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/error\[OWNER_REFUSED\]: .*does not own the warehouse/);
      },
    );
  });

  it('says so when the owner goes away before the exit code (OWNER_LOST), keeping what came', async () => {
    const dying = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write('{"stdout":"half\\n"}\n', () => response.socket?.destroy());
    });
    await withServer(dying, async (port) => {
      await writeOwnerFile(project.dir, owner(`http://127.0.0.1:${port}`));
      const result = await queryOwned();
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('half\n');
      expect(result.stderr).toMatch(/error\[OWNER_LOST\]/);
    });
  });

  it('does not hand over a command whose STRATA_DATABASE_URL names a database server', async () => {
    await withOwnerApp(
      () => Promise.reject(new Error('must not be called')),
      [project.dir],
      async (url) => {
        await writeOwnerFile(project.dir, owner(url));
        const result = await cli(['--project', project.dir, ...QUERY], {
          env: { STRATA_DATABASE_URL: 'postgres://strata@127.0.0.1:9/nowhere' },
        });
        expect(result.code).toBe(1);
        expect(result.stderr).not.toMatch(NOTE);
        expect(result.stderr).not.toMatch(/must not be called/);
      },
    );
  });

  it('does not hand over a command an owner does not carry out (init)', async () => {
    await withOwnerApp(
      () => Promise.reject(new Error('must not be called')),
      [project.dir],
      async (url) => {
        await writeOwnerFile(project.dir, owner(url));
        const result = await cli(['--project', project.dir, 'init', project.dir], { env: project.env });
        expect(result.stderr).toMatch(/INIT_TARGET_NOT_EMPTY/);
        expect(result.stderr).not.toMatch(NOTE);
      },
    );
  });
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Listens on a free loopback port, calls `fn` with it, and closes. */
async function withServer(server: Server, fn: (port: number) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** Serves the owner routes (token `the-token`, the given project roots) on a free port for `fn`. */
async function withOwnerApp(
  execute: OwnerExecute,
  roots: string[],
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const { realpath } = await import('node:fs/promises');
  const app = new Hono();
  mountOwnerRoutes(app, {
    token: 'the-token',
    roots: await Promise.all(roots.map((r) => realpath(r))),
    execute,
  });
  app.onError((error, c) => {
    const e = error as { code?: string; message: string };
    return c.json({ error: { code: e.code ?? 'INTERNAL', message: e.message } }, 403);
  });
  const server: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  try {
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  }
}
