import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../engine/duckdb/dialect.ts';
import { postgresDialect } from '../engine/postgres/dialect.ts';
import type { Capabilities, ColumnInfo } from '../engine/types.ts';
import { parseModel } from '../models/parse-model.ts';
import type { ModelNode } from '../models/types.ts';
import { byKeySelects, captureKeysSql, markFullBuildSql, priorKeysRef } from './incremental-by-key.ts';
import type { ByKeyInput, MaterializationFacts } from './plan.ts';
import { renderMaterialization } from './render.ts';
import { type SelectContext, renderSelect } from './render-select.ts';

const TEXT = `/*---
materialized: incremental
unique_key: sale_date
touched: |
  select order_date as sale_date from {{ ref('stg_orders') }}
  where load_date between {{ date_from }} and {{ date_to }}
---*/
select sale_date, count(*) as n from {{ ref('fact_orders') }}
where sale_date in (select sale_date from {{ touched }} as t)
group by sale_date
`;

function model(): ModelNode {
  const { model: parsed, problems } = parseModel(
    { file: 'models/marts/daily.sql', pathInModels: 'marts/daily.sql', text: TEXT },
    'warehouse',
  );
  expect(problems).toEqual([]);
  return parsed as ModelNode;
}

const context: SelectContext = {
  dialect: duckdbDialect,
  resolve: (name) => ({ schema: name.startsWith('stg') ? 'staging' : 'warehouse', name }),
  dates: { from: '2025-03-04', to: '2025-03-04' },
};

const cols = (...names: string[]): ColumnInfo[] => names.map((name) => ({ name, type: 'VARCHAR' }));

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

function facts(extra: Partial<MaterializationFacts> = {}): MaterializationFacts {
  return {
    existing: { kind: 'table', columns: cols('sale_date', 'n') },
    modelColumns: cols('sale_date', 'n'),
    fullRefresh: false,
    window: { from: '2025-03-04', to: '2025-03-04' },
    runDate: '2025-03-05',
    ...extra,
  };
}

function render(f: MaterializationFacts, prior?: ByKeyInput['prior']) {
  const m = model();
  const byKey = { ...byKeySelects(m, context), ...(prior ? { prior } : {}) };
  const plan = renderMaterialization({
    model: m,
    selectSql: renderSelect(m, context),
    facts: f,
    dialect: duckdbDialect,
    capabilities: DUCKDB,
    byKey,
  });
  return plan.steps.map((s) => ({
    kind: s.kind,
    sql: s.sql,
    ...('counts' in s && s.counts ? { counts: s.counts } : {}),
  }));
}

const PRIOR = { table: priorKeysRef({ schema: 'marts', name: 'daily' }), fullBuild: false };

describe('{{ touched }} rendering', () => {
  it('is the touched SELECT over the context dates, parenthesised, wherever a model is rendered', () => {
    const sql = renderSelect(model(), { ...context, dates: {} });
    expect(sql).toContain(`in (select sale_date from (SELECT DISTINCT "sale_date" FROM (
select order_date as sale_date from "staging"."stg_orders"
where load_date between DATE '0001-01-01' and DATE '9999-12-31'
) AS strata_touched) as t)`);
  });

  it('takes three forms in a by-key run: the run’s touched keys, the body over the keys table, the whole body', () => {
    const selects = byKeySelects(model(), context);
    expect(selects.touchedSql).toBe(
      `select order_date as sale_date from "staging"."stg_orders"\nwhere load_date between DATE '2025-03-04' and DATE '2025-03-04'`,
    );
    expect(selects.selectOverKeys).toContain('select sale_date from "strata_touched_keys" as t');
    expect(selects.selectAll).toContain(
      `between DATE '0001-01-01' and DATE '9999-12-31'\n) AS strata_touched) as t`,
    );
  });
});

describe('incremental by key', () => {
  it('replaces the touched keys: keys, their rows, a null-key guard, delete then insert, in order', () => {
    const steps = render(facts());
    // A task's session is its own: its temporary tables cannot exist before it makes them.
    expect(steps.map((s) => s.kind)).toEqual(['exec', 'exec', 'guard', 'exec', 'exec', 'exec', 'exec']);
    expect(steps[0]?.sql).toBe(`CREATE TEMPORARY TABLE "strata_touched_keys" AS
SELECT DISTINCT "sale_date" FROM (
select order_date as sale_date from "staging"."stg_orders"
where load_date between DATE '2025-03-04' and DATE '2025-03-04'
) AS touched`);
    expect(steps[1]?.sql).toContain('from "strata_touched_keys" as t');
    expect(steps[1]?.sql).toContain(
      'WHERE EXISTS (SELECT 1 FROM "strata_touched_keys" AS k WHERE k."sale_date" = model."sale_date") OR model."sale_date" IS NULL',
    );
    expect(steps[2]?.sql).toBe('SELECT "sale_date" FROM "strata_key_rows" WHERE "sale_date" IS NULL LIMIT 5');
    expect(steps[3]).toEqual({
      kind: 'exec',
      sql: 'DELETE FROM "marts"."daily" AS t WHERE EXISTS (SELECT 1 FROM "strata_touched_keys" AS k WHERE k."sale_date" = t."sale_date")',
      counts: 'deleted',
    });
    expect(steps[4]).toEqual({
      kind: 'exec',
      sql: 'INSERT INTO "marts"."daily" ("sale_date", "n")\nSELECT "sale_date", "n" FROM "strata_key_rows"',
      counts: 'inserted',
    });
  });

  it('adds the keys captured before the run, and drops their table in the same transaction', () => {
    const steps = render(facts(), PRIOR);
    expect(steps[0]?.sql).toContain(
      ') AS touched\nUNION\nSELECT "sale_date" FROM "marts"."daily__strata_touched_prior"',
    );
    expect(steps.at(-1)?.sql).toBe('DROP TABLE IF EXISTS "marts"."daily__strata_touched_prior"');
  });

  it.each([
    ['the table does not exist', facts({ existing: undefined })],
    ['it is a view', facts({ existing: { kind: 'view', columns: cols('sale_date', 'n') } })],
    ['a full refresh', facts({ fullRefresh: true })],
    ['a run without dates', facts({ window: {} })],
    ['the model selects other columns', facts({ modelColumns: cols('sale_date', 'n', 'm') })],
  ])('builds the whole table aside and swaps it when %s', (_why, f) => {
    const steps = render(f);
    expect(steps.some((s) => s.sql.includes('strata_touched_keys'))).toBe(false);
    const create = steps.find((s) => s.sql.startsWith('CREATE TABLE "marts"."daily__strata_new"'));
    expect(create?.sql).toContain(
      `between DATE '0001-01-01' and DATE '9999-12-31'\n) AS strata_touched) as t`,
    );
    expect(steps.find((s) => s.kind === 'guard')?.sql).toContain(
      '"daily__strata_new" WHERE "sale_date" IS NULL',
    );
  });

  it('builds the whole table when the keys could not be captured before the run, dropping the marker', () => {
    const steps = render(facts(), { ...PRIOR, fullBuild: true });
    expect(steps.some((s) => s.sql.includes('strata_touched_keys'))).toBe(false);
    expect(steps.at(-1)?.sql).toBe('DROP TABLE IF EXISTS "marts"."daily__strata_touched_prior"');
  });

  it('refuses a unique_key the model does not select', () => {
    expect(() => render(facts({ modelColumns: cols('day', 'n'), existing: undefined }))).toThrow(
      /unique_key sale_date/,
    );
  });

  it('indexes the grain on an engine that indexes keys', () => {
    const m = model();
    const plan = renderMaterialization({
      model: m,
      selectSql: renderSelect(m, context),
      facts: facts(),
      dialect: postgresDialect,
      capabilities: { ...DUCKDB, keyIndexes: true },
      byKey: byKeySelects(m, { ...context, dialect: postgresDialect }),
    });
    expect(plan.steps.at(-1)?.sql).toBe(
      'CREATE INDEX IF NOT EXISTS "daily__strata_key" ON "marts"."daily" ("sale_date")',
    );
  });
});

describe('keys captured before the run', () => {
  const touched = 'select d as sale_date from x';
  it('are created, added to when an earlier run left them, and left alone behind a full-build marker', () => {
    expect(captureKeysSql(duckdbDialect, model(), touched, 'none')).toEqual([
      'CREATE TABLE "marts"."daily__strata_touched_prior" AS\nSELECT DISTINCT "sale_date" FROM (\nselect d as sale_date from x\n) AS touched',
    ]);
    expect(captureKeysSql(duckdbDialect, model(), touched, 'keys')).toEqual([
      'INSERT INTO "marts"."daily__strata_touched_prior" ("sale_date")\nSELECT DISTINCT "sale_date" FROM (\nselect d as sale_date from x\n) AS touched',
    ]);
    expect(captureKeysSql(duckdbDialect, model(), touched, 'full_build')).toEqual([]);
    expect(markFullBuildSql(duckdbDialect, model())).toEqual([
      'DROP TABLE IF EXISTS "marts"."daily__strata_touched_prior"',
      'CREATE TABLE "marts"."daily__strata_touched_prior" AS SELECT true AS "strata_full_build"',
    ]);
  });
});
