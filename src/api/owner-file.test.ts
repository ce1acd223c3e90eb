import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDb } from '../engine/duckdb/duckdb-engine.ts';
import {
  type OwnerFile,
  ownWarehouses,
  ownerFilePath,
  ownerIsAlive,
  readOwnerFile,
  removeOwnerFile,
  writeOwnerFile,
} from './owner-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-owner-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const owner = (over: Partial<OwnerFile> = {}): OwnerFile => ({
  pid: process.pid,
  host: hostname(),
  url: 'http://127.0.0.1:4000',
  token: 'secret',
  startedAt: '2026-01-02T03:04:05.000Z',
  warehouse: 'duckdb:/x/warehouse.duckdb',
  command: 'serve',
  ...over,
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('the owner file', () => {
  it('is written 0600 in a 0700 folder, by rename (no temporary file left), and read back', async () => {
    await writeOwnerFile(dir, owner());
    expect(await mode(join(dir, '.strata'))).toBe(0o700);
    expect(await mode(ownerFilePath(dir))).toBe(0o600);
    expect(await readdir(join(dir, '.strata'))).toEqual(['owner.json']);
    expect(await readOwnerFile(dir)).toEqual(owner());
  });

  it('tightens a folder that exists with a looser mode', async () => {
    await writeOwnerFile(dir, owner());
    await import('node:fs/promises').then((fs) => fs.chmod(join(dir, '.strata'), 0o755));
    await writeOwnerFile(dir, owner({ token: 'next' }));
    expect(await mode(join(dir, '.strata'))).toBe(0o700);
    expect((await readOwnerFile(dir))?.token).toBe('next');
  });

  it('is removed only by the owner whose token it holds', async () => {
    await writeOwnerFile(dir, owner({ token: 'later-owner' }));
    await removeOwnerFile(dir, 'secret');
    expect(await readOwnerFile(dir)).toBeDefined();
    await removeOwnerFile(dir, 'later-owner');
    expect(await readOwnerFile(dir)).toBeUndefined();
  });

  it('reads as none when missing or not an owner file (a URL off loopback included)', async () => {
    expect(await readOwnerFile(dir)).toBeUndefined();
    await writeOwnerFile(dir, owner({ url: 'http://example.com:80' }));
    expect(await readOwnerFile(dir)).toBeUndefined();
    await writeFile(ownerFilePath(dir), '{ not json');
    expect(await readOwnerFile(dir)).toBeUndefined();
  });

  it('names a live owner only for a running process on this host: a stale file is ignored', () => {
    expect(ownerIsAlive(owner())).toBe(true);
    expect(ownerIsAlive(owner({ host: `${hostname()}-elsewhere` }))).toBe(false);
    // A process that has exited: its pid names no one (until reused, when the URL does not answer).
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    expect(ownerIsAlive(owner({ pid: gone }))).toBe(false);
  });
});

describe('ownWarehouses', () => {
  it('claims a DuckDB warehouse with one token and releases what is still its own', async () => {
    const engine = await openDuckDb({ path: join(dir, 'warehouse.duckdb') });
    try {
      const ownership = await ownWarehouses([{ root: dir, engine }], 'serve');
      expect(ownership.roots).toHaveLength(1);
      expect(await readOwnerFile(dir)).toBeUndefined();
      await ownership.claim('http://127.0.0.1:4321');
      expect(await readOwnerFile(dir)).toMatchObject({
        pid: process.pid,
        host: hostname(),
        url: 'http://127.0.0.1:4321',
        token: ownership.token,
        warehouse: engine.description,
        command: 'serve',
      });
      expect(ownership.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await ownership.release();
      expect(await readOwnerFile(dir)).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it('releases synchronously, for a process on its way out', async () => {
    const engine = await openDuckDb({ path: join(dir, 'warehouse.duckdb') });
    try {
      const ownership = await ownWarehouses([{ root: dir, engine }], 'schedule');
      await ownership.claim('http://127.0.0.1:4321');
      ownership.releaseSync();
      expect(await readOwnerFile(dir)).toBeUndefined();
    } finally {
      await engine.close();
    }
  });
});
