import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../types.ts';
import { openDuckDb } from './duckdb-engine.ts';
import { DUCKDB_ROW_GROUP_SIZE } from './row-groups.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-row-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows of each row group of a table, in order. */
async function rowGroups(engine: Engine, table: string): Promise<number[]> {
  const { rows } = await engine.query(
    `SELECT row_group_id, max(count) AS n FROM pragma_storage_info('${table}')
     WHERE column_id = 0 AND segment_type <> 'VALIDITY' GROUP BY row_group_id ORDER BY row_group_id`,
  );
  return rows.map((r) => Number(r.n));
}

/** Rows of a day, numbered from `from`, with a text wide enough to be compressed. */
const day = (from: number, rows: number) =>
  `SELECT range AS id, md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS payload FROM range(${from}, ${from + rows})`;

describe('the row groups of the DuckDB warehouse', () => {
  it(`holds at most ${DUCKDB_ROW_GROUP_SIZE} rows per row group, also after reopening the file`, async () => {
    const path = join(dir, 'sizes.duckdb');
    let engine = await openDuckDb({ path });
    await engine.execute(`CREATE TABLE t AS ${day(0, 50_000)}`);
    await engine.execute(`CHECKPOINT`);
    expect(await rowGroups(engine, 't')).toEqual([20_480, 20_480, 9_040]);
    await engine.close();
    engine = await openDuckDb({ path });
    await engine.execute(`INSERT INTO t ${day(50_000, 30_000)}`);
    await engine.execute(`CHECKPOINT`);
    expect(Math.max(...(await rowGroups(engine, 't')))).toBe(DUCKDB_ROW_GROUP_SIZE);
    const { rows } = await engine.query('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM t');
    expect(rows[0]).toEqual({ n: 80_000, ids: 80_000 });
    await engine.close();
  });

  it('leaves the earlier days alone when a day is appended and checkpointed', async () => {
    // With DuckDB's default size, a checkpoint after such a day merged every earlier
    // under-filled group into fewer (decompressing and compressing them all again).
    const engine = await openDuckDb({ path: join(dir, 'days.duckdb') });
    await engine.execute(`CREATE TABLE t AS ${day(0, 20_000)}`);
    await engine.execute(`CHECKPOINT`);
    for (let d = 1; d < 6; d++) {
      await engine.execute(`INSERT INTO t ${day(d * 20_000, 20_000)}`);
      await engine.execute(`CHECKPOINT`);
    }
    expect(await rowGroups(engine, 't')).toEqual([20_000, 20_000, 20_000, 20_000, 20_000, 20_000]);
    await engine.close();
  });

  it('opens a warehouse written with larger row groups, reads it whole and appends to it', async () => {
    const path = join(dir, 'older.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE t AS ${day(0, 150_000)}`);
    connection.closeSync();
    instance.closeSync();
    const engine = await openDuckDb({ path });
    expect(await rowGroups(engine, 't')).toEqual([122_880, 27_120]);
    await engine.execute(`INSERT INTO t ${day(150_000, 25_000)}`);
    await engine.execute(`DELETE FROM t WHERE id < 100`);
    await engine.execute(`CHECKPOINT`);
    const groups = await rowGroups(engine, 't');
    expect(groups.slice(0, 2)).toEqual([122_880, 27_120]);
    expect(Math.max(...groups.slice(2))).toBeLessThanOrEqual(DUCKDB_ROW_GROUP_SIZE);
    const { rows } = await engine.query('SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM t');
    expect(rows[0]).toEqual({ n: 174_900, lo: 100, hi: 174_999 });
    await engine.close();
  });
});
