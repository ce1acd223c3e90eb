import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';
import { cli } from './in-process.ts';

// `strata check`, and the checks in `strata run`'s report and `strata runs --run`, as text and JSON.
describe('checks on the command line', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/raw_orders.csv': csv('order_id,amount', [1, 5], [2, -7], [3, 9]),
      'models/fact_orders.sql': model(
        {
          materialized: 'table',
          checks: [
            { expression: 'amount >= 0', name: 'no_negative_amounts' },
            { unique: 'order_id', severity: 'warn' },
          ],
        },
        "select * from {{ ref('raw_orders') }}",
      ),
      'models/order_totals.sql': model(
        { materialized: 'table' },
        "select sum(amount) as total from {{ ref('fact_orders') }}",
      ),
    });
  });
  afterAll(() => project?.dispose());

  it('run reports the failing check with a sample of its rows, and exits 1', async () => {
    const run = await cli(['run', '--project', project.dir], { env: project.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ fail fact_orders:no_negative_amounts: 1 of 3 rows failing/);
    expect(run.stdout).toMatch(/^Checks: 2 checks: 1 passed, 1 failed$/m);
    expect(run.stdout).toMatch(/^ {2}fact_orders:no_negative_amounts +error +fail +1 +3/m);
    expect(run.stdout).toContain('{"order_id":2,"amount":-7}');
    expect(run.stdout).toMatch(/^order_totals +table +skipped/m);
  });

  it('check runs the checks alone: a table, the same sample, exit 1; --select narrows them', async () => {
    const result = await cli(['check', '--project', project.dir], { env: project.env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^CHECK +SEVERITY +STATUS +FAILING +CHECKED +FAILS WHEN$/m);
    expect(result.stdout).toMatch(/^fact_orders:no_negative_amounts +error +fail +1 +3 +> 0 rows$/m);
    expect(result.stdout).toContain('{"order_id":2,"amount":-7}');
    expect(result.stdout).toMatch(/2 checks: 1 passed, 1 failed in .* \(run r\S+\)\./);

    const json = await cli(['check', '--project', project.dir, '--format', 'json'], { env: project.env });
    const summary = JSON.parse(json.stdout) as { checks: { checkId: string; status: string }[] };
    expect(summary.checks.map((c) => [c.checkId, c.status])).toEqual([
      ['fact_orders:no_negative_amounts', 'fail'],
      ['fact_orders:unique(order_id)', 'pass'],
    ]);

    const none = await cli(['check', '--project', project.dir, '--select', 'order_totals'], {
      env: project.env,
    });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No checks ran.');
  });

  it('runs --run shows a past run’s checks and records', async () => {
    const list = JSON.parse(
      (await cli(['runs', '--project', project.dir, '--format', 'json'], { env: project.env })).stdout,
    ) as {
      runId: string;
    }[];
    const first = list.at(-1)?.runId ?? '';
    const detail = await cli(['runs', '--project', project.dir, '--run', first], { env: project.env });
    expect(detail.code).toBe(0);
    expect(detail.stdout).toMatch(/^Checks: 2 checks: 1 passed, 1 failed$/m);
    expect(detail.stdout).toMatch(/^fact_orders:no_negative_amounts +error +fail +1 +3/m);
    expect(detail.stdout).toMatch(/^Alerts:\n {2}run_failed: /m);
  });
});
