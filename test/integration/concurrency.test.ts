import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import type { RunResponse } from '../../src/api/run.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { runPipeline } from '../../src/runner/run-pipeline.ts';
import { type OtherProcess, runProjectElsewhere } from '../helpers/other-process.ts';
import { TestProject, csv, model } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';

/**
 * Runs on both engines. Slow SQL differs (DuckDB computes, PostgreSQL sleeps), and so does what
 * keeps another process out: DuckDB's file lock (ENGINE_LOCKED, file-lock.duckdb.test.ts),
 * PostgreSQL's advisory run lock (RUN_LOCKED, the warehouse stays open to readers: below).
 */
const onPostgres = testEngine() === 'postgres';
/** About a second of work. */
const BUSY = onPostgres
  ? `select count(*) as n from {{ ref('numbers') }} as c, (select pg_sleep(1)) as s where c.n = 1`
  : `select count(*) as n from range(1000000000) as a, range(10) as b, {{ ref('numbers') }} as c
         where c.n = 1`;

describe('one warehouse, one run at a time', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/numbers.csv': csv('n', [1], [2], [3]),
      'models/warehouse/totals.sql': model(
        { materialized: 'table' },
        `select sum(n) as total from {{ ref('numbers') }}`,
      ),
      // about a second of work, so the first run is still going when the second one starts
      'models/warehouse/busy.sql': model({ materialized: 'table' }, BUSY),
    });
    expect((await project.run({ select: ['numbers', 'totals'] })).exitCode).toBe(0);
  });
  afterAll(() => project?.dispose());

  it('a second run in the same process is refused with RUN_LOCKED while the first completes', async () => {
    const order: string[] = [];
    let second: Promise<unknown> | undefined;
    let startedSecond!: () => void;
    const secondStarted = new Promise<void>((resolve) => (startedSecond = resolve));
    const first = project
      .run({
        onEvent: (event) => {
          // the first run holds the lock from before run_started until after run_finished
          if (event.type === 'task_started' && event.task === 'busy' && !second) {
            second = project.run().then(
              () => order.push('second succeeded'),
              (error: unknown) => {
                order.push('second refused');
                throw error;
              },
            );
            startedSecond();
          }
        },
      })
      .then((result: RunResponse) => {
        order.push('first finished');
        return result;
      });
    await secondStarted;
    const refusal = await second?.catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StrataError);
    expect(refusal).toMatchObject({ code: 'RUN_LOCKED' });
    const { exitCode, summary } = await first;
    expect(exitCode).toBe(0);
    // numbers and totals were built before and did not change: skipped-unchanged
    expect(summary.tasks.map((t) => [t.task, t.status, t.error?.code ?? null])).toEqual([
      ['numbers', 'skipped', 'TASK_UNCHANGED'],
      ['busy', 'success', null],
      ['totals', 'skipped', 'TASK_UNCHANGED'],
    ]);
    expect(order).toEqual(['second refused', 'first finished']);
    // the refused run left no trace; the lock is free again
    const runs = await project.query(`select status from audit.pipeline_runs order by started_at`);
    expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
    expect((await project.run({ select: ['totals'] })).exitCode).toBe(0);
  });
});

describe('options refused before the run lock', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/numbers.csv': csv('n', [1], [2], [3]),
      'models/warehouse/totals.sql': model(
        { materialized: 'table' },
        `select sum(n) as total from {{ ref('numbers') }}`,
      ),
    });
    expect((await project.run()).exitCode).toBe(0);
  });
  afterAll(() => project?.dispose());

  it('an invalid --resume gets its own error while another holder has the lock, and touches nothing', async () => {
    const runsBefore = await project.query('select run_id, status from audit.pipeline_runs order by run_id');
    const [earlier] = runsBefore;
    await withProject(project.options, async (loaded, engine) => {
      const lock = await engine.acquireRunLock();
      try {
        // --resume with --select or dates is refused as itself, not as RUN_LOCKED
        for (const forbidden of [{ select: ['totals'] }, { window: { from: '2025-07-01' } }]) {
          const refusal = await runPipeline(loaded, engine, {
            resume: String(earlier?.run_id),
            ...forbidden,
          }).catch((error: unknown) => error);
          expect(refusal).toBeInstanceOf(StrataError);
          expect(refusal).toMatchObject({ code: 'USAGE' });
        }
        // the same --resume alone gets as far as the lock, which is still held
        const locked = await runPipeline(loaded, engine, { resume: String(earlier?.run_id) }).catch(
          (error: unknown) => error,
        );
        expect(locked).toMatchObject({ code: 'RUN_LOCKED' });
      } finally {
        await lock.release();
      }
    });
    // no run was recorded and the lock is free: the refused runs never took it
    expect(await project.query('select run_id, status from audit.pipeline_runs order by run_id')).toEqual(
      runsBefore,
    );
    expect((await project.run({ select: ['totals'] })).exitCode).toBe(0);
  });
});

describe('a run whose process is killed part-way through', () => {
  let project: TestProject;
  let runner: OtherProcess | undefined;
  const FAST = `select n, n * 10 as v from {{ ref('numbers') }}`;
  // the same columns, but seconds of work: the process is killed while it builds (a PostgreSQL
  // backend notices its client has gone only when the sleep ends, so it sleeps briefly)
  const SLOW = onPostgres
    ? `select n, n * 10 + (select count(*) from (select pg_sleep(3)) as s) * 0 as v from {{ ref('numbers') }}`
    : `select n, n * 10 + (select count(*) from range(1000000000) as a, range(100) as b) * 0 as v
                from {{ ref('numbers') }}`;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/numbers.csv': csv('n', [1], [2], [3]),
      'models/warehouse/values.sql': model({ materialized: 'table' }, FAST),
      'models/warehouse/facts.sql': model(
        { materialized: 'incremental', load_date_column: 'd' },
        `select n, date '2025-07-01' + cast(n as integer) as d from {{ ref('numbers') }}`,
      ),
    });
    expect((await project.run()).exitCode).toBe(0);
  });
  afterAll(async () => {
    runner?.stop('SIGKILL');
    await runner?.exited;
    await project?.dispose();
  });

  it('leaves the previous tables intact, and the next run records it as abandoned', async () => {
    const before = await project.checksums();
    await project.write({ 'models/warehouse/values.sql': model({ materialized: 'table' }, SLOW) });
    runner = await runProjectElsewhere(project.dir, /building values/, project.env);
    const killedRunId = /started (\S+)/.exec(runner.match.input)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 300)); // well into the CREATE TABLE
    runner.stop('SIGKILL');
    expect(await runner.exited).toBeNull();

    expect(await project.checksums()).toEqual(before);
    await project.write({ 'models/warehouse/values.sql': model({ materialized: 'table' }, FAST) });
    const next = await project.run();
    expect(next.exitCode).toBe(0);
    expect(await project.checksums()).toEqual(before);
    const [killed] = await project.query(
      `select status, error_code from audit.pipeline_runs where run_id = '${killedRunId}'`,
    );
    expect(killed).toEqual({ status: 'abandoned', error_code: 'RUN_ABANDONED' });
    const tasks = await project.query(
      `select task_id, status, error_code from audit.task_runs where run_id = '${killedRunId}' and task_id = 'values'`,
    );
    expect(tasks).toEqual([{ task_id: 'values', status: 'failed', error_code: 'RUN_ABANDONED' }]);
  });
});

describe.runIf(onPostgres)('PostgreSQL only: a warehouse another process is running on', () => {
  let project: TestProject;
  let runner: OtherProcess | undefined;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/numbers.csv': csv('n', [1], [2], [3]),
      'models/warehouse/totals.sql': model(
        { materialized: 'table' },
        `select sum(n) as total from {{ ref('numbers') }}`,
      ),
    });
    expect((await project.run()).exitCode).toBe(0);
  });
  afterAll(async () => {
    runner?.stop('SIGKILL');
    await runner?.exited;
    await project?.dispose();
  });

  it('refuses a second run with RUN_LOCKED while readers still read, and runs once the first has finished', async () => {
    const before = await project.checksums();
    await project.write({
      'models/warehouse/slow.sql': model(
        { materialized: 'table' },
        `select count(*) as n from {{ ref('numbers') }} as c, (select pg_sleep(2)) as s`,
      ),
    });
    runner = await runProjectElsewhere(project.dir, /building slow/, project.env);
    const refusal = await project.run({ select: ['totals'] }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StrataError);
    expect(refusal).toMatchObject({ code: 'RUN_LOCKED' });
    expect((refusal as StrataError).hint).toBeTruthy();
    // the warehouse is a server: reading it while the other run writes is fine
    expect(await project.query('select total from warehouse.totals')).toEqual([{ total: 6 }]);
    expect(await runner.exited).toBe(0);
    const after = await project.checksums();
    expect(after['warehouse.totals']).toBe(before['warehouse.totals']);
    expect((await project.run({ select: ['totals'] })).exitCode).toBe(0);
    const runs = await project.query('select status from audit.pipeline_runs order by started_at');
    expect(runs.map((r) => r.status)).toEqual(['success', 'success', 'success']);
  });
});
