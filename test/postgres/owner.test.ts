import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LongProcess, startStrata } from '../cli/long-process.ts';
import { explain, strata } from '../cli/strata-process.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

/**
 * On PostgreSQL the database server is the warehouse's owner: `strata serve` writes no owner file,
 * and the CLI of another shell opens the warehouse itself, run included, while the server serves.
 */
describe('strata serve on PostgreSQL', () => {
  let project: TestProject;
  let server: LongProcess;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/items.csv': csv('item,amount', ['a', 5], ['b', 7]),
      'models/item_totals.sql': model(
        { materialized: 'table' },
        "select item, sum(amount) as total from {{ ref('items') }} group by item",
      ),
    });
    server = startStrata(['serve', '--port', '0', '--project', project.dir], {
      cwd: project.dir,
      env: project.env,
    });
    await server.waitFor(/Dashboards: http:\/\/127\.0\.0\.1:\d+\//, 'stdout');
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await project?.dispose();
  });

  it('writes no owner file, and run and query from another shell open the warehouse themselves', async () => {
    await expect(stat(join(project.dir, '.strata'))).rejects.toThrow(/ENOENT/);
    const options = { cwd: project.dir, env: project.env };
    const run = await strata(['--project', project.dir, 'run'], options);
    expect(run.code, explain(run)).toBe(0);
    const query = await strata(
      [
        '--project',
        project.dir,
        'query',
        'SELECT item, total FROM warehouse.item_totals ORDER BY item',
        '--format',
        'csv',
      ],
      options,
    );
    expect(query.code, explain(query)).toBe(0);
    expect(query.stdout).toBe('item,total\na,5\nb,7\n');
    expect(query.stderr).not.toMatch(/carried out by/);
  });
});
