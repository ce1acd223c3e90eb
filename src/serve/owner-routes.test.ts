import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrataError } from '../errors/strata-error.ts';
import { type OwnerCliRequest, type OwnerExecute, OWNER_CLI_PATH, mountOwnerRoutes } from './owner-routes.ts';
import { statusOf } from './status.ts';

const TOKEN = 'the-owner-token';
const LOOPBACK = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };

let project: string;
let other: string;
beforeAll(async () => {
  project = await realpath(await mkdtemp(join(tmpdir(), 'strata-owner-routes-')));
  other = await realpath(await mkdtemp(join(tmpdir(), 'strata-owner-other-')));
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  await rm(other, { recursive: true, force: true });
});

/** An app with the owner routes and the serve app's error shape; `execute` is what the CLI supplies. */
function app(execute: OwnerExecute): Hono {
  const hono = new Hono();
  mountOwnerRoutes(hono, { token: TOKEN, roots: [project], execute });
  hono.onError((error, c) => {
    if (!(error instanceof StrataError)) throw error;
    return c.json(
      { error: { code: error.code, message: error.message, hint: error.hint } },
      statusOf(error.code),
    );
  });
  return hono;
}

function post(
  hono: Hono,
  body: Partial<OwnerCliRequest>,
  options: { token?: string; env?: unknown; signal?: AbortSignal } = {},
): Promise<Response> {
  return Promise.resolve(
    hono.request(
      OWNER_CLI_PATH,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token ?? TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          argv: ['query', 'SELECT 1'],
          cwd: project,
          project,
          command: 'query',
          ...body,
        }),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      options.env ?? LOOPBACK,
    ),
  );
}

const never: OwnerExecute = () => Promise.reject(new Error('must not run'));

describe('POST /api/owner/cli', () => {
  it('streams the command’s stdout and stderr as NDJSON, in order, and ends with its exit code', async () => {
    const seen: OwnerCliRequest[] = [];
    const hono = app(async (request, sink) => {
      seen.push(request);
      sink.write('stderr', 'progress\n');
      sink.write('stdout', '[\n');
      sink.write('stdout', '  {"x":1}\n]\n');
      return 3;
    });
    const response = await post(hono, { argv: ['query', 'SELECT 1', '--format', 'json'], columns: 120 });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { stderr: 'progress\n' },
      { stdout: '[\n' },
      { stdout: '  {"x":1}\n]\n' },
      { exit: 3 },
    ]);
    expect(seen).toEqual([
      {
        argv: ['query', 'SELECT 1', '--format', 'json'],
        cwd: project,
        project,
        command: 'query',
        columns: 120,
      },
    ]);
  });

  it('refuses a request without the owner token (401), and runs nothing', async () => {
    const response = await post(app(never), {}, { token: 'not-it' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'SERVE_UNAUTHORIZED' } });
  });

  it('refuses a request that does not come from loopback (403), or whose peer is unknown', async () => {
    for (const env of [{ incoming: { socket: { remoteAddress: '192.168.1.20' } } }, {}]) {
      const response = await post(app(never), {}, { env });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'OWNER_REFUSED' } });
    }
  });

  it('refuses a command it does not carry out (400)', async () => {
    for (const command of ['init', 'serve', 'grant']) {
      const response = await post(app(never), { argv: [command], command });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'OWNER_BAD_REQUEST' } });
    }
    const bad = await post(app(never), { argv: 'query' as unknown as string[] });
    expect(bad.status).toBe(400);
  });

  it('refuses a project whose warehouse it does not own (403)', async () => {
    const response = await post(app(never), { project: other, cwd: other });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'OWNER_REFUSED' } });
  });

  it('aborts the command’s signal when the client goes away', async () => {
    let aborted: () => void = () => undefined;
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
    const hono = app(async (_request, sink, signal) => {
      sink.write('stdout', 'started\n');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted();
      sink.write('stdout', 'dropped\n');
      return 130;
    });
    const response = await post(hono, {});
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('{"stdout":"started\\n"}\n');
    await reader.cancel();
    await abortSeen;
  });
});
