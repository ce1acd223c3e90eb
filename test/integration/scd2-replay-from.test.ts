import { afterEach, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';

/**
 * An SCD2 model with a load_date_column sees {{ date_from }} as the date its replay starts from:
 * the run's first date, the newest date applied when the run names none, and every date when its
 * table is (re)built. A model that reads only the rows from {{ date_from }} on (so that a day's run
 * reads the day) must therefore build the same history as one that reads everything.
 */
const D1 = '2025-05-01';
const D2 = '2025-05-02';
const D3 = '2025-05-03';

const ROWS: Record<string, (string | number)[][]> = {
  [D1]: [
    [1, 'London', D1],
    [2, 'Paris', D1],
  ],
  [D2]: [
    [1, 'Leeds', D2],
    [2, 'Paris', D2],
    [3, 'Rome', D2],
  ],
  [D3]: [
    [1, 'Leeds', D3],
    [2, 'Lyon', D3],
  ],
};

const seedWith = (...dates: string[]) => ({
  'seeds/customers.csv': csv('customer_id,city,snapshot_date', ...dates.flatMap((d) => ROWS[d] ?? [])),
});

const dimModel = (where: string) => ({
  'models/warehouse/dim_customer.sql': model(
    { materialized: 'scd2', unique_key: 'customer_id', load_date_column: 'snapshot_date' },
    `select customer_id, city, cast(snapshot_date as date) as snapshot_date
     from {{ ref('customers') }}${where}`,
  ),
});

const FROM_START = `\n     where cast(snapshot_date as date) >= {{ date_from }}`;

describe('scd2: the SELECT sees the replay start as {{ date_from }}', () => {
  const projects: TestProject[] = [];
  const create = async (files: Record<string, string>) => {
    const project = await TestProject.create(files);
    projects.push(project);
    return project;
  };
  afterEach(async () => {
    await Promise.all(projects.splice(0).map((p) => p.dispose()));
  });

  const checksum = async (project: TestProject) => (await project.checksums())['warehouse.dim_customer'];

  async function expected(): Promise<string | undefined> {
    const project = await create({ ...seedWith(D1, D2, D3), ...dimModel('') });
    for (const date of [D1, D2, D3]) expect((await project.run({ date })).exitCode).toBe(0);
    return checksum(project);
  }

  it('a run without dates replays from the newest date applied', async () => {
    const want = await expected();
    const project = await create({ ...seedWith(D1), ...dimModel(FROM_START) });
    expect((await project.run({ date: D1 })).exitCode).toBe(0);
    await project.write(seedWith(D1, D2));
    expect((await project.run({ date: D2 })).exitCode).toBe(0);
    await project.write(seedWith(D1, D2, D3));
    expect((await project.run({})).exitCode).toBe(0);
    expect(await checksum(project)).toBe(want);
    expect((await project.run({})).exitCode).toBe(0);
    expect(await checksum(project)).toBe(want);
  });

  it('a first build, even for a later date, versions every date the model holds', async () => {
    const want = await expected();
    const project = await create({ ...seedWith(D1, D2, D3), ...dimModel(FROM_START) });
    expect((await project.run({ date: D3 })).exitCode).toBe(0);
    expect(await checksum(project)).toBe(want);
    const versions = await project.query(
      `select customer_id as id, city, is_current from warehouse.dim_customer order by customer_id, valid_from`,
    );
    expect(versions).toEqual([
      { id: 1, city: 'London', is_current: false },
      { id: 1, city: 'Leeds', is_current: true },
      { id: 2, city: 'Paris', is_current: false },
      { id: 2, city: 'Lyon', is_current: true },
      { id: 3, city: 'Rome', is_current: true },
    ]);
  });

  it('a full refresh after day runs gives the same table', async () => {
    const want = await expected();
    const project = await create({ ...seedWith(D1, D2, D3), ...dimModel(FROM_START) });
    for (const date of [D1, D2, D3]) expect((await project.run({ date })).exitCode).toBe(0);
    expect(await checksum(project)).toBe(want);
    expect((await project.run({ date: D3, fullRefresh: true })).exitCode).toBe(0);
    expect(await checksum(project)).toBe(want);
  });
});
