import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrataError } from '../../src/errors/strata-error.ts';
import { type OtherProcess, holdProject } from '../helpers/other-process.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

/**
 * DuckDB's own behaviour: only one process may open a warehouse file, so another process holding
 * it keeps a run out with ENGINE_LOCKED (a server has no such lock: PostgreSQL's advisory run lock
 * is in concurrency.test.ts). The postgres test project excludes this file (vitest.config.ts).
 */
describe('DuckDB only: a warehouse file held open by another process', () => {
  let project: TestProject;
  let holder: OtherProcess | undefined;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/numbers.csv': csv('n', [1], [2], [3]),
      'models/warehouse/totals.sql': model(
        { materialized: 'table' },
        `select sum(n) as total from {{ ref('numbers') }}`,
      ),
      'models/warehouse/facts.sql': model(
        { materialized: 'incremental', load_date_column: 'd' },
        `select n, {{ date_to }} as d from {{ ref('numbers') }}`,
      ),
    });
    expect((await project.run({ date: '2025-07-01' })).exitCode).toBe(0);
  });
  afterAll(async () => {
    holder?.stop();
    await holder?.exited;
    await project?.dispose();
  });

  it('refuses a run with ENGINE_LOCKED naming the pid, and corrupts nothing', async () => {
    const before = await project.checksums();
    const runsBefore = await project.query('select run_id, status from audit.pipeline_runs order by run_id');
    holder = await holdProject(project.dir, 2_500, project.env);

    const refusal = await project.run({ date: '2025-07-02' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StrataError);
    expect(refusal).toMatchObject({ code: 'ENGINE_LOCKED' });
    expect((refusal as StrataError).message).toContain(`pid ${holder.pid}`);
    expect((refusal as StrataError).hint).toBeTruthy();

    expect(await holder.exited).toBe(0);
    expect(await project.checksums()).toEqual(before);
    expect(await project.query('select run_id, status from audit.pipeline_runs order by run_id')).toEqual(
      runsBefore,
    );
    // once the other process has gone, runs work again
    expect((await project.run({ date: '2025-07-02' })).exitCode).toBe(0);
  });

  it('refuses --resume with dates as USAGE, not ENGINE_LOCKED, while the other process holds it', async () => {
    const runsBefore = await project.query('select run_id, status from audit.pipeline_runs order by run_id');
    holder = await holdProject(project.dir, 2_500, project.env);
    const refusal = await project
      .run({ resume: String(runsBefore[0]?.run_id), date: '2025-07-03' })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StrataError);
    expect(refusal).toMatchObject({ code: 'USAGE' });
    expect(await holder.exited).toBe(0);
    expect(await project.query('select run_id, status from audit.pipeline_runs order by run_id')).toEqual(
      runsBefore,
    );
  });
});
