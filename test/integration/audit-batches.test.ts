import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import type { CheckResult } from '../../src/audit/check-result.ts';
import { AuditRecorder, ensureAuditSchema } from '../../src/audit/recorder.ts';
import type { Engine, Row } from '../../src/engine/types.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { TestProject } from '../helpers/project.ts';

/**
 * The recorder writes a batch of queued writes as few statements (attempt rows in one INSERT, an
 * attempt that started and ended in the batch as its final row, ends in one UPDATE, check rows in
 * one INSERT). What it writes must be exactly what one statement per write gives, on both engines.
 */

let project: TestProject;

beforeEach(async () => {
  project = await TestProject.create({});
});

afterEach(async () => {
  await project.dispose();
});

const at = (second: number) => new Date(Date.UTC(2025, 0, 31, 6, 0, second));

function check(checkId: string, status: CheckResult['status'], second: number): CheckResult {
  return {
    checkId,
    type: 'not_null',
    target: 'orders',
    table: 'warehouse.orders',
    column: 'order_id',
    severity: 'error',
    status,
    scope: { kind: 'dates', from: '2025-01-31', to: '2025-01-31' },
    failingRows: status === 'pass' ? 0 : 2,
    checkedRows: 10,
    threshold: '0',
    sample: status === 'pass' ? [] : [{ order_id: null, amount: 1.5 }],
    sql: 'SELECT 1',
    message: `${checkId} ${status}`,
    startedAt: at(second),
    durationMs: 12,
  };
}

/**
 * A run's writes as a run makes them. `waitEach` awaits each write before queueing the next (every
 * batch then holds one write, one statement); otherwise they queue together and batch.
 */
async function writeRun(recorder: AuditRecorder, runId: string, waitEach: boolean): Promise<void> {
  const task = (taskId: string, attempt = 1) => ({
    runId,
    taskId,
    taskKind: 'model',
    target: `warehouse.${taskId}`,
    materialization: 'table',
    attempt,
    startedAt: at(attempt),
    definitionHash: `hash-${taskId}`,
  });
  const writes: (() => Promise<void>)[] = [
    () =>
      recorder.runStarted({
        runId,
        trigger: 'manual',
        command: 'run',
        dateFrom: '2025-01-31',
        dateTo: '2025-01-31',
        selection: [],
        fullRefresh: false,
        startedAt: at(0),
        strataVersion: 'test',
        engine: 'test',
      }),
    () => recorder.taskStarted(task('a')),
    () => recorder.taskStarted(task('b')),
    () => recorder.taskStarted(task('c')),
    () =>
      recorder.taskFinished(task('a'), {
        status: 'success',
        finishedAt: at(4),
        rowsOut: 7,
        rowsInserted: 7,
        rowsUpdated: 0,
        rowsDeleted: 1,
        dataChanged: true,
      }),
    () =>
      recorder.taskFinished(task('b'), {
        status: 'failed',
        finishedAt: at(5),
        error: new StrataError('SQL_FAILED', 'it broke', {
          hint: 'fix it',
          sql: 'SELECT x',
          cause: new Error('why'),
        }),
      }),
    () => recorder.taskStarted(task('b', 2)),
    () => recorder.checkResult(runId, check('a:not_null', 'pass', 6)),
    () => recorder.checkResult(runId, check('a:unique', 'fail', 6)),
    () =>
      recorder.taskSkipped(
        task('d'),
        new StrataError('TASK_UNCHANGED', 'unchanged', { hint: 'nothing to do' }),
      ),
    () =>
      recorder.taskFinished(task('b', 2), {
        status: 'success',
        finishedAt: at(7),
        rowsOut: 3,
        warning: new StrataError('SOURCE_NO_FILES', 'no file', { hint: 'add one' }),
      }),
    () =>
      recorder.taskFinished(task('c'), {
        status: 'success',
        finishedAt: at(8),
        rowsOut: 0,
        dataChanged: false,
      }),
    () =>
      recorder.runFinished(runId, at(0), {
        status: 'success',
        finishedAt: at(9),
        tasksTotal: 4,
        tasksSucceeded: 3,
        tasksFailed: 0,
        tasksSkipped: 1,
        rowsByLayer: { warehouse: 10 },
      }),
  ];
  for (const write of writes) {
    const written = write();
    if (waitEach) await written;
  }
  await recorder.flush();
}

async function recorded(engine: Engine, runId: string): Promise<{ tasks: Row[]; checks: Row[]; run: Row[] }> {
  const text = engine.dialect.type('text');
  const read = async (sql: string) => (await engine.query(sql, [runId])).rows;
  return {
    tasks: await read(
      `SELECT task_id, task_kind, target, materialization, attempt, status, CAST(started_at AS ${text}) AS started_at,
              CAST(finished_at AS ${text}) AS finished_at, duration_ms, rows_in, rows_out, rows_inserted, rows_updated,
              rows_deleted, error_code, error_message, error_cause, error_hint, error_sql, definition_hash, data_changed
       FROM audit.task_runs WHERE run_id = $1 ORDER BY task_id, attempt`,
    ),
    checks: await read(
      `SELECT check_id, check_type, target, target_table, column_name, CAST(date_from AS ${text}) AS date_from,
              CAST(date_to AS ${text}) AS date_to, severity, status, failing_rows, checked_rows, threshold,
              CAST(sample AS ${text}) AS sample, check_sql, message, CAST(started_at AS ${text}) AS started_at, duration_ms
       FROM audit.dq_results WHERE run_id = $1 ORDER BY check_id`,
    ),
    run: await read(
      `SELECT status, duration_ms, tasks_total, tasks_skipped, CAST(rows_by_layer AS ${text}) AS rows_by_layer
       FROM audit.pipeline_runs WHERE run_id = $1`,
    ),
  };
}

describe('audit writes in batches', () => {
  it('writes exactly what one statement per write writes', async () => {
    await withProject(project.options, async (_project, engine) => {
      await ensureAuditSchema(engine);
      await writeRun(new AuditRecorder(engine), 'r-single', true);
      await writeRun(new AuditRecorder(engine), 'r-batched', false);
      const single = await recorded(engine, 'r-single');
      const batched = await recorded(engine, 'r-batched');
      expect(single.tasks).toHaveLength(5);
      expect(single.checks).toHaveLength(2);
      expect(batched).toEqual(single);
    });
  });

  it('ends attempts whose rows an earlier batch wrote, several in one statement', async () => {
    await withProject(project.options, async (_project, engine) => {
      await ensureAuditSchema(engine);
      const recorder = new AuditRecorder(engine);
      const task = (taskId: string) => ({
        runId: 'r',
        taskId,
        taskKind: 'model',
        attempt: 1,
        startedAt: at(1),
      });
      for (const id of ['a', 'b', 'c']) void recorder.taskStarted(task(id));
      await recorder.flush();
      const running = await engine.query(
        `SELECT count(*) AS n FROM audit.task_runs WHERE status = 'running'`,
      );
      expect(Number(running.rows[0]?.n)).toBe(3);
      void recorder.taskFinished(task('a'), { status: 'success', finishedAt: at(2), rowsOut: 1 });
      void recorder.taskFinished(task('b'), {
        status: 'failed',
        finishedAt: at(3),
        error: new StrataError('SQL_FAILED', 'x'),
      });
      void recorder.taskFinished(task('c'), { status: 'success', finishedAt: at(4), dataChanged: false });
      await recorder.flush();
      const { rows } = await engine.query(
        `SELECT task_id, status, duration_ms, rows_out, error_code, data_changed FROM audit.task_runs ORDER BY task_id`,
      );
      expect(rows).toEqual([
        {
          task_id: 'a',
          status: 'success',
          duration_ms: 1000,
          rows_out: 1,
          error_code: null,
          data_changed: null,
        },
        {
          task_id: 'b',
          status: 'failed',
          duration_ms: 2000,
          rows_out: null,
          error_code: 'SQL_FAILED',
          data_changed: null,
        },
        {
          task_id: 'c',
          status: 'success',
          duration_ms: 3000,
          rows_out: null,
          error_code: null,
          data_changed: false,
        },
      ]);
    });
  });

  it('a batch with a bad row writes the others and reports the bad one', async () => {
    await withProject(project.options, async (_project, engine) => {
      await ensureAuditSchema(engine);
      const recorder = new AuditRecorder(engine);
      // An attempt started in an earlier batch, ended in the one that fails: its end is written alone.
      const earlier = { runId: 'r', taskId: 'e', taskKind: 'model', attempt: 1, startedAt: at(0) };
      await recorder.taskStarted(earlier);
      void recorder.taskFinished(earlier, { status: 'success', finishedAt: at(3), rowsOut: 4 });
      void recorder.taskStarted({ runId: 'r', taskId: 'a', taskKind: 'model', attempt: 1, startedAt: at(1) });
      // A status outside the closed set breaks the CHECK constraint.
      void recorder.checkResult('r', {
        ...check('bad', 'pass', 2),
        status: 'bogus' as CheckResult['status'],
      });
      void recorder.checkResult('r', check('good', 'pass', 2));
      await expect(recorder.flush()).rejects.toThrow();
      const tasks = await engine.query(
        `SELECT task_id, status, duration_ms, rows_out FROM audit.task_runs ORDER BY task_id`,
      );
      const checks = await engine.query(`SELECT check_id FROM audit.dq_results`);
      expect(tasks.rows).toEqual([
        { task_id: 'a', status: 'running', duration_ms: null, rows_out: null },
        { task_id: 'e', status: 'success', duration_ms: 3000, rows_out: 4 },
      ]);
      expect(checks.rows).toEqual([{ check_id: 'good' }]);
    });
  });
});
