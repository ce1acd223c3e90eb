import { afterEach, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';

/**
 * A server's statistics of the staging tables a source writes, the table of a nested array
 * included, are refreshed by the rows written to each table: a day of few orders with many lines
 * each changes the lines' table, not the orders'.
 */

const onPostgres = testEngine() === 'postgres';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

function config(): string {
  const c = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      orders: {
        files: 'data/orders/*.json',
        quarantine: false,
        contract: {
          uniqueKey: ['order_id'],
          fields: {
            order_id: { type: 'string', required: true },
            items: {
              type: 'array',
              required: true,
              items: { sku: { type: 'string', required: true }, quantity: { type: 'integer', min: 1 } },
            },
          },
        },
      },
    },
  };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(c)});\n`;
}

/** `count` orders of `lines` lines each, their ids prefixed so that days do not share orders. */
const orders = (prefix: string, count: number, lines: number) =>
  JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      order_id: `${prefix}${i}`,
      items: Array.from({ length: lines }, (_, j) => ({ sku: `S${j}`, quantity: 1 })),
    })),
  );

describe('the statistics of a source’s staging tables', () => {
  it.runIf(onPostgres)(
    'PostgreSQL only: are refreshed per table, by the rows written to it, nested arrays included',
    async () => {
      project = await TestProject.create({
        'strata.config.ts': config(),
        'data/orders/2025-01-01.json': orders('a', 1000, 1),
      });
      expect((await project.run({ date: '2025-01-01' })).exitCode).toBe(0);
      const estimates = async () =>
        project?.query(
          `select c.relname as name, cast(c.reltuples as integer) as rows from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'staging' and c.relkind = 'r' order by 1`,
        );
      // New tables: both analyzed.
      expect(await estimates()).toEqual([
        { name: 'orders', rows: 1000 },
        { name: 'orders__items', rows: 1000 },
      ]);

      // The server counts a backend's writes when it next reports them, which can be after the
      // ANALYZE that followed them: settled here, so that only the next day's rows count.
      await project.query('analyze staging.orders, staging.orders__items');
      // 60 orders (under 50 + 10% of 1,000) of 30 lines each: 1,800 lines (over it).
      await project.write({ 'data/orders/2025-01-02.json': orders('b', 60, 30) });
      expect((await project.run({ date: '2025-01-02' })).exitCode).toBe(0);
      expect(await estimates()).toEqual([
        { name: 'orders', rows: 1000 },
        { name: 'orders__items', rows: 2800 },
      ]);
    },
  );
});
