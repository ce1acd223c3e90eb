import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';
import { explain, strata } from './strata-process.ts';

/** `strata backfill` as a user runs it: progress per chunk, the summary, the resume command, usage errors. */
describe('strata backfill', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/events.csv': csv(
        'id,value,load_date',
        [1, 10, '2025-03-01'],
        [2, 20, '2025-03-02'],
        [3, 30, '2025-03-03'],
      ),
      'models/warehouse/facts.sql': model(
        { materialized: 'incremental', load_date_column: 'load_date' },
        // fails on 2025-03-02 until mended
        `select id, cast(load_date as date) as load_date,
           case when cast(load_date as date) = date '2025-03-02' then cast('x' || id as integer) else value end as value
         from {{ ref('events') }}`,
      ),
    });
  });
  afterAll(() => project?.dispose());

  it('stops at the failing chunk and prints how to resume; --resume finishes it', async () => {
    const first = await strata(
      ['backfill', '--project', project.dir, '--from', '2025-03-01', '--to', '2025-03-03'],
      {
        env: project.env,
      },
    );
    expect(first.code, explain(first)).toBe(1);
    expect(first.stderr).toMatch(/▶ chunk 1\/3 {2}2025-03-01/);
    expect(first.stderr).toMatch(/■ chunk 2\/3 {2}2025-03-02 {2}failed/);
    expect(first.stdout).toMatch(/Backfill b\S+ failed: 1 of 3 chunks succeeded/);
    const resume = /backfill --resume (b\S+) --project/.exec(first.stdout);
    expect(resume, first.stdout).not.toBeNull();

    const refused = await strata(['backfill', '--project', project.dir, '--resume', '--from', '2025-03-01'], {
      env: project.env,
    });
    expect(refused.code, explain(refused)).toBe(2);
    expect(refused.stderr).toMatch(/--resume cannot be combined with --from/);

    await project.write({
      'models/warehouse/facts.sql': model(
        { materialized: 'incremental', load_date_column: 'load_date' },
        `select id, cast(load_date as date) as load_date, value from {{ ref('events') }}`,
      ),
    });
    const resumed = await strata(['backfill', '--project', project.dir, '--resume', '--format', 'json'], {
      env: project.env,
    });
    expect(resumed.code, explain(resumed)).toBe(0);
    const body = JSON.parse(resumed.stdout) as {
      backfill: { backfillId: string; status: string };
      runs: unknown[];
    };
    expect(body.backfill).toMatchObject({ backfillId: resume?.[1], status: 'success' });
    expect(body.runs).toHaveLength(2);
    expect(await project.query('select count(*) as n from warehouse.facts')).toEqual([{ n: 3 }]);
  });

  it('refuses a reversed range and one too long, with a hint', async () => {
    const reversed = await strata([
      'backfill',
      '--project',
      project.dir,
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-01',
    ]);
    expect(reversed.code, explain(reversed)).toBe(2);
    expect(reversed.stderr).toMatch(/DATE_INVALID/);
    const long = await strata([
      'backfill',
      '--project',
      project.dir,
      '--from',
      '2000-01-01',
      '--to',
      '2025-01-01',
    ]);
    expect(long.code, explain(long)).toBe(2);
    expect(long.stderr).toMatch(/BACKFILL_RANGE_TOO_LONG[\s\S]*Backfill it in parts/);
  });
});
