import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';

const D1 = '2025-02-01';
const D2 = '2025-02-02';
const D3 = '2025-02-03';
const D4 = '2025-02-04';

const FACT = 'models/warehouse/fact_sales.sql';
const factModel = (extraColumns = '') =>
  model(
    { materialized: 'incremental', load_date_column: 'load_date' },
    `select id, item, cast(qty as integer) as qty${extraColumns}, cast(load_date as date) as load_date
     from {{ ref('sales') }}`,
  );

const sales = (...rows: (string | number)[][]) => ({
  'seeds/sales.csv': csv('id,item,qty,load_date', ...rows),
});

const ORIGINAL = [
  [1, 'apple', 1, D1],
  [2, 'pear', 2, D1],
  [3, 'apple', 3, D2],
  [4, 'plum', 4, D2],
  [5, 'pear', 5, D3],
];

const rows = (project: TestProject) =>
  project.query(
    'select id, item, qty, cast(load_date as varchar) as d from warehouse.fact_sales order by id',
  );

describe('incremental models', () => {
  let project: TestProject;

  beforeEach(async () => {
    project = await TestProject.create({ ...sales(...ORIGINAL), [FACT]: factModel() });
  });
  afterEach(() => project?.dispose());

  it('a first run with dates builds only those dates; a range run adds the rest', async () => {
    expect((await project.run({ date: D2 })).exitCode).toBe(0);
    expect(await rows(project)).toEqual([
      { id: 3, item: 'apple', qty: 3, d: D2 },
      { id: 4, item: 'plum', qty: 4, d: D2 },
    ]);
    const range = await project.run({ from: D1, to: D3 });
    expect(range.exitCode).toBe(0);
    expect(range.summary.tasks.find((t) => t.task === 'fact_sales')?.rows).toMatchObject({
      rowsDeleted: 2,
      rowsInserted: 5,
    });
    expect(await rows(project)).toEqual([
      { id: 1, item: 'apple', qty: 1, d: D1 },
      { id: 2, item: 'pear', qty: 2, d: D1 },
      { id: 3, item: 'apple', qty: 3, d: D2 },
      { id: 4, item: 'plum', qty: 4, d: D2 },
      { id: 5, item: 'pear', qty: 5, d: D3 },
    ]);
  });

  it('--date D2 replaces exactly D2: changed D1 source rows stay as loaded, D2 rows are the new ones', async () => {
    expect((await project.run({ from: D1, to: D3 })).exitCode).toBe(0);
    await project.write(
      sales(
        [1, 'apple', 100, D1], // changed in the source, but D1 is not rerun
        [2, 'pear', 200, D1],
        [3, 'apricot', 30, D2], // changed
        [6, 'fig', 6, D2], // new; id 4 is gone from D2
        [5, 'pear', 500, D3], // changed, D3 not rerun
      ),
    );
    expect((await project.run({ date: D2 })).exitCode).toBe(0);
    expect(await rows(project)).toEqual([
      { id: 1, item: 'apple', qty: 1, d: D1 },
      { id: 2, item: 'pear', qty: 2, d: D1 },
      { id: 3, item: 'apricot', qty: 30, d: D2 },
      { id: 5, item: 'pear', qty: 5, d: D3 },
      { id: 6, item: 'fig', qty: 6, d: D2 },
    ]);

    // a range replaces every date in it, and only those
    expect((await project.run({ from: D1, to: D2 })).exitCode).toBe(0);
    expect(await rows(project)).toEqual([
      { id: 1, item: 'apple', qty: 100, d: D1 },
      { id: 2, item: 'pear', qty: 200, d: D1 },
      { id: 3, item: 'apricot', qty: 30, d: D2 },
      { id: 5, item: 'pear', qty: 5, d: D3 },
      { id: 6, item: 'fig', qty: 6, d: D2 },
    ]);
  });

  it('a run without dates replaces the newest loaded date and everything after it', async () => {
    expect((await project.run({ from: D1, to: D2 })).exitCode).toBe(0);
    await project.write(
      sales(
        [1, 'apple', 100, D1],
        [3, 'apple', 33, D2],
        [4, 'plum', 4, D2],
        [5, 'pear', 5, D3],
        [7, 'kiwi', 7, D4],
      ),
    );
    expect((await project.run()).exitCode).toBe(0);
    expect(await rows(project)).toEqual([
      { id: 1, item: 'apple', qty: 1, d: D1 },
      { id: 2, item: 'pear', qty: 2, d: D1 },
      { id: 3, item: 'apple', qty: 33, d: D2 },
      { id: 4, item: 'plum', qty: 4, d: D2 },
      { id: 5, item: 'pear', qty: 5, d: D3 },
      { id: 7, item: 'kiwi', qty: 7, d: D4 },
    ]);
  });

  it('--full-refresh rebuilds every date from the source', async () => {
    expect((await project.run({ from: D1, to: D3 })).exitCode).toBe(0);
    await project.write(sales([1, 'apple', 11, D1], [4, 'plum', 44, D2], [8, 'lime', 8, D4]));
    const refresh = await project.run({ date: D2, fullRefresh: true });
    expect(refresh.exitCode).toBe(0);
    expect(await rows(project)).toEqual([
      { id: 1, item: 'apple', qty: 11, d: D1 },
      { id: 4, item: 'plum', qty: 44, d: D2 },
      { id: 8, item: 'lime', qty: 8, d: D4 },
    ]);
    const fresh = await TestProject.create({
      ...sales([1, 'apple', 11, D1], [4, 'plum', 44, D2], [8, 'lime', 8, D4]),
      [FACT]: factModel(),
    });
    try {
      expect((await fresh.run()).exitCode).toBe(0);
      expect((await fresh.checksums())['warehouse.fact_sales']).toBe(
        (await project.checksums())['warehouse.fact_sales'],
      );
    } finally {
      await fresh.dispose();
    }
  });

  it('a changed column list fails with SCHEMA_CHANGED and the --full-refresh hint, keeping the table', async () => {
    expect((await project.run({ from: D1, to: D3 })).exitCode).toBe(0);
    const before = await project.checksums();
    await project.write({ [FACT]: factModel(', upper(item) as item_code') });

    const changed = await project.run({ date: D2 });
    expect(changed.exitCode).toBe(1);
    const task = changed.summary.tasks.find((t) => t.task === 'fact_sales');
    expect(task?.status).toBe('failed');
    expect(task?.error?.code).toBe('SCHEMA_CHANGED');
    expect(task?.error?.message).toContain('item_code');
    expect(task?.error?.hint).toContain('--full-refresh');
    expect(await project.checksums()).toEqual(before);
    const [audit] = await project.query(
      `select error_code, error_hint from audit.task_runs
       where run_id = '${changed.summary.runId}' and task_id = 'fact_sales'`,
    );
    expect(audit?.error_code).toBe('SCHEMA_CHANGED');
    expect(String(audit?.error_hint)).toContain('--full-refresh');

    const refreshed = await project.run({ fullRefresh: true, select: ['fact_sales+'] });
    expect(refreshed.exitCode).toBe(0);
    expect(await project.query('select id, item_code from warehouse.fact_sales order by id')).toEqual([
      { id: 1, item_code: 'APPLE' },
      { id: 2, item_code: 'PEAR' },
      { id: 3, item_code: 'APPLE' },
      { id: 4, item_code: 'PLUM' },
      { id: 5, item_code: 'PEAR' },
    ]);
  });
});
