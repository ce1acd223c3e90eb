import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';
import { cli } from './in-process.ts';

/**
 * `strata grant` on the command line. Its arguments are checked alike on every engine; what it does
 * on PostgreSQL is in test/postgres/grant.test.ts, and DuckDB, which has no roles, refuses it.
 */
describe('strata grant', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await TestProject.create({});
  });
  afterAll(async () => {
    await project?.dispose();
  });

  it('validates the role name and requires it', async () => {
    const bad = await cli(['grant', '--role', 'bi-reader; drop', '--project', project.dir], {
      env: project.env,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('IDENTIFIER_INVALID');
    const missing = await cli(['grant', '--project', project.dir], { env: project.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--role');
  });

  describe.runIf(testEngine() === 'duckdb')('DuckDB only: an engine without roles', () => {
    it('fails with ENGINE_NO_ROLES and a hint naming PostgreSQL, changing nothing', async () => {
      const before = await project.checksums();
      const { code, stdout, stderr } = await cli(['grant', '--role', 'bi_reader', '--project', project.dir], {
        env: project.env,
      });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain('ENGINE_NO_ROLES');
      expect(stderr).toContain('STRATA_DATABASE_URL=postgres://');
      expect(await project.checksums()).toEqual(before);
    });
  });
});
