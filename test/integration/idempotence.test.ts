import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initProject } from '../../src/api/init.ts';
import { run } from '../../src/api/run.ts';
import { TestProject, checksums, csv, model, testEnvironment } from '../helpers/project.ts';

const MODELS = [
  'models/staging/stg_events.sql',
  'models/warehouse/fact_events.sql',
  'models/warehouse/account_totals.sql',
  'models/warehouse/dim_account.sql',
  'models/warehouse/dim_account_daily.sql',
  'models/marts/daily_value.sql',
];

describe('running the same dates again gives the same warehouse', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/events.csv': csv(
        'id,account,value,load_date',
        [1, 'a', 10, '2025-03-01'],
        [2, 'b', 20, '2025-03-01'],
        [3, 'a', 30, '2025-03-02'],
        [4, 'c', 40, '2025-03-02'],
        [5, 'b', 50, '2025-03-03'],
      ),
      'seeds/accounts.csv': csv(
        'account,plan,snapshot_date',
        ['a', 'free', '2025-03-01'],
        ['b', 'free', '2025-03-01'],
        ['a', 'pro', '2025-03-02'],
        ['b', 'free', '2025-03-02'],
        ['c', 'team', '2025-03-02'],
        ['a', 'pro', '2025-03-03'],
        ['b', 'pro', '2025-03-03'],
        ['c', 'team', '2025-03-03'],
      ),
      'models/staging/stg_events.sql': model(
        { materialized: 'view' },
        `select id, account, value, cast(load_date as date) as load_date from {{ ref('events') }}`,
      ),
      'models/warehouse/fact_events.sql': model(
        { materialized: 'incremental', load_date_column: 'load_date' },
        `select * from {{ ref('stg_events') }}`,
      ),
      'models/warehouse/account_totals.sql': model(
        { materialized: 'upsert', unique_key: 'account', load_date_column: 'load_date' },
        `select account, sum(value) as total, max(load_date) as load_date
         from {{ ref('stg_events') }} group by account`,
      ),
      'models/warehouse/dim_account.sql': model(
        { materialized: 'scd2', unique_key: 'account', load_date_column: 'snapshot_date' },
        `select account, plan, cast(snapshot_date as date) as snapshot_date from {{ ref('accounts') }}`,
      ),
      'models/warehouse/dim_account_daily.sql': model(
        { materialized: 'scd2', unique_key: 'account', tracked_columns: ['plan'] },
        `select account, plan from {{ ref('accounts') }}
         where cast(snapshot_date as date) = {{ date_to }}`,
      ),
      'models/marts/daily_value.sql': model(
        { materialized: 'table' },
        `select load_date, sum(value) as value from {{ ref('fact_events') }} group by load_date`,
      ),
    });
    for (const date of ['2025-03-01', '2025-03-02', '2025-03-03']) {
      expect((await project.run({ date })).exitCode).toBe(0);
    }
  });

  afterAll(() => project?.dispose());

  /**
   * Every model's SQL gains a comment: its definition changes, not what it builds, so the next run
   * builds every model again instead of skipping it as unchanged (what is tested here is that a
   * rebuild of the same dates gives the same warehouse).
   */
  let revision = 0;
  async function touchModels(): Promise<void> {
    revision += 1;
    const files = await Promise.all(
      MODELS.map(async (path) => [
        path,
        `${await readFile(join(project.dir, path), 'utf8')}-- revision ${revision}\n`,
      ]),
    );
    await project.write(Object.fromEntries(files));
  }

  it('--date D twice: identical checksums for every table and view', async () => {
    await touchModels();
    const first = await checksumsAfter(() => project.run({ date: '2025-03-03' }));
    await touchModels();
    const second = await checksumsAfter(() => project.run({ date: '2025-03-03' }));
    // and a third time without a change: every task is skipped, nothing moves
    const third = await project.run({ date: '2025-03-03' });
    expect(third.summary.tasks.every((t) => t.error?.code === 'TASK_UNCHANGED')).toBe(true);
    expect(await project.checksums()).toEqual(first);
    expect(Object.keys(first).sort()).toEqual([
      'marts.daily_value',
      'raw.accounts',
      'raw.events',
      'staging.stg_events',
      'warehouse.account_totals',
      'warehouse.dim_account',
      'warehouse.dim_account_daily',
      'warehouse.fact_events',
    ]);
    expect(second).toEqual(first);
  });

  it('rerunning an earlier date, or a run without dates, changes nothing either', async () => {
    const before = await project.checksums();
    // dim_account_daily snapshots "the run date" without a load-date column: it cannot replay the
    // past (SCD2_OUT_OF_ORDER), so the earlier date is rerun for everything else; the seeds' files
    // did not change (skipped-unchanged), the models are built again (their SQL gained a comment)
    await touchModels();
    const earlier = await project.run({ date: '2025-03-02', select: ['events+', '+dim_account'] });
    expect(earlier.summary.tasks.map((t) => `${t.task}:${t.status}`).sort()).toEqual([
      'account_totals:success',
      'accounts:skipped',
      'daily_value:success',
      'dim_account:success',
      'events:skipped',
      'fact_events:success',
      'stg_events:success',
    ]);
    expect(await project.checksums()).toEqual(before);
    await touchModels();
    expect((await project.run({ from: '2025-03-01', to: '2025-03-03' })).exitCode).toBe(0);
    await touchModels();
    expect((await project.run({ date: '2025-03-03' })).exitCode).toBe(0);
    expect(await project.checksums()).toEqual(before);
  });

  async function checksumsAfter(action: () => Promise<{ exitCode: number }>) {
    expect((await action()).exitCode).toBe(0);
    return project.checksums();
  }
});

describe('the starter template', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-starter-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs twice to identical checksums', async () => {
    const { root } = await initProject(join(dir, 'shop'));
    const { env, dispose } = await testEnvironment();
    try {
      const first = await run({ projectDir: root, env });
      expect(first.summary.tasks.filter((t) => t.status !== 'success')).toEqual([]);
      const before = await checksums(root, env);
      expect(Object.keys(before)).toHaveLength(8);
      const second = await run({ projectDir: root, env });
      expect(second.exitCode).toBe(0);
      expect(await checksums(root, env)).toEqual(before);
    } finally {
      await dispose();
    }
  });
});
