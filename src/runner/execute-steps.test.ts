import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../engine/duckdb/duckdb-engine.ts';
import type { Engine, Session } from '../engine/types.ts';
import type { Step } from '../materialize/plan.ts';
import { executeSteps } from './execute-steps.ts';

/** About a second and a half of work on an idle machine. */
const SLOW = 'CREATE TABLE main.slow AS SELECT count(*) AS n FROM range(1000000000) AS a, range(10) AS b';

describe('executeSteps', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await openDuckDb({ path: ':memory:' });
    await engine.execute('CREATE TABLE main.t AS SELECT 1 AS id');
  });
  afterAll(() => engine?.close());

  const contents = async () => (await engine.query('SELECT id FROM main.t ORDER BY id')).rows;

  it('runs the steps in one transaction and counts their rows', async () => {
    const counts = await engine.withSession((session) =>
      executeSteps(
        session,
        [
          { kind: 'exec', sql: 'INSERT INTO main.t VALUES (2), (3)', counts: 'inserted' },
          { kind: 'exec', sql: 'DELETE FROM main.t WHERE id = 3', counts: 'deleted' },
          { kind: 'count', sql: 'SELECT count(*) AS n FROM main.t' },
        ],
        't',
      ),
    );
    expect(counts).toEqual({ rowsOut: 2, rowsInserted: 2, rowsUpdated: 0, rowsDeleted: 1 });
    expect(await contents()).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('an analyze step is given the rows written, a row replaced counting once, and skipped when none were', async () => {
    await engine.execute('CREATE TABLE main.analyzed (written BIGINT)');
    const analyze: Step = { kind: 'analyze', sql: 'INSERT INTO main.analyzed VALUES (CAST($1 AS BIGINT))' };
    await engine.withSession((session) =>
      executeSteps(
        session,
        [
          { kind: 'exec', sql: 'DELETE FROM main.t WHERE id = 2', counts: 'deleted' },
          { kind: 'exec', sql: 'INSERT INTO main.t VALUES (2), (4)', counts: 'inserted' },
          analyze,
        ],
        't',
      ),
    );
    await engine.withSession((session) =>
      executeSteps(
        session,
        [{ kind: 'exec', sql: 'DELETE FROM main.t WHERE id = 9', counts: 'deleted' }, analyze],
        't',
      ),
    );
    expect((await engine.query('SELECT written FROM main.analyzed')).rows).toEqual([{ written: 2 }]);
    await engine.execute('DELETE FROM main.t WHERE id = 4');
    await engine.execute('DROP TABLE main.analyzed');
  });

  it('a failing guard rolls back the steps before it and fails with the guard’s code', async () => {
    const steps: Step[] = [
      { kind: 'exec', sql: 'DELETE FROM main.t', counts: 'deleted' },
      { kind: 'guard', sql: 'SELECT 7 AS id', code: 'DUPLICATE_KEY', message: 'dupes', hint: 'dedupe' },
    ];
    await expect(engine.withSession((s) => executeSteps(s, steps, 't'))).rejects.toMatchObject({
      code: 'DUPLICATE_KEY',
      hint: 'dedupe',
    });
    expect(await contents()).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('an abort between two statements stops before the next one starts, and rolls back', async () => {
    const controller = new AbortController();
    const steps: Step[] = [
      { kind: 'exec', sql: 'DELETE FROM main.t', counts: 'deleted' },
      { kind: 'exec', sql: SLOW },
    ];
    const started = Date.now();
    const outcome = await engine
      .withSession((session) => {
        // The abort lands when the DELETE has finished and nothing runs on the session, so
        // cancelling the session has nothing to interrupt: only the signal can stop the CREATE.
        const abortingAfterFirst: Session = {
          stream: (sql, params, batchRows) => session.stream(sql, params, batchRows),
          cancel: () => session.cancel(),
          execute: async (sql, params) => {
            const result = await session.execute(sql, params);
            if (sql.startsWith('DELETE')) {
              controller.abort();
              await session.cancel();
            }
            return result;
          },
          query: (sql, params) => session.query(sql, params),
          transaction: (fn) => session.transaction(() => fn(abortingAfterFirst)),
        };
        return executeSteps(abortingAfterFirst, steps, 't', controller.signal);
      })
      .then(
        () => 'completed',
        (error: unknown) => error,
      );
    expect(outcome).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await contents()).toEqual([{ id: 1 }, { id: 2 }]);
    expect((await engine.listTables('main')).map((t) => t.name)).toEqual(['t']);
  });
});
