import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';
import { newestCheckResults, newestSourceLoads } from './docs-history.ts';
import { AuditRecorder, ensureAuditSchema } from './recorder.ts';
import { type SourceLoad, recordSourceLoads } from './source-loads.ts';

/** The documentation site's histories on a real DuckDB warehouse. */

let dir: string;
let engine: Engine;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-audit-docs-'));
  engine = await createEngine({ type: 'duckdb', path: join(dir, 'warehouse.duckdb') });
  await ensureAuditSchema(engine);
});

afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(recorder: AuditRecorder, runId: string, startedAt: string): Promise<void> {
  await recorder.runStarted({
    runId,
    trigger: 'manual',
    command: 'run',
    selection: [],
    fullRefresh: false,
    startedAt: new Date(startedAt),
    strataVersion: '0.0.0-test',
    engine: 'duckdb',
  });
}

const at = (minute: number) => new Date(Date.UTC(2025, 2, 1, 2, minute)).toISOString();

describe('newestCheckResults', () => {
  it('gives each check its newest results, oldest first, at most as many as asked', async () => {
    const recorder = new AuditRecorder(engine);
    for (let i = 0; i < 5; i += 1) {
      await run(recorder, `r${i}`, at(i));
      const result = (checkId: string, status: 'pass' | 'fail') =>
        recorder.checkResult(`r${i}`, {
          checkId,
          type: 'not_null',
          target: 'fact',
          table: 'warehouse.fact',
          column: 'id',
          severity: 'error',
          status,
          scope: i === 4 ? { kind: 'all' } : { kind: 'dates', from: '2025-03-01', to: '2025-03-02' },
          failingRows: i,
          checkedRows: 10,
          sample: [],
          sql: 'SELECT 1',
          message: '',
          startedAt: new Date(at(i)),
          durationMs: 5,
        });
      await result('fact:a', i % 2 === 0 ? 'pass' : 'fail');
      // b ran in the first two runs only.
      if (i < 2) await result('fact:b', 'pass');
    }
    await recorder.flush();
    const results = await newestCheckResults(engine, 3);
    expect(results.map((r) => [r.checkId, r.runId, r.status])).toEqual([
      ['fact:a', 'r2', 'pass'],
      ['fact:a', 'r3', 'fail'],
      ['fact:a', 'r4', 'pass'],
      ['fact:b', 'r0', 'pass'],
      ['fact:b', 'r1', 'pass'],
    ]);
    expect(results[2]).toMatchObject({
      failingRows: 4,
      checkedRows: 10,
      dateFrom: null,
      dateTo: null,
      startedAt: '2025-03-01T02:04:00Z',
    });
    expect(results[1]).toMatchObject({ dateFrom: '2025-03-01', dateTo: '2025-03-02' });
  });
});

describe('newestSourceLoads', () => {
  const load = (loadDate: string, received: number): SourceLoad => ({
    loadDate,
    files: 1,
    counts: { received, staged: received, quarantined: 0, duplicates: 0 },
    reconciled: true,
  });

  it('gives each source its newest load dates, newest first, each as the newest run left it', async () => {
    const recorder = new AuditRecorder(engine);
    await run(recorder, 'r1', at(1));
    await run(recorder, 'r2', at(2));
    await recorder.flush();
    await recordSourceLoads(engine, 'r1', 'orders', [
      load('2025-03-01', 10),
      load('2025-03-02', 20),
      load('2025-03-03', 30),
    ]);
    // r2 loaded 03-02 again (a rerun), with other counts.
    await recordSourceLoads(engine, 'r2', 'orders', [load('2025-03-02', 21)]);
    await recordSourceLoads(engine, 'r1', 'users', [load('2025-03-01', 5)]);
    const loads = await newestSourceLoads(engine, 2);
    expect(loads.map((l) => [l.source, l.loadDate, l.runId, l.received])).toEqual([
      ['orders', '2025-03-03', 'r1', 30],
      ['orders', '2025-03-02', 'r2', 21],
      ['users', '2025-03-01', 'r1', 5],
    ]);
    expect(loads[0]).toMatchObject({ files: 1, staged: 30, quarantined: 0, duplicates: 0, reconciled: true });
  });
});
