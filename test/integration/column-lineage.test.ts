/**
 * Column lineage through the API: on a built warehouse, columns the engine names itself (an
 * expression without an alias) take the table's names, and a `*` over something the deriver
 * cannot list becomes the table's remaining columns, each saying why; before any build, a model's
 * `{{ this }}` is its own table not built yet (never its own lineage, which is being derived).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { modelColumnLineage, projectColumnLineage } from '../../src/api/column-lineage.ts';
import { withProject } from '../../src/api/open-project.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

async function builtProject(): Promise<TestProject> {
  project = await TestProject.create({
    'seeds/regions.csv': csv('country,region', ['US', 'Americas'], ['FR', 'Europe']),
    'models/labels.sql': model(
      { materialized: 'table' },
      `select country, region || '!' from {{ ref('regions') }}`,
    ),
    'models/wide.sql': model(
      { materialized: 'table' },
      `select * from {{ ref('labels') }} cross join generate_series(1, 2)`,
    ),
  });
  const response = await project.run();
  expect(response.exitCode).toBe(0);
  return project;
}

describe('column lineage through the API', () => {
  it('names an unaliased expression as the table does', async () => {
    const built = await builtProject();
    const { lineage, columns } = await withProject(built.options, async (loaded, engine) => ({
      lineage: await modelColumnLineage(loaded, engine, 'labels'),
      columns: await engine.listColumns(
        loaded.graph.tables.get('labels')?.target ?? { schema: '', name: '' },
      ),
    }));
    const names = columns.map((column) => column.name);
    expect(names).toHaveLength(2);
    expect(lineage).toEqual({
      model: 'labels',
      parseError: null,
      columns: [
        {
          column: 'country',
          derivation: 'copy',
          inputs: [{ node: 'regions', column: 'country' }],
          unresolved: null,
        },
        {
          column: names[1],
          derivation: 'transform',
          inputs: [{ node: 'regions', column: 'region' }],
          unresolved: null,
        },
      ],
    });
  });

  it('lists the columns a * could not name as the table has them, saying why, in DAG order', async () => {
    const built = await builtProject();
    const all = await withProject(built.options, (loaded, engine) => projectColumnLineage(loaded, engine));
    expect(all.map((entry) => entry.model)).toEqual(['labels', 'wide']);
    const wide = all[1]?.columns ?? [];
    // One hop: the columns of `labels`, which has its own lineage.
    const label = all[0]?.columns[1]?.column as string;
    expect(wide.slice(0, 2)).toEqual([
      {
        column: 'country',
        derivation: 'copy',
        inputs: [{ node: 'labels', column: 'country' }],
        unresolved: null,
      },
      { column: label, derivation: 'copy', inputs: [{ node: 'labels', column: label }], unresolved: null },
    ]);
    expect(wide.slice(2)).toEqual([
      {
        column: 'generate_series',
        derivation: null,
        inputs: [],
        unresolved:
          '`*` cannot be listed: the columns of table function `generate_series`, which the query does not name (add a column alias list)',
      },
    ]);
  });

  it('derives a model that reads its own table through {{ this }} before anything is built', async () => {
    project = await TestProject.create({
      'seeds/regions.csv': csv('country,region', ['US', 'Americas']),
      'models/seen.sql': model(
        { materialized: 'table' },
        `select r.country, (select count(*) from {{ this }} as s) as earlier_rows from {{ ref('regions') }} as r`,
      ),
    });
    const built = project;
    const [seen] = await withProject(built.options, (loaded, engine) => projectColumnLineage(loaded, engine));
    expect(seen).toEqual({
      model: 'seen',
      parseError: null,
      columns: [
        {
          column: 'country',
          derivation: null,
          inputs: [],
          unresolved:
            '`r.country` comes from `regions`, whose columns are not known: `regions` is not built yet, so its columns are not known',
        },
        {
          column: 'earlier_rows',
          derivation: 'aggregate',
          inputs: [],
          unresolved: null,
        },
      ],
    });
  });
});
