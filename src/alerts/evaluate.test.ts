import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';
import {
  type AuditWarehouse,
  at,
  insertCheckResult,
  insertDailyMetrics,
  insertDailyRun,
  insertRun,
  insertSourceLoad,
  openAuditWarehouse,
} from './audit-fixture.ts';
import { evaluateAlerts } from './evaluate.ts';

/** '2025-03-01' + n days. */
const day = (n: number) => new Date(Date.UTC(2025, 2, 1 + n)).toISOString().slice(0, 10);

let warehouse: AuditWarehouse;
let engine: Engine;

beforeEach(async () => {
  warehouse = await openAuditWarehouse();
  engine = warehouse.engine;
});
afterEach(() => warehouse.close());

describe('runFailed', () => {
  it('raises for a run that did not succeed, naming its error', async () => {
    await insertRun(engine, {
      runId: 'r1',
      startedAt: at(day(0)),
      status: 'failed',
      errorCode: 'SQL_FAILED',
      errorMessage: 'Binder Error: column x not found',
    });
    const alerts = await evaluateAlerts(engine, 'r1', { runFailed: true });
    expect(alerts).toEqual([
      {
        rule: 'run_failed',
        subject: 'run',
        message: 'Run r1 ended with status failed: SQL_FAILED: Binder Error: column x not found.',
        details: {
          status: 'failed',
          errorCode: 'SQL_FAILED',
          errorMessage: 'Binder Error: column x not found',
        },
      },
    ]);
  });

  it('says so when a failed run recorded no error', async () => {
    await insertRun(engine, { runId: 'r1', startedAt: at(day(0)), status: 'abandoned' });
    const [alert] = await evaluateAlerts(engine, 'r1', { runFailed: true });
    expect(alert?.message).toBe('Run r1 ended with status abandoned: no error was recorded.');
  });

  it('stays quiet for a successful run, an unknown run, or when turned off', async () => {
    await insertRun(engine, { runId: 'ok', startedAt: at(day(0)) });
    await insertRun(engine, { runId: 'bad', startedAt: at(day(0), 5), status: 'failed' });
    expect(await evaluateAlerts(engine, 'ok', { runFailed: true })).toEqual([]);
    expect(await evaluateAlerts(engine, 'nope', { runFailed: true })).toEqual([]);
    expect(await evaluateAlerts(engine, 'bad', { runFailed: false })).toEqual([]);
  });
});

describe('runtimeMinutes', () => {
  it('raises when the run took longer than the limit', async () => {
    await insertRun(engine, { runId: 'slow', startedAt: at(day(0)), durationMs: 45.5 * 60_000 });
    const alerts = await evaluateAlerts(engine, 'slow', { runFailed: true, runtimeMinutes: 30 });
    expect(alerts).toEqual([
      {
        rule: 'runtime',
        subject: 'run',
        message: 'Run slow took 45.5 minutes, above the limit of 30 minutes.',
        details: { durationMs: 2_730_000, limitMinutes: 30 },
      },
    ]);
  });

  it('stays quiet at or under the limit', async () => {
    await insertRun(engine, { runId: 'fast', startedAt: at(day(0)), durationMs: 30 * 60_000 });
    expect(await evaluateAlerts(engine, 'fast', { runFailed: true, runtimeMinutes: 30 })).toEqual([]);
  });
});

describe('quarantinedAbove', () => {
  it('raises when the run quarantined more records than allowed', async () => {
    await insertDailyMetrics(engine, {
      runId: 'r1',
      metricDate: day(0),
      received: 5_000,
      quarantined: 1_234,
    });
    const alerts = await evaluateAlerts(engine, 'r1', { runFailed: false, quarantinedAbove: 100 });
    expect(alerts).toEqual([
      {
        rule: 'quarantined',
        subject: 'run',
        message: 'Run r1 quarantined 1,234 of 5,000 records received, above the limit of 100.',
        details: { quarantined: 1_234, received: 5_000, limit: 100 },
      },
    ]);
  });

  it('stays quiet at the limit, and without daily metrics', async () => {
    await insertDailyMetrics(engine, { runId: 'r1', metricDate: day(0), received: 500, quarantined: 100 });
    expect(await evaluateAlerts(engine, 'r1', { runFailed: false, quarantinedAbove: 100 })).toEqual([]);
    expect(await evaluateAlerts(engine, 'r2', { runFailed: false, quarantinedAbove: 0 })).toEqual([]);
  });
});

describe('volumeDropPercent', () => {
  /** Loads `received` for days 1..n of `source`, one run per day (run ids h1..hn). */
  async function history(source: string, received: number[]): Promise<void> {
    for (const [i, count] of received.entries()) {
      const runId = `h${source}${i + 1}`;
      await insertRun(engine, { runId, startedAt: at(day(i + 1)) });
      await insertSourceLoad(engine, { runId, source, loadDate: day(i + 1), received: count });
    }
  }

  async function runLoading(runId: string, startedAt: Date, loads: Record<string, number>, loadDate: string) {
    await insertRun(engine, { runId, startedAt });
    for (const [source, received] of Object.entries(loads)) {
      await insertSourceLoad(engine, { runId, source, loadDate, received });
    }
  }

  it('compares the newest load date with the average of the previous seven', async () => {
    // Day 1 (10,000) is the eighth date back: outside the window, it must not lift the average.
    await history('orders', [10_000, 90, 110, 100, 95, 105, 100, 100]);
    await runLoading('today', at(day(9)), { orders: 40 }, day(9));
    const alerts = await evaluateAlerts(engine, 'today', { runFailed: false, volumeDropPercent: 50 });
    expect(alerts).toEqual([
      {
        rule: 'volume_drop',
        subject: 'orders',
        message:
          'Source orders received 40 records for 2025-03-10, 60% below its average of 100 over the ' +
          'previous 7 load dates (limit 50%).',
        details: {
          source: 'orders',
          loadDate: '2025-03-10',
          received: 40,
          averageReceived: 100,
          dropPercent: 60,
          limitPercent: 50,
          historyDates: 7,
          historyFrom: day(2),
          historyTo: day(8),
        },
      },
    ]);
  });

  it('stays quiet for a drop within the limit, a rise, and a source without history', async () => {
    await history('orders', [100, 100, 100]);
    await history('events', [100, 100, 100]);
    await runLoading('today', at(day(4)), { orders: 60, events: 500, products: 3 }, day(4));
    expect(await evaluateAlerts(engine, 'today', { runFailed: false, volumeDropPercent: 50 })).toEqual([]);
  });

  it('raises per source, only for the sources that dropped', async () => {
    await history('orders', [100, 100]);
    await history('events', [1_000, 1_000]);
    await runLoading('today', at(day(3)), { orders: 100, events: 10 }, day(3));
    const alerts = await evaluateAlerts(engine, 'today', { runFailed: false, volumeDropPercent: 20 });
    expect(alerts.map((a) => [a.subject, a.details.dropPercent])).toEqual([['events', 99]]);
  });

  it('counts a reloaded date once, with the newest run’s row', async () => {
    await history('orders', [100, 100]);
    // Day 3 was first loaded partially (5 records), then reloaded in full by a later run. The run
    // ids sort the other way round, so only started_at can tell which row is the newest.
    await runLoading('z-partial', at(day(3)), { orders: 5 }, day(3));
    await runLoading('a-reload', at(day(3), 90), { orders: 100 }, day(3));
    await runLoading('today', at(day(4)), { orders: 60 }, day(4));
    // With every row, the average would be (100 + 100 + 5 + 100) / 4 = 76 and the drop 21%.
    const [alert] = await evaluateAlerts(engine, 'today', { runFailed: false, volumeDropPercent: 30 });
    expect(alert?.details).toMatchObject({ averageReceived: 100, dropPercent: 40, historyDates: 3 });
  });

  it('a reload that is lower than before lowers the baseline', async () => {
    await history('orders', [100, 100]);
    await runLoading('first', at(day(3)), { orders: 100 }, day(3));
    await runLoading('reload', at(day(3), 90), { orders: 40 }, day(3));
    await runLoading('today', at(day(4)), { orders: 60 }, day(4));
    // Baseline (100 + 100 + 40) / 3 = 80: a 25% drop, under the limit; with the stale row it would be 40%.
    expect(await evaluateAlerts(engine, 'today', { runFailed: false, volumeDropPercent: 30 })).toEqual([]);
  });

  it('uses the newest date of a run that loaded several, with its earlier dates as history', async () => {
    await history('orders', [100, 100]);
    await insertRun(engine, { runId: 'backfill', startedAt: at(day(5)) });
    await insertSourceLoad(engine, { runId: 'backfill', source: 'orders', loadDate: day(3), received: 100 });
    await insertSourceLoad(engine, { runId: 'backfill', source: 'orders', loadDate: day(4), received: 10 });
    const [alert] = await evaluateAlerts(engine, 'backfill', { runFailed: false, volumeDropPercent: 50 });
    expect(alert?.details).toMatchObject({
      loadDate: day(4),
      received: 10,
      averageReceived: 100,
      historyDates: 3,
    });
  });

  it('stays quiet when the history averages zero', async () => {
    await history('orders', [0, 0]);
    await runLoading('today', at(day(3)), { orders: 0 }, day(3));
    expect(await evaluateAlerts(engine, 'today', { runFailed: false, volumeDropPercent: 0 })).toEqual([]);
  });
});

describe('checkFailingDays', () => {
  /** A run on day n with the given check results. */
  async function runOn(
    n: number,
    runId: string,
    results: Record<string, 'pass' | 'fail' | 'warn' | 'error'>,
    minutes = 0,
  ) {
    const startedAt = await insertDailyRun(engine, runId, day(n), minutes);
    for (const [checkId, status] of Object.entries(results)) {
      await insertCheckResult(engine, { runId, checkId, status, startedAt });
    }
  }

  it('raises for a check that has not passed on N consecutive run dates', async () => {
    await runOn(1, 'd1', { not_null_id: 'pass' });
    await runOn(2, 'd2', { not_null_id: 'warn' });
    await runOn(3, 'd3', { not_null_id: 'error' });
    await runOn(4, 'd4', { not_null_id: 'fail' });
    const alerts = await evaluateAlerts(engine, 'd4', { runFailed: false, checkFailingDays: 3 });
    expect(alerts).toEqual([
      {
        rule: 'check_failing',
        subject: 'not_null_id',
        message:
          'Check not_null_id has not passed on 3 consecutive run dates (from 2025-03-03 to 2025-03-05); ' +
          'this run: fail with 12 failing rows.',
        details: {
          checkId: 'not_null_id',
          target: 'orders',
          severity: 'error',
          status: 'fail',
          failingRows: 12,
          checkedRows: 1000,
          checkMessage: '12 failing rows.',
          days: 3,
          limitDays: 3,
          since: day(2),
          until: day(4),
        },
      },
    ]);
  });

  it('a pass breaks the streak', async () => {
    await runOn(1, 'd1', { c: 'fail' });
    await runOn(2, 'd2', { c: 'fail' });
    await runOn(3, 'd3', { c: 'pass' });
    await runOn(4, 'd4', { c: 'fail' });
    await runOn(5, 'd5', { c: 'warn' });
    expect(await evaluateAlerts(engine, 'd5', { runFailed: false, checkFailingDays: 3 })).toEqual([]);
    const [alert] = await evaluateAlerts(engine, 'd5', { runFailed: false, checkFailingDays: 2 });
    expect(alert?.details).toMatchObject({ days: 2, since: day(4), until: day(5), status: 'warn' });
  });

  it('counts a date rerun several times once, by its newest result', async () => {
    await runOn(1, 'd1', { c: 'fail' });
    await runOn(2, 'd2-first', { c: 'fail' });
    await runOn(2, 'd2-rerun', { c: 'pass' }, 60); // the rerun fixed day 2
    await runOn(3, 'd3', { c: 'fail' });
    const [once] = await evaluateAlerts(engine, 'd3', { runFailed: false, checkFailingDays: 1 });
    expect(once?.details).toMatchObject({ days: 1, since: day(3) });
    expect(once?.message).toContain('on 1 consecutive run date (on 2025-03-04)');
  });

  it('a failing rerun of a date counts that date once', async () => {
    await runOn(1, 'd1', { c: 'fail' });
    await runOn(1, 'd1-rerun', { c: 'fail' }, 60);
    await runOn(2, 'd2', { c: 'fail' });
    const [alert] = await evaluateAlerts(engine, 'd2', { runFailed: false, checkFailingDays: 2 });
    expect(alert?.details).toMatchObject({ days: 2, since: day(1) });
  });

  it('skips dates on which no run ran the check', async () => {
    await runOn(1, 'd1', { c: 'fail' });
    await runOn(2, 'd2', { other: 'pass' });
    await runOn(3, 'd3', { c: 'fail' });
    const [alert] = await evaluateAlerts(engine, 'd3', { runFailed: false, checkFailingDays: 2 });
    expect(alert?.details).toMatchObject({ checkId: 'c', days: 2, since: day(1), until: day(3) });
  });

  it('ignores dates after the run’s own, and checks that passed in this run', async () => {
    await runOn(1, 'd1', { c: 'fail', ok: 'fail' });
    await runOn(2, 'd2', { c: 'fail', ok: 'pass' });
    await runOn(3, 'd3', { c: 'pass' });
    const alerts = await evaluateAlerts(engine, 'd2', { runFailed: false, checkFailingDays: 2 });
    expect(alerts.map((a) => [a.subject, a.details.days])).toEqual([['c', 2]]);
  });
});

describe('disabled rules', () => {
  it('query nothing: a warehouse without an audit schema raises nothing and fails nothing', async () => {
    const bare = await createEngine({ type: 'duckdb', path: ':memory:' });
    try {
      expect(await evaluateAlerts(bare, 'r1', { runFailed: false })).toEqual([]);
      await expect(evaluateAlerts(bare, 'r1', { runFailed: true })).rejects.toThrow(/pipeline_runs/);
    } finally {
      await bare.close();
    }
  });

  it('all rules together raise one alert each', async () => {
    await insertRun(engine, {
      runId: 'r',
      startedAt: at(day(1)),
      status: 'failed',
      durationMs: 3_600_000,
      errorCode: 'X',
    });
    await insertDailyMetrics(engine, { runId: 'r', metricDate: day(1), received: 10, quarantined: 10 });
    await insertRun(engine, { runId: 'h', startedAt: at(day(0)) });
    await insertSourceLoad(engine, { runId: 'h', source: 's', loadDate: day(0), received: 100 });
    await insertSourceLoad(engine, { runId: 'r', source: 's', loadDate: day(1), received: 10 });
    await insertCheckResult(engine, { runId: 'r', checkId: 'c', status: 'fail', startedAt: at(day(1)) });
    const alerts = await evaluateAlerts(engine, 'r', {
      runFailed: true,
      runtimeMinutes: 10,
      quarantinedAbove: 0,
      volumeDropPercent: 10,
      checkFailingDays: 1,
    });
    expect(alerts.map((a) => `${a.rule}:${a.subject}`)).toEqual([
      'run_failed:run',
      'runtime:run',
      'quarantined:run',
      'volume_drop:s',
      'check_failing:c',
    ]);
  });
});
