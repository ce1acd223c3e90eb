import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, explain, strata, tempDir } from './strata-process.ts';

describe('strata generate and strata fixture-api, through the executable', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir('generate');
  });
  afterAll(() => dir.remove());

  it('writes the same files twice for the same arguments, with a manifest of the defects', async () => {
    const args = ['generate', '--domain', 'ecommerce', '--days', '3', '--scale', '0.005', '--seed', '7'];
    const a = await strata([...args, '--out', 'a'], { cwd: dir.path });
    expect(a.code, explain(a)).toBe(0);
    expect(a.stdout).toMatch(/^ecommerce\/orders +3 /m);
    expect(a.stdout).toMatch(/defects injected/);
    const b = await strata([...args, '--out', 'b', '--format', 'json'], { cwd: dir.path });
    expect(b.code, explain(b)).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ files: expect.any(Number), rows: expect.any(Number) });
    const manifest = async (folder: string) =>
      JSON.parse(await readFile(join(dir.path, folder, 'manifest.json'), 'utf8')) as {
        files: { sha256: string }[];
      };
    expect((await manifest('a')).files.map((f) => f.sha256)).toEqual(
      (await manifest('b')).files.map((f) => f.sha256),
    );
  });

  it('serves products on 127.0.0.1 until told to stop', async () => {
    const child = spawn(process.execPath, [BIN, 'fixture-api', '--port', '0'], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const match = /listening on (\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`fixture-api exited with ${code}`)));
    });
    const products = (await (await fetch(`${url}/products?limit=5`)).json()) as { id: number }[];
    expect(products.map((p) => p.id)).toEqual([1, 2, 3, 4, 5]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
