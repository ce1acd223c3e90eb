import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../engine/duckdb/dialect.ts';
import { postgresDialect } from '../engine/postgres/dialect.ts';
import type { Capabilities, ColumnInfo, Dialect } from '../engine/types.ts';
import type { ModelConfig, ModelNode } from '../models/types.ts';
import type { MaterializationFacts } from './plan.ts';
import { stagedRef } from './plan.ts';
import { renderMaterialization } from './render.ts';

const SELECT = "SELECT 1 AS id, 2 AS v, DATE '2025-01-01' AS d";

function node(config: Partial<ModelConfig>): ModelNode {
  return {
    kind: 'model',
    name: 'dim_thing',
    target: { schema: 'warehouse', name: 'dim_thing' },
    file: 'models/warehouse/dim_thing.sql',
    config: {
      materialized: 'table',
      uniqueKey: [],
      trackedColumns: [],
      columns: {},
      checks: [],
      tags: [],
      ...config,
    },
    segments: [],
    refs: [],
    bodyLine: 1,
  };
}

const cols = (...names: string[]): ColumnInfo[] => names.map((name) => ({ name, type: 'VARCHAR' }));

function facts(extra: Partial<MaterializationFacts> = {}): MaterializationFacts {
  return {
    modelColumns: cols('id', 'v', 'd'),
    fullRefresh: false,
    window: {},
    runDate: '2025-01-05',
    ...extra,
  };
}

const DUCKDB: Capabilities = {
  transactionalDdl: true,
  multiProcessWriters: false,
  merge: false,
  cancelQueries: true,
  roles: false,
  keyIndexes: false,
  analyze: false,
  partitioning: false,
  distributedTables: false,
};
const POSTGRES: Capabilities = {
  ...DUCKDB,
  multiProcessWriters: true,
  merge: true,
  roles: true,
  keyIndexes: true,
  analyze: true,
  partitioning: true,
};

const render = (
  config: Partial<ModelConfig>,
  f: MaterializationFacts,
  engine: { dialect: Dialect; capabilities: Capabilities } = { dialect: duckdbDialect, capabilities: DUCKDB },
) => renderMaterialization({ model: node(config), selectSql: SELECT, facts: f, ...engine });
const onPostgres = { dialect: postgresDialect, capabilities: POSTGRES };

const sqls = (plan: { steps: { kind: string; sql: string }[] }) => plan.steps.map((s) => s.sql);

describe('stagedRef', () => {
  it('names the staged table next to the target, within 63 characters', () => {
    expect(stagedRef({ schema: 'w', name: 'orders' })).toEqual({ schema: 'w', name: 'orders__strata_new' });
    const long = stagedRef({ schema: 'w', name: 'x'.repeat(63) });
    expect(long.name.length).toBeLessThanOrEqual(63);
    expect(long.name.endsWith('__strata_new')).toBe(true);
  });
});

describe('incremental', () => {
  const config: Partial<ModelConfig> = { materialized: 'incremental', loadDateColumn: 'd' };
  const existing = { kind: 'table' as const, columns: cols('id', 'v', 'd') };

  it('deletes then inserts exactly the run dates, in that order', () => {
    const plan = render(config, facts({ existing, window: { from: '2025-01-02', to: '2025-01-03' } }));
    expect(plan.steps.map((s) => s.kind === 'exec' && s.counts)).toEqual(['deleted', 'inserted']);
    const [del, ins] = sqls(plan);
    expect(del).toBe(
      `DELETE FROM "warehouse"."dim_thing" WHERE "d" >= DATE '2025-01-02' AND "d" <= DATE '2025-01-03'`,
    );
    expect(ins).toContain(`WHERE "d" >= DATE '2025-01-02' AND "d" <= DATE '2025-01-03'`);
  });

  it('without dates replaces the newest loaded date onward', () => {
    const [del] = sqls(render(config, facts({ existing, latestLoadedDate: '2025-01-04' })));
    expect(del).toBe(`DELETE FROM "warehouse"."dim_thing" WHERE "d" >= DATE '2025-01-04'`);
  });

  it('refuses a changed column list with SCHEMA_CHANGED and a --full-refresh hint', () => {
    expect(() =>
      render(
        config,
        facts({ existing: { kind: 'table', columns: cols('id', 'd') }, window: { from: '2025-01-01' } }),
      ),
    ).toThrow(
      expect.objectContaining({ code: 'SCHEMA_CHANGED', hint: expect.stringContaining('--full-refresh') }),
    );
  });

  it('refuses a model without its load_date_column among its columns', () => {
    expect(() => render({ ...config, loadDateColumn: 'loaded_on' }, facts())).toThrow(
      expect.objectContaining({ code: 'LOAD_DATE_MISSING' }),
    );
  });
});

describe('scd2', () => {
  const config: Partial<ModelConfig> = { materialized: 'scd2', uniqueKey: ['id'], loadDateColumn: 'd' };
  const scd2Table = {
    kind: 'table' as const,
    columns: cols('thing_sk', 'id', 'v', 'd', 'valid_from', 'valid_to', 'is_current', 'strata_load_date'),
  };

  it('builds a first snapshot aside and swaps it in, applying every date in one pass', () => {
    const plan = render(config, facts({ snapshotDates: ['2025-01-01', '2025-01-02'] }));
    const statements = sqls(plan);
    expect(statements[1]).toMatch(/^CREATE TABLE "warehouse"."dim_thing__strata_new" AS/);
    expect(statements.at(-1)).toBe(`ALTER TABLE "warehouse"."dim_thing__strata_new" RENAME TO "dim_thing"`);
    // The snapshot holds the rows of every date, each with its date ...
    const snapshot = statements.find((s) => s.startsWith('CREATE TEMPORARY TABLE "strata_snapshot_rows"'));
    expect(snapshot).toContain(`>= DATE '2025-01-01' AND model."d" < DATE '2025-01-03'`);
    // ... and one INSERT writes the versions they open, each recording the date that opened it.
    const inserts = statements.filter((s) => s.startsWith('INSERT INTO'));
    expect(inserts).toHaveLength(1);
    expect(inserts[0]).toMatch(
      /v\."strata_snapshot_date"\s*FROM "strata_snapshot_versions" AS v\s*WHERE v\.strata_from = 1$/,
    );
  });

  it('in place: first undoes the run date and everything after it', () => {
    const plan = render(config, facts({ existing: scd2Table, snapshotDates: ['2025-01-03', '2025-01-04'] }));
    expect(sqls(plan)[0]).toBe(
      `DELETE FROM "warehouse"."dim_thing" WHERE strata_load_date >= DATE '2025-01-03'`,
    );
  });

  it('refuses to version a table that was not built as an SCD2 snapshot', () => {
    expect(() =>
      render(
        config,
        facts({ existing: { kind: 'table', columns: cols('id', 'v', 'd') }, snapshotDates: [] }),
      ),
    ).toThrow(
      expect.objectContaining({ code: 'SCHEMA_CHANGED', hint: expect.stringContaining('--full-refresh') }),
    );
  });

  it('without a load_date_column refuses to replay a date before the last snapshot', () => {
    expect(() =>
      render(
        { ...config, loadDateColumn: undefined },
        facts({ existing: scd2Table, snapshotDates: ['2025-01-02'], latestSnapshotDate: '2025-01-03' }),
      ),
    ).toThrow(expect.objectContaining({ code: 'SCD2_OUT_OF_ORDER' }));
  });
});

describe('server features (capabilities)', () => {
  const existing = { kind: 'table' as const, columns: cols('id', 'v', 'd') };

  it('add nothing on DuckDB', () => {
    const plain = sqls(
      render({ materialized: 'upsert', uniqueKey: ['id'], distributionColumn: 'v' }, facts()),
    );
    expect(plain.join('\n')).not.toMatch(/INDEX|analyze|distributed/i);
  });

  it('index the upsert key (unique), SCD2 surrogate and natural keys, and a distribution column, then analyze what was written', () => {
    const analyze = `SELECT strata.analyze_after_write(CAST('"warehouse"."dim_thing"' AS regclass), CAST($1 AS bigint), CAST(NULL AS text[]))`;
    const upsert = render({ materialized: 'upsert', uniqueKey: ['id'] }, facts({ existing }), onPostgres);
    expect(upsert.steps.slice(-2)).toEqual([
      {
        kind: 'exec',
        sql: 'CREATE UNIQUE INDEX IF NOT EXISTS "dim_thing__strata_key" ON "warehouse"."dim_thing" ("id")',
      },
      { kind: 'analyze', sql: analyze },
    ]);
    const scd2 = sqls(
      render({ materialized: 'scd2', uniqueKey: ['id'], distributionColumn: 'v' }, facts(), onPostgres),
    );
    expect(scd2.slice(-4)).toEqual([
      'CREATE INDEX IF NOT EXISTS "dim_thing__strata_sk" ON "warehouse"."dim_thing" ("thing_sk")',
      'CREATE INDEX IF NOT EXISTS "dim_thing__strata_nk" ON "warehouse"."dim_thing" ("id")',
      'CREATE INDEX IF NOT EXISTS "dim_thing__strata_dist" ON "warehouse"."dim_thing" ("v")',
      analyze,
    ]);
    expect(sqls(render({ materialized: 'view' }, facts(), onPostgres)).join('\n')).not.toMatch(
      /INDEX|analyze/i,
    );
  });

  it('distribute a rebuilt table where the engine distributes (Citus), instead of indexing the column', () => {
    const citus = { dialect: postgresDialect, capabilities: { ...POSTGRES, distributedTables: true } };
    const built = sqls(render({ materialized: 'table', distributionColumn: 'id' }, facts(), citus));
    expect(built).toContain(`SELECT create_distributed_table('"warehouse"."dim_thing"', 'id')`);
    expect(built.join('\n')).not.toContain('strata_dist');
    const appended = sqls(
      render(
        { materialized: 'incremental', loadDateColumn: 'd', distributionColumn: 'id' },
        facts({ existing }),
        citus,
      ),
    );
    expect(appended.join('\n')).not.toContain('create_distributed_table');
  });

  it('refuse a distribution column the model does not return', () => {
    expect(() => render({ materialized: 'table', distributionColumn: 'nope' }, facts(), onPostgres)).toThrow(
      /distribution_column/,
    );
  });
});
