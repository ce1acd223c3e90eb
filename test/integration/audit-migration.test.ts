import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import { ensureAuditSchema } from '../../src/audit/recorder.ts';
import { auditMigrations } from '../../src/audit/schema.ts';
import { TestProject } from '../helpers/project.ts';

/**
 * Audit version 8 on a warehouse that has runs of an earlier version: the runs and task attempts
 * are kept, and `interrupted` runs and attempts with a pid and host can be recorded. Both engines.
 */
describe('audit version 8 over an earlier audit', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({});
  });
  afterAll(() => project?.dispose());

  it('keeps the recorded runs and attempts, and takes interrupted ones', async () => {
    await withProject(project.options, async (_project, engine) => {
      await engine.execute('CREATE SCHEMA IF NOT EXISTS audit');
      await engine.execute(
        'CREATE TABLE audit.schema_migrations (version integer PRIMARY KEY, applied_at timestamp NOT NULL)',
      );
      for (const migration of auditMigrations(engine.dialect).filter((m) => m.version < 8)) {
        for (const statement of migration.statements) await engine.execute(statement);
        await engine.execute(
          `INSERT INTO audit.schema_migrations VALUES ($1, CAST('2025-01-01 00:00:00' AS TIMESTAMP))`,
          [migration.version],
        );
      }
      await engine.execute(
        `INSERT INTO audit.pipeline_runs (run_id, trigger, command, full_refresh, status, started_at, strata_version, engine,
           tasks_total, rows_by_layer)
         VALUES ('old', 'cli', 'run', false, 'success', CAST('2025-01-01 01:00:00' AS TIMESTAMP), '0.1.0', 'x', 1,
           CAST('{"warehouse": 3}' AS ${engine.dialect.type('json')}))`,
      );
      await engine.execute(
        `INSERT INTO audit.task_runs (run_id, task_id, task_kind, attempt, status, started_at, rows_out, error_sql)
         VALUES ('old', 'orders', 'model', 1, 'success', CAST('2025-01-01 01:00:00' AS TIMESTAMP), 3, 'select 1')`,
      );
      // the old constraint refuses the new status
      await expect(
        engine.execute(`UPDATE audit.task_runs SET status = 'interrupted' WHERE run_id = 'old'`),
      ).rejects.toThrow();

      await ensureAuditSchema(engine);
      await ensureAuditSchema(engine); // once applied, never again

      const runs = await engine.query(
        `SELECT run_id, status, tasks_total, CAST(rows_by_layer AS ${engine.dialect.type('text')}) AS layers, pid, host
         FROM audit.pipeline_runs`,
      );
      expect(runs.rows).toHaveLength(1);
      expect(runs.rows[0]).toMatchObject({
        run_id: 'old',
        status: 'success',
        tasks_total: 1,
        pid: null,
        host: null,
      });
      expect(JSON.parse(String(runs.rows[0]?.layers))).toEqual({ warehouse: 3 });
      const tasks = await engine.query(`SELECT task_id, status, rows_out, error_sql FROM audit.task_runs`);
      expect(tasks.rows).toEqual([
        { task_id: 'orders', status: 'success', rows_out: 3, error_sql: 'select 1' },
      ]);

      await engine.execute(
        `INSERT INTO audit.pipeline_runs (run_id, trigger, command, full_refresh, status, started_at, strata_version, engine, pid, host)
         VALUES ('new', 'cli', 'run', false, 'interrupted', CAST('2025-01-02 01:00:00' AS TIMESTAMP), '0.1.0', 'x', 42, 'h')`,
      );
      await engine.execute(`UPDATE audit.task_runs SET status = 'interrupted' WHERE run_id = 'old'`);
      await expect(
        engine.execute(`UPDATE audit.pipeline_runs SET status = 'bogus' WHERE run_id = 'new'`),
      ).rejects.toThrow();
      const versions = await engine.query('SELECT max(version) AS v FROM audit.schema_migrations');
      expect(Number(versions.rows[0]?.v)).toBeGreaterThanOrEqual(8);
    });
  });
});
