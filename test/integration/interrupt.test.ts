import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';

/**
 * A run whose RunOptions.signal is aborted part-way: the running task is cancelled and rolled back,
 * nothing new starts, and the run and its tasks are recorded `interrupted` before run() returns.
 * Runs on both engines (slow SQL differs: DuckDB computes, PostgreSQL sleeps).
 */
const onPostgres = testEngine() === 'postgres';
const FAST = `select n, n * 10 as v from {{ ref('first') }}`;
const SLOW = onPostgres
  ? `select n, n * 10 + (select count(*) from (select pg_sleep(30)) as s) * 0 as v from {{ ref('first') }}`
  : `select n, n * 10 + (select count(*) from range(1000000000000) as a, range(100) as b) * 0 as v
       from {{ ref('first') }}`;

describe('a run interrupted through its signal', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create(
      {
        'seeds/numbers.csv': csv('n', [1], [2], [3]),
        'models/warehouse/first.sql': model({ materialized: 'table' }, `select n from {{ ref('numbers') }}`),
        'models/warehouse/slow.sql': model({ materialized: 'table' }, FAST),
        'models/warehouse/after.sql': model(
          { materialized: 'table' },
          `select sum(v) as total from {{ ref('slow') }}`,
        ),
      },
      { run: { concurrency: 1 } },
    );
    expect((await project.run()).exitCode).toBe(0);
  });
  afterAll(() => project?.dispose());

  it('cancels and rolls back the running task, starts nothing more, and records the run interrupted', async () => {
    const before = await project.checksums();
    await project.write({ 'models/warehouse/slow.sql': model({ materialized: 'table' }, SLOW) });
    const stop = new AbortController();
    const { summary, exitCode } = await project.run({
      signal: stop.signal,
      onEvent: (event) => {
        // well into the slow CREATE TABLE
        if (event.type === 'task_started' && event.task === 'slow')
          setTimeout(() => stop.abort('SIGTERM'), 300);
      },
    });
    expect(exitCode).toBe(130);
    expect(summary.status).toBe('interrupted');
    // numbers and first did not change since the first run: skipped-unchanged
    expect(summary.tasks.map((t) => [t.task, t.status, t.error?.code ?? null])).toEqual([
      ['numbers', 'skipped', 'TASK_UNCHANGED'],
      ['first', 'skipped', 'TASK_UNCHANGED'],
      ['slow', 'interrupted', 'RUN_INTERRUPTED'],
      ['after', 'skipped', 'RUN_INTERRUPTED'],
    ]);
    // the audit says so already: the run and every task row, none left running
    const [run] = await project.query(
      `select status, error_code, error_message, finished_at is not null as finished, tasks_total
         from audit.pipeline_runs where run_id = '${summary.runId}'`,
    );
    expect(run).toMatchObject({ status: 'interrupted', error_code: 'RUN_INTERRUPTED', finished: true });
    expect(String(run?.error_message)).toMatch(/by SIGTERM/);
    const tasks = await project.query(
      `select task_id, status, error_code from audit.task_runs where run_id = '${summary.runId}' order by task_id`,
    );
    expect(tasks).toEqual([
      { task_id: 'after', status: 'skipped', error_code: 'RUN_INTERRUPTED' },
      { task_id: 'first', status: 'skipped', error_code: 'TASK_UNCHANGED' },
      { task_id: 'numbers', status: 'skipped', error_code: 'TASK_UNCHANGED' },
      { task_id: 'slow', status: 'interrupted', error_code: 'RUN_INTERRUPTED' },
    ]);
    // the cancelled task left its table as before the run (so did every other: same data)
    expect(await project.checksums()).toEqual(before);

    // --resume runs what was interrupted or skipped, and the warehouse is what a clean run makes
    await project.write({ 'models/warehouse/slow.sql': model({ materialized: 'table' }, FAST) });
    const resumed = await project.run({ resume: summary.runId });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.summary.tasks.map((t) => t.task)).toEqual(['slow', 'after']);
    expect(await project.checksums()).toEqual(before);
  });

  it('refuses to start when the signal is already aborted, and records nothing', async () => {
    const runs = await project.query('select count(*) as n from audit.pipeline_runs');
    const stop = new AbortController();
    stop.abort('SIGINT');
    await expect(project.run({ signal: stop.signal })).rejects.toMatchObject({ code: 'RUN_INTERRUPTED' });
    expect(await project.query('select count(*) as n from audit.pipeline_runs')).toEqual(runs);
  });
});
