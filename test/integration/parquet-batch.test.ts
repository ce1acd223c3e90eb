import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';
import { FILES_LOADED, RAW_RECORDS, SOURCE_LOADS } from '../helpers/raw-landing.ts';

const config = `import { defineConfig } from 'strata';
export default defineConfig({
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  sources: {
    orders: {
      files: 'data/orders/*.parquet',
      quarantine: false,
      contract: {
        fields: {
          order_id: { type: 'string', required: true },
          quantity: { type: 'integer', min: 0 },
          note: { type: 'string' },
        },
      },
    },
  },
});
`;

/**
 * Parquet files of one day each (the SELECT writing each), between them what a read of several
 * must get right: files sharing a schema (one empty, one with a record breaking the contract), a
 * file with a column more, one with the same columns in another order, and one with a column
 * named as one the multi-file reader adds.
 */
const PARQUET: Record<string, string> = {
  '2025-03-01': `SELECT * FROM (VALUES ('1', 1), ('2', 2)) AS t(order_id, quantity)`,
  '2025-03-02': `SELECT * FROM (VALUES ('3', 1), ('4', -1), (NULL, 5)) AS t(order_id, quantity)`,
  '2025-03-03': `SELECT '9' AS order_id, 1 AS quantity WHERE FALSE`,
  '2025-03-04': `SELECT * FROM (VALUES ('5', 1, true)) AS t(order_id, quantity, extra)`,
  '2025-03-05': `SELECT * FROM (VALUES (7, '6'), (8, '7')) AS t(quantity, order_id)`,
  '2025-03-06': `SELECT * FROM (VALUES ('8', 'f.csv'), ('9', 'g.csv')) AS t(order_id, filename)`,
  '2025-03-07': `SELECT * FROM (VALUES ('10', 3)) AS t(order_id, quantity)`,
};

let projects: TestProject[] = [];
afterEach(async () => {
  for (const project of projects) await project.dispose();
  projects = [];
});

async function writeParquet(dir: string, days: string[]): Promise<void> {
  await mkdir(join(dir, 'data/orders'), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const day of days) {
      const path = join(dir, 'data/orders', `${day}.parquet`).replaceAll("'", "''");
      await connection.run(`COPY (${PARQUET[day]}) TO '${path}' (FORMAT parquet)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function loaded(days: string[]) {
  const project = await TestProject.create({ 'strata.config.ts': config });
  projects.push(project);
  await writeParquet(project.dir, days);
  const result = await project.run();
  expect(result.exitCode, JSON.stringify(result).slice(0, 3000)).toBe(0);
  return {
    raw: await project.query(RAW_RECORDS),
    files: await project.query(FILES_LOADED),
    loads: await project.query(SOURCE_LOADS),
  };
}

describe('Parquet files landing together', () => {
  it('store every record as a file landing alone would: same record, number, counts and drift', async () => {
    const days = Object.keys(PARQUET);
    const together = await loaded(days);
    const alone = { raw: [] as unknown[], files: [] as unknown[], loads: [] as unknown[] };
    for (const day of days) {
      const one = await loaded([day]);
      alone.raw.push(...one.raw);
      alone.files.push(...one.files);
      alone.loads.push(...one.loads);
    }
    expect(together).toEqual(alone);
    // (PostgreSQL's jsonb writes an object's keys its own way: the objects are compared, not their text.)
    const reordered = together.raw.filter((r) => r.source_file === 'data/orders/2025-03-05.parquet');
    expect(reordered.map((r) => [r.record_position, JSON.parse(String(r.record))])).toEqual([
      [1, { quantity: 7, order_id: '6' }],
      [2, { quantity: 8, order_id: '7' }],
    ]);
    expect(together.files).toContainEqual({
      path: 'data/orders/2025-03-04.parquet',
      records: 1,
      malformed: 0,
      unknown_fields: 'extra',
      missing_fields: 'note',
    });
    expect(together.loads).toContainEqual({
      load_date: '2025-03-02',
      received: 3,
      staged: 1,
      quarantined: 2,
      duplicates: 0,
      reconciled: true,
    });
  });
});
