import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initProject } from '../../src/index.ts';
import { testEnvironment } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';
import { explain, strata, tempDir } from './strata-process.ts';

// Exit codes and error output for broken projects, end to end through `node bin/strata.js`, on
// real warehouses: DuckDB files in temporary folders, or fresh PostgreSQL databases.

/** The engine's own words for a text that is not an integer. */
const NOT_AN_INTEGER =
  testEngine() === 'postgres' ? /invalid input syntax for type integer/ : /Conversion Error/;

describe('projects with problems', () => {
  let root: { path: string; remove: () => Promise<void> };
  const databases: Awaited<ReturnType<typeof testEnvironment>>[] = [];
  /** The environment of a new project: on PostgreSQL it selects a fresh database. */
  const newEnvironment = async () => {
    const database = await testEnvironment();
    databases.push(database);
    return database.env;
  };
  beforeAll(async () => {
    root = await tempDir('broken');
  });
  afterAll(async () => {
    await root.remove();
    for (const database of databases) await database.dispose();
  });

  it.concurrent('lists every definition problem with its file and line', async () => {
    const project = join(root.path, 'refs');
    await initProject(project);
    await writeFile(join(project, 'models/marts/one.sql'), "select *\nfrom {{ ref('nope') }}\n");
    await writeFile(
      join(project, 'models/marts/two.sql'),
      "select 1 as a\nunion all\nselect * from {{ ref('gone') }}\n",
    );
    const result = await strata(['run', '--project', project], { env: await newEnvironment() });
    expect(result.code, explain(result)).toBe(1);
    expect(result.stderr).toMatch(/^error\[PROJECT_INVALID\]: 2 problems/m);
    expect(result.stderr).toMatch(
      /error\[REF_UNKNOWN\]: ref\('nope'\).*\n\s+--> models\/marts\/one\.sql:2:\d+/,
    );
    expect(result.stderr).toMatch(
      /error\[REF_UNKNOWN\]: ref\('gone'\).*\n\s+--> models\/marts\/two\.sql:3:\d+/,
    );
  });

  it.concurrent('a failing model fails the run (exit 1) and skips what depends on it', async () => {
    const project = join(root.path, 'failing');
    await initProject(project);
    const table = '/*---\nmaterialized: table\n---*/\n';
    await writeFile(join(project, 'models/staging/bad.sql'), `${table}select cast('x' as integer) as v\n`);
    await writeFile(join(project, 'models/marts/after_bad.sql'), `${table}select * from {{ ref('bad') }}\n`);
    const result = await strata(['run', '--project', project], { env: await newEnvironment() });
    expect(result.code, explain(result)).toBe(1);
    expect(result.stdout).toMatch(/^bad +table +failed +1 /m);
    expect(result.stdout).toMatch(/^after_bad +table +skipped +0 /m);
    expect(result.stdout).toMatch(/: 9 succeeded, 1 failed, 1 skipped/);
    expect(result.stdout).toMatch(/error\[SQL_FAILED\]: /);
    expect(result.stdout).toMatch(NOT_AN_INTEGER);
    expect(result.stdout).toMatch(/strata run --resume r\S+ --project /);
    expect(result.stderr).toMatch(/✗ bad +table +\d+\.\d\ds {2}error SQL_FAILED/);
    expect(result.stderr).toMatch(/– after_bad +table +skipped: upstream bad failed/);
  });
});
