import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';
import { cli } from './in-process.ts';

/** `strata grant` on DuckDB (this file runs in the duckdb test project only; see test/postgres/grant.test.ts). */
describe('strata grant on DuckDB', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await TestProject.create({});
  });
  afterAll(async () => {
    await project?.dispose();
  });

  it('fails with ENGINE_NO_ROLES and a hint naming PostgreSQL, changing nothing', async () => {
    const { code, stdout, stderr } = await cli(['grant', '--role', 'bi_reader', '--project', project.dir]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('ENGINE_NO_ROLES');
    expect(stderr).toContain('STRATA_DATABASE_URL=postgres://');
  });

  it('validates the role name and requires it', async () => {
    const bad = await cli(['grant', '--role', 'bi-reader; drop', '--project', project.dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('IDENTIFIER_INVALID');
    const missing = await cli(['grant', '--project', project.dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--role');
  });
});
