import { afterEach, describe, expect, it } from 'vitest';
import { getRun } from '../../src/api/runs.ts';
import type { RunResponse } from '../../src/api/run.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

/**
 * A task whose definition and inputs did not change since a build that covered the run's dates is
 * skipped-unchanged (TASK_UNCHANGED): recorded as skipped, its downstream goes on.
 */
const EVENTS = csv(
  'id,account,value,load_date',
  [1, 'a', 10, '2025-03-01'],
  [2, 'b', 20, '2025-03-01'],
  [3, 'a', 30, '2025-03-02'],
  [3, 'c', 40, '2025-03-02'], // a duplicate id on the second day: fact_by_id fails there
);

const FACT = `select id, account, value, cast(load_date as date) as load_date from {{ ref('stg_events') }}
  where cast(load_date as date) between {{ date_from }} and {{ date_to }}`;

function files(fact = FACT) {
  return {
    'seeds/events.csv': EVENTS,
    'models/staging/stg_events.sql': model({ materialized: 'view' }, `select * from {{ ref('events') }}`),
    'models/warehouse/fact_events.sql': model(
      {
        materialized: 'incremental',
        load_date_column: 'load_date',
        checks: [{ not_null: 'account' }],
      },
      fact,
    ),
    'models/warehouse/fact_by_id.sql': model(
      { materialized: 'upsert', unique_key: 'id', load_date_column: 'load_date' },
      `select * from {{ ref('fact_events') }} where load_date between {{ date_from }} and {{ date_to }}`,
    ),
    'models/marts/totals.sql': model(
      { materialized: 'table' },
      `select account, sum(value) as total from {{ ref('fact_events') }} group by account`,
    ),
  };
}

/** task:status, with the code of a skip. */
function statuses(response: RunResponse): string[] {
  return response.summary.tasks
    .map((t) => `${t.task}:${t.status}${t.status === 'skipped' ? `:${t.error?.code}` : ''}`)
    .sort();
}

describe('tasks whose inputs did not change are skipped-unchanged', () => {
  let project: TestProject | undefined;
  afterEach(() => project?.dispose());

  it('the same day twice: the second run skips every task, and the tables are identical', async () => {
    project = await TestProject.create(files());
    const first = await project.run({ date: '2025-03-01' });
    expect(first.exitCode).toBe(0);
    const before = await project.checksums();
    const second = await project.run({ date: '2025-03-01' });
    expect(second.exitCode).toBe(0);
    expect(second.summary.status).toBe('success');
    expect(statuses(second)).toEqual([
      'events:skipped:TASK_UNCHANGED',
      'fact_by_id:skipped:TASK_UNCHANGED',
      'fact_events:checks:skipped:TASK_UNCHANGED',
      'fact_events:skipped:TASK_UNCHANGED',
      'stg_events:skipped:TASK_UNCHANGED',
      'totals:skipped:TASK_UNCHANGED',
    ]);
    expect(await project.checksums()).toEqual(before);

    // audit.task_runs: skipped, with the code and the run it was unchanged since
    const detail = await getRun({ ...project.options, runId: second.summary.runId });
    const fact = detail.tasks.find((t) => t.task === 'fact_events');
    expect(fact).toMatchObject({
      status: 'skipped',
      errorCode: 'TASK_UNCHANGED',
      error: `unchanged: inputs unchanged since run ${first.summary.runId}`,
    });

    // a new day is not covered by the first: the dated models run, the seed (no dates) does not
    const next = await project.run({ date: '2025-03-02' });
    expect(statuses(next)).toEqual(
      expect.arrayContaining(['events:skipped:TASK_UNCHANGED', 'fact_events:success']),
    );

    // a full refresh skips nothing (fact_by_id fails: every date holds the duplicate)
    const full = await project.run({ date: '2025-03-01', fullRefresh: true });
    expect(statuses(full).filter((s) => s.endsWith('TASK_UNCHANGED'))).toEqual([]);
  });

  it('an edited model is built again with its downstream; --select of a node alone still works', async () => {
    project = await TestProject.create(files());
    expect((await project.run({ date: '2025-03-01' })).exitCode).toBe(0);
    await project.write(files(`${FACT}\n  and value > 10`));
    const edited = await project.run({ date: '2025-03-01' });
    expect(edited.exitCode).toBe(0);
    expect(statuses(edited)).toEqual([
      'events:skipped:TASK_UNCHANGED',
      'fact_by_id:success',
      'fact_events:checks:success',
      'fact_events:success',
      'stg_events:skipped:TASK_UNCHANGED',
      'totals:success',
    ]);
    expect(await project.query('select account, total from marts.totals order by account')).toEqual([
      { account: 'b', total: 20 },
    ]);

    const alone = await project.run({ date: '2025-03-01', select: ['totals'] });
    expect(statuses(alone)).toEqual(['totals:skipped:TASK_UNCHANGED']);
    await project.write({
      'models/marts/totals.sql': model(
        { materialized: 'table' },
        `select account, sum(value) * 2 as total from {{ ref('fact_events') }} group by account`,
      ),
    });
    const rebuilt = await project.run({ date: '2025-03-01', select: ['totals'] });
    expect(statuses(rebuilt)).toEqual(['totals:success']);
    expect(await project.query('select account, total from marts.totals order by account')).toEqual([
      { account: 'b', total: 40 },
    ]);
  });

  it('a gate runs again when its checks change, though its node is unchanged', async () => {
    const config = (column: string) =>
      `import { defineConfig } from 'strata';\n\nexport default defineConfig(${JSON.stringify({
        engine: { type: 'duckdb', path: 'warehouse.duckdb' },
        checks: { totals: [{ not_null: column }] },
      })});\n`;
    project = await TestProject.create(files(), { config: config('account') });
    expect((await project.run({ date: '2025-03-01' })).exitCode).toBe(0);
    const same = await project.run({ date: '2025-03-01' });
    expect(statuses(same)).toContain('totals:checks:skipped:TASK_UNCHANGED');
    await project.write({ 'strata.config.ts': config('total') });
    const changed = await project.run({ date: '2025-03-01' });
    expect(statuses(changed)).toEqual(
      expect.arrayContaining(['totals:skipped:TASK_UNCHANGED', 'totals:checks:success']),
    );
  });

  it('a failed model is not skipped next time: its dates were not covered; --resume does not rerun what was unchanged', async () => {
    project = await TestProject.create(files(), { run: { retries: 0 } });
    expect((await project.run({ date: '2025-03-01' })).exitCode).toBe(0);
    const failed = await project.run({ date: '2025-03-02' });
    expect(failed.exitCode).toBe(1);
    expect(statuses(failed)).toEqual([
      'events:skipped:TASK_UNCHANGED',
      'fact_by_id:failed',
      'fact_events:checks:success',
      'fact_events:success',
      'stg_events:skipped:TASK_UNCHANGED',
      'totals:success',
    ]);
    const again = await project.run({ date: '2025-03-02' });
    expect(statuses(again)).toEqual([
      'events:skipped:TASK_UNCHANGED',
      'fact_by_id:failed',
      'fact_events:checks:skipped:TASK_UNCHANGED',
      'fact_events:skipped:TASK_UNCHANGED',
      'stg_events:skipped:TASK_UNCHANGED',
      'totals:skipped:TASK_UNCHANGED',
    ]);
    // --resume runs only what failed: not what was skipped because it was unchanged
    const resumed = await project.run({ resume: again.summary.runId });
    expect(statuses(resumed)).toEqual(['fact_by_id:failed']);
  });
});
