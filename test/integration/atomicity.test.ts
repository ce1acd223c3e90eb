import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResponse } from '../../src/api/run.ts';
import { withProject } from '../../src/api/open-project.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

const D1 = '2025-04-01';
const D2 = '2025-04-02';

/**
 * A model that fails while it builds must leave its previous table exactly as it was. The failures
 * happen at execution time, part-way through the data: a CAST that only some rows hit, or a key
 * that only some rows repeat.
 */
describe('a model that fails mid-build leaves the previous table as it was', () => {
  let project: TestProject;
  const GOOD = [
    [1, 'a', '10', D1],
    [2, 'b', '20', D1],
    [3, 'c', '30', D2],
    [4, 'd', '40', D2],
  ];
  const seed = (...rows: (string | number)[][]) => ({
    'seeds/src.csv': csv('id,name,qty,load_date', ...rows),
  });

  beforeAll(async () => {
    project = await TestProject.create({
      ...seed(...GOOD),
      'models/warehouse/t_table.sql': model(
        { materialized: 'table' },
        `select id, name, cast(qty as integer) as qty from {{ ref('src') }}`,
      ),
      'models/warehouse/t_incremental.sql': model(
        { materialized: 'incremental', load_date_column: 'load_date' },
        `select id, name, cast(qty as integer) as qty, cast(load_date as date) as load_date from {{ ref('src') }}`,
      ),
      'models/warehouse/t_upsert.sql': model(
        { materialized: 'upsert', unique_key: 'name' },
        // qty as the CSV reader types it: a non-numeric value makes it text, which the table's
        // integer column then refuses in the INSERT that follows the DELETE of the old rows
        `select name, qty from {{ ref('src') }}`,
      ),
      'models/warehouse/t_scd2.sql': model(
        { materialized: 'scd2', unique_key: 'name', load_date_column: 'load_date' },
        `select name, cast(qty as integer) as qty, cast(load_date as date) as load_date from {{ ref('src') }}`,
      ),
    });
    const built = await project.run({ from: D1, to: D2 });
    expect(built.exitCode).toBe(0);
  });
  afterAll(() => project?.dispose());

  async function failingRun(rows: (string | number)[][]): Promise<{
    result: RunResponse;
    before: Record<string, string>;
    after: Record<string, string>;
  }> {
    await project.write(seed(...GOOD));
    expect((await project.run({ date: D2 })).exitCode).toBe(0);
    const before = await project.checksums();
    await project.write(seed(...rows));
    const result = await project.run({ date: D2 });
    const after = await project.checksums();
    return { result, before, after };
  }

  const model_ = (result: RunResponse, name: string) => result.summary.tasks.find((t) => t.task === name);
  const only = (sums: Record<string, string>, ...names: string[]) =>
    Object.fromEntries(names.map((n) => [n, sums[`warehouse.${n}`]]));

  it('a CAST failing on a few D2 rows: table, incremental and upsert keep their previous state', async () => {
    const { result, before, after } = await failingRun([
      [1, 'a', '10', D1],
      [2, 'b', '20', D1],
      [3, 'c', '31', D2],
      [4, 'd', 'forty', D2], // only this row breaks the cast
      [5, 'e', '50', D2],
    ]);
    expect(result.exitCode).toBe(1);
    for (const name of ['t_table', 't_incremental', 't_upsert', 't_scd2']) {
      expect(model_(result, name)?.status, name).toBe('failed');
      expect(model_(result, name)?.error?.code, name).toBe('SQL_FAILED');
      expect(model_(result, name)?.error?.message, name).toMatch(
        /conver|cast|invalid input syntax|is of type/i,
      );
    }
    // incremental and upsert fail in their INSERT, after their DELETE has run: the rollback restores it
    expect(model_(result, 't_incremental')?.error?.sql).toMatch(/^INSERT INTO/);
    expect(model_(result, 't_upsert')?.error?.sql).toMatch(/^INSERT INTO/);
    expect(model_(result, 't_table')?.error?.sql).toMatch(/^CREATE TABLE/);
    const names = ['t_table', 't_incremental', 't_upsert', 't_scd2'];
    expect(only(after, ...names)).toEqual(only(before, ...names));
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    await expectNoStagedTables(project);
  });

  it('a duplicate key: upsert fails with DUPLICATE_KEY and its table is unchanged', async () => {
    const { result, before, after } = await failingRun([
      [1, 'a', '10', D1],
      [2, 'b', '20', D1],
      [3, 'c', '33', D2],
      [4, 'a', '44', D2], // 'a' twice
    ]);
    expect(result.exitCode).toBe(1);
    const upsert = model_(result, 't_upsert');
    expect(upsert?.status).toBe('failed');
    expect(upsert?.error?.code).toBe('DUPLICATE_KEY');
    expect(upsert?.error?.message).toContain('"a"');
    expect(after['warehouse.t_upsert']).toBe(before['warehouse.t_upsert']);
    // the other models accept the rows and are rebuilt: the failure is the upsert's alone
    expect(model_(result, 't_table')?.status).toBe('success');
    expect(after['warehouse.t_table']).not.toBe(before['warehouse.t_table']);
    const [audit] = await project.query(
      `select status, error_code from audit.task_runs where run_id = '${result.summary.runId}' and task_id = 't_upsert'`,
    );
    expect(audit).toEqual({ status: 'failed', error_code: 'DUPLICATE_KEY' });
    await expectNoStagedTables(project);
  });

  it('a first build that fails leaves no table behind', async () => {
    await project.write({
      'models/warehouse/t_new.sql': model(
        { materialized: 'table' },
        `select id, cast(case when id = 3 then 'x' else qty end as integer) as qty from {{ ref('src') }}`,
      ),
    });
    try {
      await project.write(seed(...GOOD));
      const result = await project.run({ date: D2, select: ['t_new'] });
      expect(result.exitCode).toBe(1);
      const tables = await withProject(project.options, (_p, engine) => engine.listTables('warehouse'));
      expect(tables.map((t) => t.name)).not.toContain('t_new');
      await expectNoStagedTables(project);
    } finally {
      await project.remove('models/warehouse/t_new.sql');
    }
  });
});

async function expectNoStagedTables(project: TestProject): Promise<void> {
  const tables = await withProject(project.options, (_p, engine) => engine.listTables());
  expect(tables.filter((t) => t.name.includes('__strata'))).toEqual([]);
}
