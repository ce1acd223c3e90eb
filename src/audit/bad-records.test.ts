import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine, Session } from '../engine/types.ts';
import {
  countBadRecords,
  countBadRecordsByReason,
  listBadRecords,
  recordBadRecords,
  reopenBadRecords,
  resolveBadRecords,
} from './bad-records.ts';
import { ensureAuditSchema } from './recorder.ts';

/**
 * The quarantine on a real DuckDB warehouse, written as staging writes it: from session-local
 * tables of violations and typed records, in a transaction, reading raw lines back from raw.
 */

let dir: string;
let engine: Engine;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-audit-'));
  engine = await createEngine({ type: 'duckdb', path: join(dir, 'warehouse.duckdb') });
  await ensureAuditSchema(engine);
  await engine.execute('CREATE SCHEMA raw');
  await engine.execute(`CREATE TABLE raw.orders AS SELECT * FROM (VALUES
    (CAST('2025-03-01' AS DATE), 'f1', 1, 'id,amount', CAST(NULL AS JSON)),
    (CAST('2025-03-01' AS DATE), 'f1', 2, '1,abc', NULL),
    (CAST('2025-03-01' AS DATE), 'f1', 3, ',5', NULL),
    (CAST('2025-03-02' AS DATE), 'f2', 1, '7,xyz', NULL),
    (CAST('2025-03-02' AS DATE), 'f3', 1, NULL, '{"id":8}')
  ) AS r(load_date, ingestion_id, record_position, raw_text, record)`);
});

afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const TABLES = { violations: 'strata_violations', typed: 'strata_typed' };
const RAW = { schema: 'raw', name: 'orders' };
const dateList = (...dates: string[]) => dates.map((d) => `CAST('${d}' AS DATE)`).join(', ');

/** The session-local tables staging builds: `found` are (record_key, field, reason) violations. */
async function stagingTables(session: Session, found: [string, string, string][]) {
  await session.execute(`CREATE OR REPLACE TEMPORARY TABLE strata_typed AS SELECT * FROM (VALUES
    ('k2', 'f1', CAST('2025-03-01' AS DATE), 2),
    ('k3', 'f1', CAST('2025-03-01' AS DATE), 3),
    ('k9', 'f2', CAST('2025-03-02' AS DATE), 1),
    ('j1', 'f3', CAST('2025-03-02' AS DATE), 1)
  ) AS t(record_key, ingestion_id, load_date, record_position)`);
  const values = found.map(([key, field, reason]) => {
    const [date, position] =
      key === 'k9' || key === 'j1' ? ['2025-03-02', 1] : ['2025-03-01', Number(key.slice(1))];
    return `(CAST('${date}' AS DATE), '${key}', 'orders.csv', ${position}, ${position + 1}, '${field}', '${reason}', '${field} is ${reason}')`;
  });
  await session.execute(`CREATE OR REPLACE TEMPORARY TABLE strata_violations AS SELECT * FROM (VALUES ${
    values.length > 0 ? values.join(', ') : "(CAST(NULL AS DATE), 'x', 'x', 0, 0, 'x', 'x', 'x')"
  }) AS v(load_date, record_key, source_file, record_position, source_line, field, reason_code, message)
  WHERE record_key <> 'x'`);
}

/** Found by run r1 in the raw rows of both dates the staging tables hold. */
const FOUND = {
  source: 'orders',
  raw: RAW,
  rawDates: dateList('2025-03-01', '2025-03-02'),
  runId: 'r1',
  at: new Date('2025-03-03T02:00:00Z'),
};

describe('bad records', () => {
  it('records violations once, with the raw line or the record, and lists them with filters', async () => {
    await engine.withSession(async (session) => {
      await stagingTables(session, [
        ['k2', 'amount', 'type'],
        ['k3', 'id', 'required'],
        ['k9', 'amount', 'type'],
        ['j1', 'id', 'required'],
      ]);
      await session.transaction(async (tx) => {
        await recordBadRecords(tx, engine.dialect, TABLES, FOUND);
        // Found again (a rerun): not added twice.
        await recordBadRecords(tx, engine.dialect, TABLES, { ...FOUND, runId: 'r2' });
      });
    });
    const all = await listBadRecords(engine);
    expect(all.map((r) => [r.loadDate, r.position, r.field, r.rawRecord, r.foundInRun])).toEqual([
      ['2025-03-02', 1, 'amount', '7,xyz', 'r1'],
      ['2025-03-02', 1, 'id', '{"id":8}', 'r1'],
      ['2025-03-01', 2, 'amount', '1,abc', 'r1'],
      ['2025-03-01', 3, 'id', ',5', 'r1'],
    ]);
    expect(all[2]).toEqual({
      source: 'orders',
      loadDate: '2025-03-01',
      file: 'orders.csv',
      position: 2,
      line: 3,
      field: 'amount',
      reason: 'type',
      message: 'amount is type',
      rawRecord: '1,abc',
      foundInRun: 'r1',
      resolvedInRun: null,
    });
    expect(await listBadRecords(engine, { limit: 1 })).toHaveLength(1);
    expect(await listBadRecords(engine, { source: 'users' })).toEqual([]);
    expect(await listBadRecords(engine, { run: 'r2' })).toEqual([]);
  });

  it('resolves what passes now on the dates staged, and reopens what fails again', async () => {
    const d = engine.dialect;
    await engine.withSession(async (session) => {
      await stagingTables(session, [
        ['k2', 'amount', 'type'],
        ['k3', 'id', 'required'],
        ['k9', 'amount', 'type'],
      ]);
      await recordBadRecords(session, d, TABLES, FOUND);
      // A fixed contract: only k3 fails on 03-01; 03-02 is not staged, so k9 stays open.
      await stagingTables(session, [['k3', 'id', 'required']]);
      await resolveBadRecords(session, d, TABLES.violations, {
        source: 'orders',
        runId: 'r2',
        dateList: dateList('2025-03-01'),
      });
    });
    expect(await listBadRecords(engine)).toHaveLength(2);
    const resolved = await listBadRecords(engine, { includeResolved: true });
    expect(resolved.map((r) => [r.position, r.field, r.resolvedInRun])).toEqual([
      [1, 'amount', null],
      [2, 'amount', 'r2'],
      [3, 'id', null],
    ]);

    await engine.withSession(async (session) => {
      await stagingTables(session, [['k2', 'amount', 'type']]);
      await reopenBadRecords(session, d, TABLES.violations, 'orders');
    });
    const reopened = await listBadRecords(engine);
    expect(reopened.map((r) => [r.position, r.field, r.resolvedInRun])).toEqual([
      [1, 'amount', null],
      [2, 'amount', null],
      [3, 'id', null],
    ]);
  });

  it('filters by load date, field and reason, pages, and counts by reason with the resolved ones', async () => {
    const d = engine.dialect;
    await engine.withSession(async (session) => {
      await stagingTables(session, [
        ['k2', 'amount', 'type'],
        ['k3', 'id', 'required'],
        ['k9', 'amount', 'type'],
      ]);
      await recordBadRecords(session, d, TABLES, FOUND);
      await stagingTables(session, [['k3', 'id', 'required']]);
      await resolveBadRecords(session, d, TABLES.violations, {
        source: 'orders',
        runId: 'r2',
        dateList: dateList('2025-03-01'),
      });
    });
    const withResolved = { includeResolved: true };
    expect(
      (await listBadRecords(engine, { ...withResolved, loadDate: '2025-03-01' })).map((r) => r.position),
    ).toEqual([2, 3]);
    expect((await listBadRecords(engine, { ...withResolved, field: 'id' })).map((r) => r.position)).toEqual([
      3,
    ]);
    expect(
      (await listBadRecords(engine, { ...withResolved, reason: 'type' })).map((r) => r.position),
    ).toEqual([1, 2]);
    expect(
      (await listBadRecords(engine, { ...withResolved, limit: 1, offset: 1 })).map((r) => r.position),
    ).toEqual([2]);
    expect(await countBadRecords(engine, { ...withResolved, loadDate: '2025-03-01', reason: 'type' })).toBe(
      1,
    );
    expect(await countBadRecordsByReason(engine, withResolved)).toEqual([
      { reason: 'type', records: 2, resolved: 1 },
      { reason: 'required', records: 1, resolved: 0 },
    ]);
    expect(await countBadRecordsByReason(engine)).toEqual([
      { reason: 'required', records: 1, resolved: 0 },
      { reason: 'type', records: 1, resolved: 0 },
    ]);
  });
});
