import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import type { RunEvent } from '../../src/runner/events.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

const D = '2025-06-15';

const taskStatuses = (summary: { tasks: { task: string; status: string }[] }) =>
  Object.fromEntries(summary.tasks.map((t) => [t.task, t.status]));

describe('a failing model', () => {
  let project: TestProject;
  let failedRunId: string;
  const BROKEN = `select n, cast(case when n = 2 then 'two' else cast(n as varchar) end as integer) as v,
                         {{ date_from }} as run_from, {{ date_to }} as run_to
                  from {{ ref('numbers') }}`;
  const FIXED = `select n, n as v, {{ date_from }} as run_from, {{ date_to }} as run_to from {{ ref('numbers') }}`;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/numbers.csv': csv('n', [1], [2], [3]),
      // numbers → broken → child (view) → grandchild;  numbers → independent → independent_child
      'models/warehouse/broken.sql': model({ materialized: 'table' }, BROKEN),
      'models/warehouse/child.sql': model({ materialized: 'view' }, `select * from {{ ref('broken') }}`),
      'models/marts/grandchild.sql': model(
        { materialized: 'table' },
        `select count(*) as rows, max(run_from) as run_from from {{ ref('child') }}`,
      ),
      'models/warehouse/independent.sql': model(
        { materialized: 'table' },
        `select sum(n) as total from {{ ref('numbers') }}`,
      ),
      'models/marts/independent_child.sql': model(
        { materialized: 'table' },
        `select total * 2 as doubled from {{ ref('independent') }}`,
      ),
    });
  });
  afterAll(() => project?.dispose());

  it('skips its descendants while an independent branch succeeds', async () => {
    const events: RunEvent[] = [];
    const { summary, exitCode } = await project.run({ date: D, onEvent: (e) => events.push(e) });
    failedRunId = summary.runId;
    expect(exitCode).toBe(1);
    expect(summary.status).toBe('failed');
    expect(taskStatuses(summary)).toEqual({
      numbers: 'success',
      broken: 'failed',
      child: 'skipped',
      grandchild: 'skipped',
      independent: 'success',
      independent_child: 'success',
    });
    const grandchild = summary.tasks.find((t) => t.task === 'grandchild');
    expect(grandchild?.error?.code).toBe('TASK_UPSTREAM_FAILED');
    expect(grandchild?.error?.hint).toContain('--resume');
    expect(summary.tasks.find((t) => t.task === 'broken')?.error?.code).toBe('SQL_FAILED');

    const tasks = await project.query(
      `select task_id, attempt, status, error_code from audit.task_runs
       where run_id = '${summary.runId}' order by task_id, attempt`,
    );
    expect(tasks).toEqual([
      { task_id: 'broken', attempt: 1, status: 'failed', error_code: 'SQL_FAILED' },
      { task_id: 'child', attempt: 1, status: 'skipped', error_code: 'TASK_UPSTREAM_FAILED' },
      { task_id: 'grandchild', attempt: 1, status: 'skipped', error_code: 'TASK_UPSTREAM_FAILED' },
      { task_id: 'independent', attempt: 1, status: 'success', error_code: null },
      { task_id: 'independent_child', attempt: 1, status: 'success', error_code: null },
      { task_id: 'numbers', attempt: 1, status: 'success', error_code: null },
    ]);
    const [run] = await project.query(
      `select status, tasks_total, tasks_succeeded, tasks_failed, tasks_skipped, error_code,
              cast(date_from as varchar) as date_from, cast(date_to as varchar) as date_to
       from audit.pipeline_runs where run_id = '${summary.runId}'`,
    );
    expect(run).toEqual({
      status: 'failed',
      tasks_total: 6,
      tasks_succeeded: 3,
      tasks_failed: 1,
      tasks_skipped: 2,
      error_code: 'SQL_FAILED',
      date_from: D,
      date_to: D,
    });
    expect(
      events
        .filter((e) => e.type === 'task_skipped')
        .map((e) => e.task)
        .sort(),
    ).toEqual(['child', 'grandchild']);
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'failed', failed: 1, skipped: 2 });
    const built = await withProject(project.options, (_p, e) => e.listTables());
    expect(built.map((t) => `${t.schema}.${t.name}`).filter((n) => !n.startsWith('audit.'))).toEqual([
      'marts.independent_child',
      'raw.numbers',
      'warehouse.independent',
    ]);
  });

  it('resume of an unknown run is refused with RUN_NOT_FOUND', async () => {
    await expect(project.run({ resume: 'r20000101T000000Z-000000' })).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
  });

  it('resume reruns only the failed and skipped tasks, with the original dates, after the fix', async () => {
    await project.write({ 'models/warehouse/broken.sql': model({ materialized: 'table' }, FIXED) });
    const independentBefore = (await project.checksums())['warehouse.independent'];
    const { summary, exitCode } = await project.run({ resume: failedRunId });
    expect(exitCode).toBe(0);
    expect(summary.resumedFrom).toBe(failedRunId);
    expect(summary.window).toEqual({ from: D, to: D });
    expect(taskStatuses(summary)).toEqual({ broken: 'success', child: 'success', grandchild: 'success' });

    const [run] = await project.query(
      `select status, resumed_from, cast(date_from as varchar) as date_from, cast(date_to as varchar) as date_to,
              tasks_total
       from audit.pipeline_runs where run_id = '${summary.runId}'`,
    );
    expect(run).toEqual({
      status: 'success',
      resumed_from: failedRunId,
      date_from: D,
      date_to: D,
      tasks_total: 3,
    });
    const attempted = await project.query(
      `select distinct task_id from audit.task_runs where run_id = '${summary.runId}' order by task_id`,
    );
    expect(attempted.map((r) => r.task_id)).toEqual(['broken', 'child', 'grandchild']);
    // the models saw the original run's dates
    expect(
      await project.query('select rows, cast(run_from as varchar) as run_from from marts.grandchild'),
    ).toEqual([{ rows: 3, run_from: D }]);
    expect((await project.checksums())['warehouse.independent']).toBe(independentBefore);
  });

  it('resuming a run with nothing left to do is refused', async () => {
    const [last] = await project.query(
      `select run_id from audit.pipeline_runs where resumed_from is not null order by started_at desc limit 1`,
    );
    await expect(project.run({ resume: String(last?.run_id) })).rejects.toMatchObject({
      code: 'RUN_NOTHING_TO_RESUME',
    });
  });
});

describe('a model past its timeout_seconds', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/numbers.csv': csv('n', [1], [2]),
      'models/warehouse/fast.sql': model({ materialized: 'table' }, `select n from {{ ref('numbers') }}`),
      // ~10 s of work on an idle machine; the timeout is 1 s (generate_series: both engines have it)
      'models/warehouse/slow.sql': model(
        { materialized: 'table', timeout_seconds: 1 },
        `select count(*) as n from generate_series(1, 1000000000) as a, generate_series(1, 100) as b,
           {{ ref('numbers') }} as c
         where c.n = 1`,
      ),
      'models/warehouse/after_slow.sql': model({ materialized: 'table' }, `select * from {{ ref('slow') }}`),
    });
  });
  afterAll(() => project?.dispose());

  it('fails promptly with TASK_TIMEOUT, leaves no table and is not retried', async () => {
    const started = Date.now();
    const { summary, exitCode } = await project.run();
    const elapsed = Date.now() - started;
    expect(exitCode).toBe(1);
    const slow = summary.tasks.find((t) => t.task === 'slow');
    expect(slow?.status).toBe('failed');
    expect(slow?.error?.code).toBe('TASK_TIMEOUT');
    expect(slow?.attempts).toBe(1);
    expect(taskStatuses(summary)).toMatchObject({ fast: 'success', after_slow: 'skipped' });
    expect(elapsed).toBeLessThan(5_000);

    const tables = await withProject(project.options, (_p, e) => e.listTables('warehouse'));
    expect(tables.map((t) => t.name)).toEqual(['fast']);
    const attempts = await project.query(
      `select status, error_code, duration_ms from audit.task_runs where task_id = 'slow'`,
    );
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'failed', error_code: 'TASK_TIMEOUT' });
    expect(Number(attempts[0]?.duration_ms)).toBeLessThan(4_000);
  });
});
