import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from './discover.ts';

describe('listFiles', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-discover-'));
    for (const file of ['z.sql', 'a.sql', 'staging/b.sql', 'staging/deep/c.sql', 'notes.md', 'seed.csv']) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), '');
    }
    await mkdir(join(dir, 'empty.sql'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists matching files recursively, as sorted forward-slash paths relative to the folder', async () => {
    expect(await listFiles(dir, ['.sql'])).toEqual(['a.sql', 'staging/b.sql', 'staging/deep/c.sql', 'z.sql']);
    expect(await listFiles(dir, ['.csv', '.md'])).toEqual(['notes.md', 'seed.csv']);
  });

  it('returns nothing for a folder that does not exist', async () => {
    expect(await listFiles(join(dir, 'missing'), ['.sql'])).toEqual([]);
  });
});
