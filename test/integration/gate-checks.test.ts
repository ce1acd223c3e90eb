import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/api/runs.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

/**
 * A gate counts all its checks in one statement (checks/run-check.ts `runChecks`), yet every check
 * keeps its own result; a check whose SQL cannot run ends `error` alone, the others as they are.
 */
describe("a gate's checks, counted together", () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/people_raw.csv': csv(
        'id,name,age',
        [1, 'Ann', 30],
        [2, '', 40],
        [2, 'Bob', 200],
        [3, 'Cid', 20],
      ),
      'models/warehouse/people.sql': model(
        {
          materialized: 'table',
          checks: [
            { not_null: 'name', severity: 'warn' },
            { unique: 'id', severity: 'warn' },
            { range: { column: 'age', min: 0, max: 120 }, severity: 'warn' },
            { expression: 'age >= 18' },
          ],
        },
        `select id, nullif(name, '') as name, age from {{ ref('people_raw') }}`,
      ),
    });
  });
  afterAll(() => project?.dispose());

  it('records each check with its own counts and sample', async () => {
    const { summary, exitCode } = await project.run();
    expect(exitCode).toBe(0);
    const detail = await getRun({ ...project.options, runId: summary.runId });
    const results = Object.fromEntries(
      detail.checks.map((c) => [c.checkId, [c.status, c.failingRows, c.checkedRows, c.sample.length]]),
    );
    expect(results).toEqual({
      'people:not_null(name)': ['warn', 1, 4, 1],
      'people:unique(id)': ['warn', 1, null, 1],
      'people:range(age)': ['warn', 1, 4, 1],
      'people:expression(age >= 18)': ['pass', 0, 4, 0],
    });
  });

  it('a check that cannot run is an error alone', async () => {
    await project.write({
      'models/warehouse/people.sql': model(
        {
          materialized: 'table',
          checks: [
            { not_null: 'name', severity: 'warn' },
            { sql: 'select * from {{ this }} where no_such_column > 1', severity: 'warn', name: 'broken' },
            { expression: 'age >= 18' },
          ],
        },
        `select id, nullif(name, '') as name, age from {{ ref('people_raw') }}`,
      ),
    });
    const { summary, exitCode } = await project.run();
    expect(exitCode).toBe(0);
    const detail = await getRun({ ...project.options, runId: summary.runId });
    const results = Object.fromEntries(detail.checks.map((c) => [c.checkId, [c.status, c.failingRows]]));
    expect(results).toEqual({
      'people:not_null(name)': ['warn', 1],
      'people:broken': ['error', null],
      'people:expression(age >= 18)': ['pass', 0],
    });
  });
});
