import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrataError } from '../errors/strata-error.ts';
import { generate, type GenerateResult, type Manifest } from './index.ts';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let root: string;
const options = {
  domain: 'all',
  start: '2025-02-26',
  days: 4,
  scale: 0.01,
  seed: 99,
  defects: 0.05,
} as const;
let inProcess: GenerateResult;
let withWorkers: GenerateResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'strata-generate-'));
  inProcess = await generate({ ...options, out: join(root, 'a'), threads: 0 });
  withWorkers = await generate({ ...options, out: join(root, 'b'), threads: 2 });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('generate', () => {
  it('is deterministic: same arguments give byte-identical files, with or without worker threads', () => {
    const a = listFiles(join(root, 'a'));
    const b = listFiles(join(root, 'b'));
    expect(a).toEqual(b);
    expect(a.some((f) => f.endsWith('.parquet'))).toBe(true);
    expect(a.some((f) => f.endsWith('.gz'))).toBe(true);
    for (const file of a) expect(sha256(join(root, 'b', file)), file).toBe(sha256(join(root, 'a', file)));
    expect(withWorkers.threads).toBe(2);
    expect(inProcess.threads).toBe(0);
  });

  it('lays out one file per feed per day and records each with its sha256 and row count', () => {
    const manifest = JSON.parse(readFileSync(inProcess.manifestPath, 'utf8')) as Manifest;
    const files = listFiles(join(root, 'a')).filter((f) => f !== 'manifest.json');
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files);
    expect(files).toHaveLength(12 * 4);
    expect(files).toContain('ecommerce/orders/2025-02-26.json');
    expect(files).toContain('ecommerce/events/2025-03-01.csv');
    expect(files).toContain('ecommerce/sales/2025-02-27.csv.gz');
    expect(files).toContain('ecommerce/inventory/2025-02-28.parquet');
    expect(files).toContain('saas/usage_events/2025-02-26.ndjson.gz');
    for (const entry of manifest.files) {
      expect(entry.sha256).toBe(sha256(join(root, 'a', entry.path)));
      expect(entry.bytes).toBe(statSync(join(root, 'a', entry.path)).size);
    }
    expect(manifest.strata_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.arguments).toMatchObject({ domain: 'all', start: '2025-02-26', days: 4, seed: 99 });
    expect(manifest.totals.rows).toBe(inProcess.rows);
  });

  it('returns per-feed counts, timing and the manifest path', () => {
    expect(inProcess.manifestPath).toBe(join(root, 'a', 'manifest.json'));
    expect(Object.keys(inProcess.feeds)).toHaveLength(12);
    expect(inProcess.feeds['ecommerce/orders']?.files).toBe(4);
    expect(inProcess.feeds['ecommerce/orders']?.rows).toBeGreaterThan(100);
    expect(inProcess.durationMs).toBeGreaterThan(0);
    expect(inProcess.rowsPerSecond).toBeGreaterThan(0);
    const total = Object.values(inProcess.feeds).reduce((s, f) => s + f.rows, 0);
    expect(total).toBe(inProcess.rows);
  });

  it('scales the daily feeds with --scale (≈ 1M orders a year at scale 1)', async () => {
    const out = join(root, 'scale');
    const result = await generate({
      domain: 'ecommerce',
      start: '2025-03-03',
      days: 7,
      scale: 0.02,
      seed: 1,
      defects: 0,
      out,
      threads: 0,
    });
    const manifest = JSON.parse(readFileSync(result.manifestPath, 'utf8')) as Manifest;
    const placed = manifest.files
      .filter((f) => f.feed === 'ecommerce/orders')
      .map(
        (f) =>
          (JSON.parse(readFileSync(join(out, f.path), 'utf8')) as { status: string }[]).filter(
            (o) => o.status === 'placed',
          ).length,
      )
      .reduce((a, b) => a + b, 0);
    // 1M × 0.02 / 365 ≈ 55 a day; early March sits a little under the yearly average.
    expect(placed / 7).toBeGreaterThan(35);
    expect(placed / 7).toBeLessThan(75);
  });

  it('refuses an output folder holding an earlier run unless told to overwrite, and then replaces only its files', async () => {
    const out = join(root, 'again');
    const first = {
      domain: 'saas',
      start: '2025-01-01',
      days: 3,
      scale: 0.01,
      seed: 5,
      defects: 0,
      out,
      threads: 0,
    } as const;
    await generate(first);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    await expect(generate(first)).rejects.toMatchObject({ code: 'GENERATE_OUT_NOT_EMPTY' });
    await generate({ ...first, days: 2, overwrite: true });
    const files = listFiles(out);
    expect(files).toContain('notes.txt');
    expect(files.filter((f) => f.startsWith('saas/plans/'))).toEqual([
      'saas/plans/2025-01-01.json',
      'saas/plans/2025-01-02.json',
    ]);
  });

  it('rejects invalid options with typed errors', async () => {
    const out = join(root, 'never');
    const bad = async (o: Record<string, unknown>): Promise<StrataError> => {
      try {
        await generate({ out, ...o } as never);
      } catch (error) {
        return error as StrataError;
      }
      throw new Error('expected a failure');
    };
    expect((await bad({ start: '2025-02-30' })).code).toBe('DATE_INVALID');
    expect((await bad({ days: 0 })).code).toBe('USAGE');
    expect((await bad({ scale: -1 })).code).toBe('USAGE');
    expect((await bad({ domain: 'retail' })).code).toBe('USAGE');
    expect((await bad({ defects: 2 })).code).toBe('USAGE');
    expect((await bad({ seed: 1.5 })).code).toBe('USAGE');
    const kinds = await bad({ defectKinds: ['duplicate', 'gremlins'] });
    expect(kinds.code).toBe('USAGE');
    expect(kinds.message).toContain('gremlins');
  });

  it('injects fatal kinds only when named, at least once', async () => {
    const out = join(root, 'fatal');
    const result = await generate({
      domain: 'ecommerce',
      start: '2025-05-01',
      days: 3,
      scale: 0.01,
      seed: 8,
      defects: 0.001,
      defectKinds: ['truncated_file', 'missing_required_column'],
      out,
      threads: 0,
    });
    expect(Object.keys(result.defectCounts).sort()).toEqual(['missing_required_column', 'truncated_file']);
    expect(inProcess.defectCounts.truncated_file).toBeUndefined();
    expect(inProcess.defectCounts.missing_required_column).toBeUndefined();
  });
});
