import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';
import {
  type IngestedFile,
  csvDialectsOf,
  loadedDates,
  loadedFilesFrom,
  loadedVersions,
  recordIngestedFile,
} from './ingested-files.ts';
import { AuditRecorder, ensureAuditSchema } from './recorder.ts';
import {
  type SourceLoad,
  loadedDateRange,
  newestSourceLoadsSql,
  newestSourceTotals,
  recordSourceLoads,
  sourceTotalsOfRun,
  volumeHistory,
} from './source-loads.ts';

/** The sources' ledgers (ingested_files, source_loads) on a real DuckDB warehouse. */

let dir: string;
let engine: Engine;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-audit-'));
  engine = await createEngine({ type: 'duckdb', path: join(dir, 'warehouse.duckdb') });
  await ensureAuditSchema(engine);
});

afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

function file(
  overrides: Partial<IngestedFile> & Pick<IngestedFile, 'ingestionId' | 'path' | 'loadDate'>,
): IngestedFile {
  return {
    runId: 'r1',
    source: 'orders',
    checksum: 'abc',
    sizeBytes: 100,
    status: 'loaded',
    change: 'new',
    ingestedAt: new Date('2025-03-01T02:00:00Z'),
    records: 10,
    malformed: 0,
    errorCode: null,
    errorMessage: null,
    warningCode: null,
    warningMessage: null,
    unknownFields: null,
    missingFields: null,
    csvHeader: ['id', 'amount'],
    csv: { delimiter: ',', quote: '"', escape: '"' },
    ...overrides,
  };
}

const dateList = (...dates: string[]) => dates.map((d) => `CAST('${d}' AS DATE)`).join(', ');

describe('ingested files', () => {
  it('records files and reads back the loaded dates, versions and CSV dialects', async () => {
    await engine.withSession(async (session) => {
      await recordIngestedFile(
        session,
        engine.dialect,
        file({ ingestionId: 'a1', path: 'a.csv', loadDate: '2025-03-01' }),
      );
      await recordIngestedFile(
        session,
        engine.dialect,
        file({
          ingestionId: 'a2',
          path: 'a.csv',
          loadDate: '2025-03-01',
          change: 'changed',
          ingestedAt: new Date('2025-03-02T02:00:00Z'),
          runId: 'r2',
          csv: { delimiter: ';', quote: '"', escape: '\\' },
        }),
      );
      await recordIngestedFile(
        session,
        engine.dialect,
        file({ ingestionId: 'j1', path: 'b.json', loadDate: '2025-03-03', csvHeader: null, csv: null }),
      );
      await recordIngestedFile(
        session,
        engine.dialect,
        file({
          ingestionId: 'bad',
          path: 'c.csv',
          loadDate: '2025-03-05',
          status: 'failed',
          records: null,
          malformed: null,
          errorCode: 'FILE_UNREADABLE',
          errorMessage: 'truncated',
        }),
      );
      await recordIngestedFile(
        session,
        engine.dialect,
        file({ ingestionId: 'x1', path: 'a.csv', loadDate: '2025-03-01', source: 'other' }),
      );

      expect(await loadedDates(session, engine.dialect, 'orders')).toEqual(['2025-03-01', '2025-03-03']);
      expect(await loadedVersions(session, 'orders')).toEqual([
        { path: 'a.csv', ingestionId: 'a2' },
        { path: 'a.csv', ingestionId: 'a1' },
        { path: 'b.json', ingestionId: 'j1' },
      ]);
      const { dialects } = await csvDialectsOf(session, 'orders', dateList('2025-03-01', '2025-03-03'));
      expect(dialects.sort((a, b) => a.delimiter.localeCompare(b.delimiter))).toEqual([
        { delimiter: ',', quote: '"', escape: '"' },
        { delimiter: ';', quote: '"', escape: '\\' },
      ]);
      expect((await csvDialectsOf(session, 'orders', dateList('2025-03-03'))).dialects).toEqual([]);
    });
    const { rows } = await engine.query(
      `SELECT ingestion_id, csv_header, records ${loadedFilesFrom(engine.dialect, 'orders')} ORDER BY 1`,
    );
    expect(rows).toEqual([
      { ingestion_id: 'a1', csv_header: '["id","amount"]', records: 10 },
      { ingestion_id: 'a2', csv_header: '["id","amount"]', records: 10 },
      { ingestion_id: 'j1', csv_header: null, records: 10 },
    ]);
  });
});

describe('source loads', () => {
  const load = (loadDate: string, received: number, staged = received, reconciled = true): SourceLoad => ({
    loadDate,
    files: 1,
    counts: { received, staged, quarantined: received - staged, duplicates: 0 },
    reconciled,
  });

  async function run(runId: string, startedAt: string, loads: Record<string, SourceLoad[]>) {
    const recorder = new AuditRecorder(engine);
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
    await recorder.flush();
    for (const [source, rows] of Object.entries(loads)) await recordSourceLoads(engine, runId, source, rows);
  }

  it('writes many dates in chunks and sums a run per source', async () => {
    const days = Array.from({ length: 1200 }, (_, i) =>
      new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
    );
    await run('r1', '2025-03-01T02:00:00Z', {
      orders: days.map((d) => load(d, 10, 8)),
      users: [load('2025-03-01', 5)],
    });
    expect(await sourceTotalsOfRun(engine, 'r1')).toEqual([
      { source: 'orders', received: 12_000, staged: 9_600, quarantined: 2_400, duplicates: 0 },
      { source: 'users', received: 5, staged: 5, quarantined: 0, duplicates: 0 },
    ]);
    expect(await loadedDateRange(engine, 'r1', 'orders')).toEqual({ from: days[0], to: days.at(-1) });
    expect(await loadedDateRange(engine, 'r1', 'nothing')).toBeNull();
  });

  it('takes the newest run of each date: totals over a window, volume history, the ledger check', async () => {
    await run('r1', '2025-03-01T02:00:00Z', {
      orders: [load('2025-03-01', 100), load('2025-03-02', 100), load('2025-03-03', 100)],
    });
    // A reload of 03-02 by a later run replaces its counts.
    await run('r2', '2025-03-02T02:00:00Z', { orders: [load('2025-03-02', 40, 30, false)] });
    await run('r3', '2025-03-04T02:00:00Z', { orders: [load('2025-03-04', 10)] });

    expect(await newestSourceTotals(engine, { from: '2025-03-01', to: '2025-03-03' })).toEqual([
      {
        source: 'orders',
        loadDates: 3,
        files: 3,
        received: 240,
        staged: 230,
        quarantined: 10,
        duplicates: 0,
        reconciled: false,
      },
    ]);
    expect(await volumeHistory(engine, 'r3', 7)).toEqual([
      {
        source: 'orders',
        loadDate: '2025-03-04',
        received: 10,
        averageReceived: 80,
        historyDates: 3,
        historyFrom: '2025-03-01',
        historyTo: '2025-03-03',
      },
    ]);
    expect((await volumeHistory(engine, 'r3', 1))[0]).toMatchObject({
      averageReceived: 100,
      historyDates: 1,
    });

    const sql = newestSourceLoadsSql(engine.dialect, 'orders', 'true', 'l.staged < l.received');
    const { rows } = await engine.query(
      `SELECT CAST(load_date AS VARCHAR) AS d, received FROM (${sql}) AS c`,
    );
    expect(rows).toEqual([{ d: '2025-03-02', received: 40 }]);
  });
});
