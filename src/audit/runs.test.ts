import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { alertsOf, recordAlerts } from './alerts.ts';
import type { CheckResult } from './check-result.ts';
import { recordDailyMetrics, runMetrics } from './daily-metrics.ts';
import { checkResultsOf, failingCheckStreaks } from './dq-results.ts';
import { AuditRecorder, ensureAuditSchema } from './recorder.ts';
import {
  findRun,
  findRunSummary,
  latestRun,
  listRuns,
  markInterrupted,
  resumableRun,
  runOutcome,
  searchRuns,
} from './runs.ts';
import { latestTaskRuns, taskAttempts, taskSuccesses } from './task-runs.ts';

/** The run history's functions on a real DuckDB warehouse, written as a run writes it. */

let dir: string;
let engine: Engine;
let recorder: AuditRecorder;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-audit-'));
  engine = await createEngine({ type: 'duckdb', path: join(dir, 'warehouse.duckdb') });
  await ensureAuditSchema(engine);
  recorder = new AuditRecorder(engine);
});

afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const at = (time: string) => new Date(`2025-03-0${time}Z`);

async function startRun(
  runId: string,
  startedAt: Date,
  options: { from?: string; to?: string; pid?: number; host?: string } = {},
) {
  await recorder.runStarted({
    ...(options.pid === undefined ? {} : { pid: options.pid }),
    ...(options.host === undefined ? {} : { host: options.host }),
    runId,
    trigger: 'manual',
    command: 'run',
    ...(options.from ? { dateFrom: options.from } : {}),
    ...(options.to ? { dateTo: options.to } : {}),
    selection: ['orders', 'daily_sales'],
    fullRefresh: true,
    startedAt,
    strataVersion: '0.0.0-test',
    engine: 'duckdb',
  });
}

async function finishRun(runId: string, startedAt: Date, minutes: number, error?: StrataError) {
  await recorder.runFinished(runId, startedAt, {
    status: error ? 'failed' : 'success',
    finishedAt: new Date(startedAt.getTime() + minutes * 60_000),
    tasksTotal: 2,
    tasksSucceeded: error ? 1 : 2,
    tasksFailed: error ? 1 : 0,
    tasksSkipped: 0,
    rowsByLayer: { staging: 10 },
    ...(error ? { error } : {}),
  });
}

function check(checkId: string, status: CheckResult['status'], startedAt: Date): CheckResult {
  return {
    checkId,
    type: 'not_null',
    target: 'orders',
    table: 'staging.orders',
    column: 'order_id',
    severity: 'error',
    status,
    scope: { kind: 'dates', from: '2025-03-01', to: '2025-03-02' },
    failingRows: status === 'pass' ? 0 : 3,
    checkedRows: 10,
    sample: status === 'pass' ? [] : [{ order_id: null }],
    sql: 'SELECT 1',
    message: status === 'pass' ? 'No failing rows.' : '3 rows have no order_id.',
    startedAt,
    durationMs: 7,
  };
}

describe('runs', () => {
  it('lists runs newest first, finds one, and gives the latest and its outcome', async () => {
    await startRun('r1', at('1T10:00:00'), { from: '2025-03-01', to: '2025-03-02' });
    await finishRun('r1', at('1T10:00:00'), 2);
    await startRun('r2', at('2T10:00:00'));
    await finishRun('r2', at('2T10:00:00'), 90, new StrataError('SQL_FAILED', 'Binder Error'));
    await recorder.flush();

    const runs = await listRuns(engine, 20);
    expect(runs.map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect(await listRuns(engine, 1)).toHaveLength(1);
    expect(await findRun(engine, 'r1')).toEqual({
      runId: 'r1',
      status: 'success',
      trigger: 'manual',
      dateFrom: '2025-03-01',
      dateTo: '2025-03-02',
      startedAt: '2025-03-01T10:00:00Z',
      finishedAt: '2025-03-01T10:02:00Z',
      durationMs: 120_000,
      tasksSucceeded: 2,
      tasksFailed: 0,
      tasksSkipped: 0,
      tasksUnchanged: 0,
      resumedFrom: null,
      error: null,
      pid: null,
      host: null,
    });
    expect(await findRun(engine, 'nope')).toBeNull();
    expect(await latestRun(engine)).toEqual({
      runId: 'r2',
      status: 'failed',
      startedAt: '2025-03-02T10:00:00Z',
      durationMs: 5_400_000,
    });
    expect(await runOutcome(engine, 'r2')).toEqual({
      status: 'failed',
      errorCode: 'SQL_FAILED',
      errorMessage: 'Binder Error',
      durationMs: 5_400_000,
    });
    expect(await runOutcome(engine, 'nope')).toBeNull();
    expect(await resumableRun(engine, 'r1')).toEqual({
      dateFrom: '2025-03-01',
      dateTo: '2025-03-02',
      selection: ['orders', 'daily_sales'],
      fullRefresh: true,
    });
  });

  it('searches runs by status and start day, a page at a time, with their metrics and alerts', async () => {
    for (const [id, day, fails] of [
      ['r1', '1', false],
      ['r2', '2', true],
      ['r3', '3', false],
      ['r4', '4', true],
    ] as const) {
      await startRun(id, at(`${day}T10:00:00`));
      await finishRun(
        id,
        at(`${day}T10:00:00`),
        1,
        fails ? new StrataError('SQL_FAILED', 'Binder Error') : undefined,
      );
    }
    await startRun('r5', at('5T10:00:00'));
    await recorder.flush();
    await recordDailyMetrics(engine, {
      runId: 'r2',
      metricDate: '2025-03-02',
      command: 'run',
      status: 'failed',
      runtimeMs: 60_000,
      tasksFailed: 1,
      tasksSkipped: 0,
      rowsByLayer: { raw: 12, staging: 9 },
      rowsBySource: {},
      received: 12,
      staged: 9,
      quarantined: 2,
      duplicates: 1,
      checksRun: 3,
      checksFailed: 1,
      checksWarned: 1,
      recordedAt: at('2T10:01:00'),
    });
    await recordAlerts(
      engine,
      'r2',
      [
        { rule: 'run_failed', subject: 'run', message: 'failed', delivery: 'logged', attempts: 0 },
        { rule: 'check_failing', subject: 'x', message: 'failing', delivery: 'logged', attempts: 0 },
      ],
      at('2T10:01:00'),
    );

    const all = await searchRuns(engine, { limit: 2, offset: 0 });
    expect(all.total).toBe(5);
    expect(all.runs.map((r) => r.runId)).toEqual(['r5', 'r4']);
    expect((await searchRuns(engine, { limit: 2, offset: 4 })).runs.map((r) => r.runId)).toEqual(['r1']);
    const failed = await searchRuns(engine, { status: 'failed', limit: 10, offset: 0 });
    expect(failed).toMatchObject({ total: 2 });
    expect(failed.runs.map((r) => r.runId)).toEqual(['r4', 'r2']);
    // Start days are whole UTC days, both ends included.
    const days = await searchRuns(engine, { from: '2025-03-02', to: '2025-03-03', limit: 10, offset: 0 });
    expect(days.runs.map((r) => r.runId)).toEqual(['r3', 'r2']);
    expect(days.total).toBe(2);

    const r2 = await findRunSummary(engine, 'r2');
    expect(r2).toMatchObject({
      runId: 'r2',
      status: 'failed',
      rowsByLayer: { raw: 12, staging: 9 },
      checksFailed: 1,
      checksWarned: 1,
      quarantined: 2,
      alerts: 2,
    });
    // A run without a metrics line has its figures unrecorded, not zero.
    expect(await findRunSummary(engine, 'r5')).toMatchObject({
      status: 'running',
      rowsByLayer: null,
      checksFailed: null,
      quarantined: null,
      alerts: 0,
    });
    expect(await findRunSummary(engine, 'nope')).toBeNull();
  });

  it('counts apart the skipped tasks that were done because nothing changed', async () => {
    await startRun('r1', at('1T10:00:00'));
    const skip = (taskId: string, reason: StrataError) =>
      recorder.taskSkipped(
        {
          runId: 'r1',
          taskId,
          taskKind: 'model',
          target: `staging.${taskId}`,
          materialization: 'table',
          attempt: 1,
          startedAt: at('1T10:00:01'),
        },
        reason,
      );
    await skip('orders', new StrataError('TASK_UNCHANGED', 'nothing changed'));
    await skip('customers', new StrataError('TASK_UNCHANGED', 'nothing changed'));
    await skip('daily_sales', new StrataError('TASK_UPSTREAM_FAILED', 'upstream failed'));
    await recorder.runFinished('r1', at('1T10:00:00'), {
      status: 'success',
      finishedAt: at('1T10:00:02'),
      tasksTotal: 3,
      tasksSucceeded: 0,
      tasksFailed: 0,
      tasksSkipped: 3,
      rowsByLayer: {},
    });
    await recorder.flush();

    const [listed] = await listRuns(engine, 1);
    expect([listed?.tasksSkipped, listed?.tasksUnchanged]).toEqual([3, 2]);
    expect((await findRun(engine, 'r1'))?.tasksUnchanged).toBe(2);
    expect((await findRunSummary(engine, 'r1'))?.tasksUnchanged).toBe(2);
  });

  it('gives no latest run before the first', async () => {
    expect(await latestRun(engine)).toBeNull();
    expect(await listRuns(engine, 20)).toEqual([]);
  });
});

describe('task runs', () => {
  it('lists a run’s attempts, each task’s newest attempt, and which tasks succeeded', async () => {
    await startRun('r1', at('1T10:00:00'));
    const attempt = (taskId: string, attemptNo: number, startedAt: Date) => ({
      runId: 'r1',
      taskId,
      taskKind: 'model',
      target: `staging.${taskId}`,
      materialization: 'table',
      attempt: attemptNo,
      startedAt,
    });
    const first = attempt('orders', 1, at('1T10:00:01'));
    await recorder.taskStarted(first);
    await recorder.taskFinished(first, {
      status: 'failed',
      finishedAt: at('1T10:00:02'),
      error: new StrataError('SQL_FAILED', 'lock conflict', { hint: 'retry' }),
    });
    const second = attempt('orders', 2, at('1T10:00:03'));
    await recorder.taskStarted(second);
    await recorder.taskFinished(second, { status: 'success', finishedAt: at('1T10:00:04'), rowsOut: 10 });
    await recorder.taskSkipped(
      attempt('daily_sales', 1, at('1T10:00:05')),
      new StrataError('TASK_UPSTREAM_FAILED', 'upstream failed'),
    );
    await recorder.flush();

    const attempts = await taskAttempts(engine, 'r1');
    expect(attempts.map((a) => [a.task, a.attempt, a.status])).toEqual([
      ['orders', 1, 'failed'],
      ['orders', 2, 'success'],
      ['daily_sales', 1, 'skipped'],
    ]);
    expect(attempts[0]).toEqual({
      task: 'orders',
      kind: 'model',
      target: 'staging.orders',
      materialization: 'table',
      attempt: 1,
      status: 'failed',
      startedAt: '2025-03-01T10:00:01Z',
      durationMs: 1000,
      rowsOut: null,
      errorCode: 'SQL_FAILED',
      error: 'lock conflict',
      hint: 'retry',
    });
    expect(attempts[1]?.rowsOut).toBe(10);
    const latest = await latestTaskRuns(engine);
    expect(latest.sort((a, b) => a.taskId.localeCompare(b.taskId))).toEqual([
      { taskId: 'daily_sales', status: 'skipped', runId: 'r1' },
      { taskId: 'orders', status: 'success', runId: 'r1' },
    ]);
    expect(await taskSuccesses(engine, 'r1')).toEqual(
      new Map([
        ['orders', true],
        ['daily_sales', false],
      ]),
    );
  });
});

describe('dq results, daily metrics and alerts', () => {
  async function dailyRun(runId: string, metricDate: string, results: Record<string, CheckResult['status']>) {
    const startedAt = new Date(`${metricDate}T02:00:00Z`);
    await startRun(runId, startedAt);
    for (const [checkId, status] of Object.entries(results)) {
      await recorder.checkResult(runId, check(checkId, status, startedAt));
    }
    await recorder.flush();
    await recordDailyMetrics(engine, {
      runId,
      metricDate,
      command: 'run',
      status: 'success',
      runtimeMs: 60_000,
      tasksFailed: 0,
      tasksSkipped: 0,
      rowsByLayer: { staging: 10 },
      rowsBySource: { orders: { received: 12, staged: 9, quarantined: 2, duplicates: 1 } },
      received: 12,
      staged: 9,
      quarantined: 2,
      duplicates: 1,
      checksRun: Object.keys(results).length,
      checksFailed: Object.values(results).filter((s) => s === 'fail').length,
      checksWarned: 0,
      recordedAt: startedAt,
    });
  }

  it('reads a run’s check results back as the checks produced them', async () => {
    await dailyRun('r1', '2025-03-01', { a_check: 'fail', b_check: 'pass' });
    const results = await checkResultsOf(engine, 'r1');
    expect(results.map((r) => r.checkId)).toEqual(['a_check', 'b_check']);
    expect(results[0]).toEqual(check('a_check', 'fail', new Date('2025-03-01T02:00:00Z')));
    expect(await checkResultsOf(engine, 'other')).toEqual([]);
  });

  it('counts the run dates a check has not passed on, back to its last pass', async () => {
    await dailyRun('d1', '2025-03-01', { c: 'pass', d: 'fail' });
    await dailyRun('d2', '2025-03-02', { c: 'fail', d: 'fail' });
    await dailyRun('d3', '2025-03-03', { c: 'fail', d: 'pass' });
    const streaks = await failingCheckStreaks(engine, 'd3');
    expect(streaks).toEqual([
      {
        checkId: 'c',
        status: 'fail',
        severity: 'error',
        target: 'orders',
        failingRows: 3,
        checkedRows: 10,
        message: '3 rows have no order_id.',
        days: 2,
        sinceDate: '2025-03-02',
        untilDate: '2025-03-03',
      },
    ]);
  });

  it('writes and reads a run’s daily metrics line', async () => {
    await dailyRun('r1', '2025-03-01', { c: 'fail' });
    expect(await runMetrics(engine, 'r1')).toEqual({
      metricDate: '2025-03-01',
      runtimeMs: 60_000,
      rowsByLayer: { staging: 10 },
      rowsBySource: { orders: { received: 12, staged: 9, quarantined: 2, duplicates: 1 } },
      received: 12,
      staged: 9,
      quarantined: 2,
      duplicates: 1,
      checksRun: 1,
      checksFailed: 1,
      checksWarned: 0,
    });
    expect(await runMetrics(engine, 'none')).toBeNull();
  });

  it('records a run’s alerts in one statement, replacing them when raised again', async () => {
    const raisedAt = new Date('2025-03-01T03:00:00Z');
    await recordAlerts(
      engine,
      'r1',
      [
        { rule: 'runtime', subject: 'run', message: 'slow', delivery: 'logged', attempts: 0 },
        {
          rule: 'volume_drop',
          subject: 'orders',
          message: 'dropped',
          delivery: 'failed',
          attempts: 3,
          deliveryError: 'HTTP 500',
        },
      ],
      raisedAt,
    );
    await recordAlerts(
      engine,
      'r1',
      [{ rule: 'runtime', subject: 'run', message: 'slower', delivery: 'delivered', attempts: 1 }],
      raisedAt,
    );
    await recordAlerts(engine, 'r1', [], raisedAt);
    expect(await alertsOf(engine, 'r1')).toEqual([
      {
        rule: 'runtime',
        subject: 'run',
        message: 'slower',
        delivery: 'delivered',
        attempts: 1,
        deliveryError: null,
      },
      {
        rule: 'volume_drop',
        subject: 'orders',
        message: 'dropped',
        delivery: 'failed',
        attempts: 3,
        deliveryError: 'HTTP 500',
      },
    ]);
  });
});

describe('a run whose process is gone', () => {
  it('shows as interrupted when no run holds the lock, and as running while one does', async () => {
    await startRun('r1', at('1T01:00:00'));
    await finishRun('r1', at('1T01:00:00'), 2);
    await startRun('r2', at('2T01:00:00'));
    const recorded = await listRuns(engine, 10);
    expect((await markInterrupted(engine, recorded)).map((r) => [r.runId, r.status])).toEqual([
      ['r2', 'interrupted'],
      ['r1', 'success'],
    ]);
    const lock = await engine.acquireRunLock();
    try {
      expect((await markInterrupted(engine, recorded)).map((r) => r.status)).toEqual(['running', 'success']);
    } finally {
      await lock.release();
    }
    // Looking takes the lock only for a moment: a run can start right after.
    await (await engine.acquireRunLock()).release();
  });

  it('shows as interrupted while the lock is held when its process on this host has ended', async () => {
    // a process that has certainly ended: a child that already exited
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(gone.stdout);
    await startRun('dead-here', at('3T01:00:00'), { pid: deadPid, host: hostname() });
    await startRun('alive-here', at('3T02:00:00'), { pid: process.pid, host: hostname() });
    await startRun('dead-elsewhere', at('3T03:00:00'), { pid: deadPid, host: `not-${hostname()}` });
    const recorded = await listRuns(engine, 10);
    expect(recorded.find((r) => r.runId === 'alive-here')).toMatchObject({
      pid: process.pid,
      host: hostname(),
    });
    const lock = await engine.acquireRunLock();
    try {
      const shown = new Map((await markInterrupted(engine, recorded)).map((r) => [r.runId, r.status]));
      expect([shown.get('dead-here'), shown.get('alive-here'), shown.get('dead-elsewhere')]).toEqual([
        'interrupted',
        'running',
        'running',
      ]);
    } finally {
      await lock.release();
    }
  });
});
