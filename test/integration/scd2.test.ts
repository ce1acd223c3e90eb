import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';

const D1 = '2025-05-01';
const D2 = '2025-05-02';
const D3 = '2025-05-03';
const D4 = '2025-05-04';

type Snapshot = (string | number)[];
/** Customer snapshots by load date: 1 moves London → Leeds → London, 2 only changes its (untracked) name. */
const SNAPSHOTS: Record<string, Snapshot[]> = {
  [D1]: [
    [1, 'Ada', 'London', D1],
    [2, 'Bob', 'Paris', D1],
  ],
  [D2]: [
    [1, 'Ada', 'Leeds', D2],
    [2, 'Bob', 'Paris', D2],
  ],
  [D3]: [
    [1, 'Ada', 'Leeds', D3],
    [2, 'Bobby', 'Paris', D3],
  ],
  [D4]: [
    [1, 'Ada', 'London', D4],
    [2, 'Bobby', 'Paris', D4],
  ],
};

const seedWith = (...dates: string[]) => ({
  'seeds/customers.csv': csv(
    'customer_id,name,city,snapshot_date',
    ...dates.flatMap((d) => SNAPSHOTS[d] ?? []),
  ),
});

const DIM = 'models/warehouse/dim_customer.sql';
const dimModel = (where = '') =>
  model(
    {
      materialized: 'scd2',
      unique_key: 'customer_id',
      tracked_columns: ['city'],
      load_date_column: 'snapshot_date',
    },
    `select customer_id, name, city, cast(snapshot_date as date) as snapshot_date
     from {{ ref('customers') }}${where}`,
  );

const versions = (project: TestProject, columns = 'name, city') =>
  project.query(`select customer_id as id, ${columns},
                        cast(cast(valid_from as date) as varchar) as valid_from,
                        cast(cast(valid_to as date) as varchar) as valid_to,
                        is_current, cast(strata_load_date as varchar) as loaded
                 from warehouse.dim_customer order by customer_id, valid_from`);

const dimChecksum = async (project: TestProject) => (await project.checksums())['warehouse.dim_customer'];

describe('scd2 versioning with a load_date_column, applied date by date', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({ ...seedWith(D1), [DIM]: dimModel() });
  });
  afterAll(() => project?.dispose());

  /** The snapshots up to `date` have arrived; run `date`. */
  const runDate = async (date: string) => {
    await project.write(seedWith(...[D1, D2, D3, D4].filter((d) => d <= date)));
    const result = await project.run({ date });
    expect(result.summary.tasks.filter((t) => t.status !== 'success')).toEqual([]);
  };

  it('first snapshot: one current version per key', async () => {
    await runDate(D1);
    expect(await versions(project)).toEqual([
      { id: 1, name: 'Ada', city: 'London', valid_from: D1, valid_to: null, is_current: true, loaded: D1 },
      { id: 2, name: 'Bob', city: 'Paris', valid_from: D1, valid_to: null, is_current: true, loaded: D1 },
    ]);
  });

  it('a tracked change opens a version and closes the old one at the new valid_from; no change, no version', async () => {
    await runDate(D2);
    expect(await versions(project)).toEqual([
      { id: 1, name: 'Ada', city: 'London', valid_from: D1, valid_to: D2, is_current: false, loaded: D1 },
      { id: 1, name: 'Ada', city: 'Leeds', valid_from: D2, valid_to: null, is_current: true, loaded: D2 },
      { id: 2, name: 'Bob', city: 'Paris', valid_from: D1, valid_to: null, is_current: true, loaded: D1 },
    ]);
    const [closed] = await project.query(
      `select count(*) as n from warehouse.dim_customer as old join warehouse.dim_customer as new
         on old.customer_id = new.customer_id and old.valid_to = new.valid_from`,
    );
    expect(closed?.n).toBe(1);
  });

  it('a change of an untracked column opens no version', async () => {
    await runDate(D3);
    expect(await versions(project)).toEqual([
      { id: 1, name: 'Ada', city: 'London', valid_from: D1, valid_to: D2, is_current: false, loaded: D1 },
      { id: 1, name: 'Ada', city: 'Leeds', valid_from: D2, valid_to: null, is_current: true, loaded: D2 },
      { id: 2, name: 'Bob', city: 'Paris', valid_from: D1, valid_to: null, is_current: true, loaded: D1 },
    ]);
  });

  it('changing back opens a third version', async () => {
    await runDate(D4);
    expect(await versions(project)).toEqual([
      { id: 1, name: 'Ada', city: 'London', valid_from: D1, valid_to: D2, is_current: false, loaded: D1 },
      { id: 1, name: 'Ada', city: 'Leeds', valid_from: D2, valid_to: D4, is_current: false, loaded: D2 },
      { id: 1, name: 'Ada', city: 'London', valid_from: D4, valid_to: null, is_current: true, loaded: D4 },
      { id: 2, name: 'Bob', city: 'Paris', valid_from: D1, valid_to: null, is_current: true, loaded: D1 },
    ]);
    const [keys] = await project.query(
      'select count(distinct customer_sk) as sks, count(*) as n from warehouse.dim_customer',
    );
    expect(keys).toEqual({ sks: 4, n: 4 });
  });

  it('rerunning the newest date, an earlier date, or no date gives the same table', async () => {
    const before = await dimChecksum(project);
    for (const request of [{ date: D4 }, { date: D4 }, { date: D2 }, { from: D1, to: D4 }, {}]) {
      const result = await project.run(request);
      expect(result.exitCode, JSON.stringify(request)).toBe(0);
      expect(await dimChecksum(project), JSON.stringify(request)).toBe(before);
    }
  });
});

describe('scd2 backfill out of order', () => {
  const projects: TestProject[] = [];
  const create = async (files: Record<string, string>) => {
    const project = await TestProject.create(files);
    projects.push(project);
    return project;
  };
  afterEach(async () => {
    await Promise.all(projects.splice(0).map((p) => p.dispose()));
  });

  async function inOrder(where = ''): Promise<string | undefined> {
    const project = await create({ ...seedWith(D1, D2, D3, D4), [DIM]: dimModel(where) });
    for (const date of [D1, D2, D3, D4]) expect((await project.run({ date })).exitCode).toBe(0);
    return dimChecksum(project);
  }

  /** D1; then D3 and D4 arrive and run D4 first, then D3; then D2 arrives late and is backfilled. */
  async function outOfOrder(where = ''): Promise<TestProject> {
    const project = await create({ ...seedWith(D1), [DIM]: dimModel(where) });
    expect((await project.run({ date: D1 })).exitCode).toBe(0);
    await project.write(seedWith(D1, D3, D4));
    expect((await project.run({ date: D4 })).exitCode).toBe(0);
    expect((await project.run({ date: D3 })).exitCode).toBe(0);
    await project.write(seedWith(D1, D2, D3, D4));
    expect((await project.run({ date: D2 })).exitCode).toBe(0);
    return project;
  }

  it('gives the same table as in-order runs', async () => {
    const expected = await inOrder();
    const project = await outOfOrder();
    expect(await dimChecksum(project)).toBe(expected);
    expect(await versions(project)).toHaveLength(4);
  });

  it('gives the same table when the model reads only the run dates ({{ date_from }}..{{ date_to }})', async () => {
    const where = `\n     where cast(snapshot_date as date) between {{ date_from }} and {{ date_to }}`;
    const expected = await inOrder(where);
    const project = await outOfOrder(where);
    expect(await dimChecksum(project)).toBe(expected);
  });
});

describe('scd2 without a load_date_column: the run date is the snapshot date', () => {
  let project: TestProject;
  const seed = (city: string) => ({ 'seeds/customers.csv': csv('customer_id,city', [1, city], [2, 'Rome']) });

  beforeAll(async () => {
    project = await TestProject.create({
      ...seed('London'),
      [DIM]: model(
        { materialized: 'scd2', unique_key: 'customer_id' },
        `select customer_id, city from {{ ref('customers') }}`,
      ),
    });
  });
  afterAll(() => project?.dispose());

  it('versions by run date, reruns the same date idempotently, refuses an earlier date', async () => {
    expect((await project.run({ date: D1 })).exitCode).toBe(0);
    await project.write(seed('Leeds'));
    expect((await project.run({ date: D2 })).exitCode).toBe(0);
    const before = await dimChecksum(project);
    expect((await project.run({ date: D2 })).exitCode).toBe(0);
    expect(await dimChecksum(project)).toBe(before);
    expect(await versions(project, 'city')).toEqual([
      { id: 1, city: 'London', valid_from: D1, valid_to: D2, is_current: false, loaded: D1 },
      { id: 1, city: 'Leeds', valid_from: D2, valid_to: null, is_current: true, loaded: D2 },
      { id: 2, city: 'Rome', valid_from: D1, valid_to: null, is_current: true, loaded: D1 },
    ]);

    const earlier = await project.run({ date: D1 });
    expect(earlier.exitCode).toBe(1);
    expect(earlier.summary.tasks.find((t) => t.task === 'dim_customer')?.error?.code).toBe(
      'SCD2_OUT_OF_ORDER',
    );
    expect(await dimChecksum(project)).toBe(before);
  });
});
