import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors/strata-error.ts';
import {
  type AttemptContext,
  type ScheduledTask,
  type SchedulerOptions,
  type TaskOutcome,
  runDag,
} from './scheduler.ts';

const task = (id: string, deps: string[] = [], extra: Partial<ScheduledTask> = {}): ScheduledTask => ({
  id,
  deps,
  retryable: true,
  retries: 0,
  timeoutMs: 10_000,
  ...extra,
});

const transientError = (message = 'could not serialize: conflict') =>
  new StrataError('SQL_FAILED', message, { transient: true });

/** Records what the scheduler did: attempts, sleeps, hook calls. */
function recorder() {
  const sleeps: number[] = [];
  const events: string[] = [];
  const attempts = new Map<string, number>();
  const options = {
    concurrency: 4,
    retryDelayMs: 100,
    retryMaxDelayMs: 10_000,
    isTransient: () => false,
    random: () => 0.5,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    hooks: {
      attemptStarted: (t: ScheduledTask, attempt: number) => void events.push(`start ${t.id}#${attempt}`),
      attemptSucceeded: (t: ScheduledTask, attempt: number) => void events.push(`ok ${t.id}#${attempt}`),
      attemptFailed: (t: ScheduledTask, attempt: number, error: StrataError, retryInMs?: number) =>
        void events.push(
          `fail ${t.id}#${attempt} ${error.code}${retryInMs === undefined ? '' : ` retry ${retryInMs}`}`,
        ),
      skipped: (t: ScheduledTask, reason: StrataError) => void events.push(`skip ${t.id} ${reason.code}`),
    },
  };
  const count = (id: string) => {
    const n = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, n);
    return n;
  };
  return { sleeps, events, attempts, options, count };
}

function run<R>(
  tasks: ScheduledTask[],
  options: Omit<SchedulerOptions<R>, 'execute'>,
  execute: (t: ScheduledTask, c: AttemptContext) => Promise<R>,
): Promise<Map<string, TaskOutcome<R>>> {
  return runDag<R>(tasks, { ...options, execute });
}

describe('runDag retries', () => {
  it('retries a transient failure with increasing, jittered backoff, then succeeds', async () => {
    const r = recorder();
    const outcomes = await run([task('a', [], { retries: 3 })], r.options, async (t) => {
      if (r.count(t.id) < 3) throw transientError();
      return 'done';
    });
    expect(outcomes.get('a')).toEqual({ status: 'success', result: 'done', attempts: 3 });
    // equal jitter with random() = 0.5: 3/4 of 100·2^(attempt-1)
    expect(r.sleeps).toEqual([75, 150]);
    expect(r.events).toEqual([
      'start a#1',
      'fail a#1 SQL_FAILED retry 75',
      'start a#2',
      'fail a#2 SQL_FAILED retry 150',
      'start a#3',
      'ok a#3',
    ]);
  });

  it('backoff grows with every attempt and stays within [half, full] of the exponential delay', async () => {
    for (const [random, expected] of [
      [0, [50, 100, 200, 400]],
      [1, [100, 200, 400, 800]],
    ] as const) {
      const r = recorder();
      await run([task('a', [], { retries: 4 })], { ...r.options, random: () => random }, async () => {
        throw transientError();
      });
      expect(r.sleeps).toEqual(expected);
    }
  });

  it('asks the engine whether an error is transient (its own errors and their causes)', async () => {
    const r = recorder();
    const seen: unknown[] = [];
    const driverError = new Error('Conflict on tuple deletion');
    const outcomes = await run(
      [task('a', [], { retries: 2 }), task('b', [], { retries: 2 })],
      {
        ...r.options,
        isTransient: (error) => {
          seen.push(error);
          return error === driverError;
        },
      },
      async (t) => {
        const attempt = r.count(t.id);
        if (t.id === 'a' && attempt === 1) throw driverError;
        if (t.id === 'b' && attempt === 1)
          throw new StrataError('SQL_FAILED', 'wrapped', { cause: driverError });
        return attempt;
      },
    );
    expect(outcomes.get('a')).toMatchObject({ status: 'success', attempts: 2 });
    expect(outcomes.get('b')).toMatchObject({ status: 'success', attempts: 2 });
    expect(seen).toContain(driverError);
  });

  it('does not retry a failure that is not transient', async () => {
    const r = recorder();
    const outcomes = await run([task('a', [], { retries: 5 })], r.options, async (t) => {
      r.count(t.id);
      throw new StrataError('DUPLICATE_KEY', 'two rows for key 1');
    });
    expect(outcomes.get('a')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'DUPLICATE_KEY' },
    });
    expect(r.attempts.get('a')).toBe(1);
    expect(r.sleeps).toEqual([]);
    expect(r.events).toEqual(['start a#1', 'fail a#1 DUPLICATE_KEY']);
  });

  it('wraps a thrown non-StrataError as INTERNAL and does not retry it', async () => {
    const r = recorder();
    const outcomes = await run([task('a', [], { retries: 5 })], r.options, async () => {
      throw new TypeError('undefined is not a function');
    });
    const outcome = outcomes.get('a');
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'INTERNAL' } });
    expect(outcome?.status === 'failed' && outcome.error.message).toBe('undefined is not a function');
  });

  it('does not retry a task that is not retryable, even on a transient failure', async () => {
    const r = recorder();
    const outcomes = await run([task('a', [], { retries: 5, retryable: false })], r.options, async (t) => {
      r.count(t.id);
      throw transientError();
    });
    expect(outcomes.get('a')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(r.attempts.get('a')).toBe(1);
    expect(r.sleeps).toEqual([]);
  });

  it('fails after the last retry: retries + 1 attempts in all', async () => {
    const r = recorder();
    const outcomes = await run([task('a', [], { retries: 2 }), task('b', ['a'])], r.options, async (t) => {
      r.count(t.id);
      throw transientError(`attempt ${r.attempts.get(t.id)}`);
    });
    expect(outcomes.get('a')).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { message: 'attempt 3' },
    });
    expect(r.attempts.get('a')).toBe(3);
    expect(r.sleeps).toEqual([75, 150]);
    expect(r.events.at(-2)).toBe('fail a#3 SQL_FAILED');
    expect(outcomes.get('b')).toMatchObject({ status: 'skipped' });
    expect(r.attempts.has('b')).toBe(false);
  });
});

describe('runDag ordering and concurrency', () => {
  it('never runs more than `concurrency` tasks at once, and uses all of it', async () => {
    for (const concurrency of [1, 3]) {
      const r = recorder();
      let inFlight = 0;
      let maxInFlight = 0;
      const tasks = Array.from({ length: 12 }, (_, i) => task(`t${i}`, i >= 8 ? [`t${i - 8}`] : []));
      const outcomes = await run(tasks, { ...r.options, concurrency }, async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return true;
      });
      expect(maxInFlight).toBe(concurrency);
      expect([...outcomes.values()].every((o) => o.status === 'success')).toBe(true);
      expect(outcomes.size).toBe(12);
    }
  });

  it('starts a task only after every dependency succeeded', async () => {
    const r = recorder();
    const finished = new Set<string>();
    const graph: Record<string, string[]> = { a: [], b: [], c: ['a', 'b'], d: ['c'], e: ['a', 'd'] };
    const outcomes = await run(
      Object.entries(graph).map(([id, deps]) => task(id, deps)),
      r.options,
      async (t) => {
        for (const dep of graph[t.id] ?? []) expect(finished.has(dep), `${t.id} before ${dep}`).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, t.id === 'a' ? 10 : 1));
        finished.add(t.id);
        return t.id;
      },
    );
    expect([...outcomes.values()].map((o) => o.status)).toEqual(Array(5).fill('success'));
  });

  it('skips everything downstream of a failure, transitively, while independent branches finish', async () => {
    const r = recorder();
    // a fails → b → c, and d depends on a (failed) and x (fine); x → y is independent
    const tasks = [
      task('a'),
      task('b', ['a']),
      task('c', ['b']),
      task('x'),
      task('y', ['x']),
      task('d', ['x', 'c']),
    ];
    const executed: string[] = [];
    const outcomes = await run(tasks, { ...r.options, concurrency: 2 }, async (t) => {
      executed.push(t.id);
      if (t.id === 'a') throw new StrataError('SQL_FAILED', 'a is broken');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return t.id;
    });
    expect(executed.sort()).toEqual(['a', 'x', 'y']);
    expect(Object.fromEntries([...outcomes].map(([id, o]) => [id, o.status]))).toEqual({
      a: 'failed',
      b: 'skipped',
      c: 'skipped',
      d: 'skipped',
      x: 'success',
      y: 'success',
    });
    for (const id of ['b', 'c', 'd']) {
      const outcome = outcomes.get(id);
      expect(outcome?.status === 'skipped' && outcome.reason.code).toBe('TASK_UPSTREAM_FAILED');
      expect(outcome?.status === 'skipped' && outcome.reason.message).toContain('a');
    }
    expect(r.events.filter((e) => e.startsWith('skip')).sort()).toEqual([
      'skip b TASK_UPSTREAM_FAILED',
      'skip c TASK_UPSTREAM_FAILED',
      'skip d TASK_UPSTREAM_FAILED',
    ]);
  });

  it('settles a task its `unchanged` question names without an attempt; what depends on it goes on', async () => {
    const r = recorder();
    const unchangedEvents: string[] = [];
    const tasks = [task('a'), task('b', ['a']), task('c', ['b'])];
    const asked: string[] = [];
    const outcomes = await run(
      tasks,
      {
        ...r.options,
        hooks: {
          ...r.options.hooks,
          unchanged: (t, reason) => void unchangedEvents.push(`${t.id} ${reason.code}`),
        },
        // asked once a task's upstream has settled: b after a, and c after b was found unchanged
        unchanged: (t) => {
          asked.push(t.id);
          return t.id === 'b' ? new StrataError('TASK_UNCHANGED', 'unchanged: inputs unchanged') : undefined;
        },
      },
      async (t) => t.id,
    );
    expect(asked).toEqual(['a', 'b', 'c']);
    expect(Object.fromEntries([...outcomes].map(([id, o]) => [id, o.status]))).toEqual({
      a: 'success',
      b: 'unchanged',
      c: 'success',
    });
    expect(unchangedEvents).toEqual(['b TASK_UNCHANGED']);
    expect(r.events.filter((e) => e.includes(' b'))).toEqual([]);
  });

  it('ignores dependencies outside the schedule (a partial selection or a resume)', async () => {
    const r = recorder();
    const outcomes = await run([task('b', ['a']), task('c', ['b'])], r.options, async (t) => t.id);
    expect([...outcomes.values()].map((o) => o.status)).toEqual(['success', 'success']);
  });
});

describe('runDag timeouts', () => {
  it('aborts the attempt through its AbortSignal and fails it with TASK_TIMEOUT, without retrying', async () => {
    const r = recorder();
    let signalSeen: AbortSignal | undefined;
    const started = Date.now();
    const outcomes = await run(
      [task('slow', [], { timeoutMs: 100, retries: 3 }), task('after', ['slow']), task('other')],
      r.options,
      (t, { signal }) => {
        if (t.id !== 'slow') return Promise.resolve(t.id);
        signalSeen = signal;
        // a cancellable piece of work: it only ends when aborted
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new StrataError('QUERY_CANCELLED', 'interrupted')));
        });
      },
    );
    const elapsed = Date.now() - started;
    expect(signalSeen?.aborted).toBe(true);
    const outcome = outcomes.get('slow');
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'TASK_TIMEOUT' } });
    expect(outcome?.status === 'failed' && outcome.error.message).toContain('0.1s');
    expect(outcome?.status === 'failed' && (outcome.error.cause as StrataError).code).toBe('QUERY_CANCELLED');
    expect(outcome?.status === 'failed' && outcome.error.hint).toContain('timeout_seconds');
    expect(outcomes.get('after')).toMatchObject({ status: 'skipped' });
    expect(outcomes.get('other')).toMatchObject({ status: 'success' });
    expect(r.sleeps).toEqual([]);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('gives each attempt a fresh signal that is not aborted when the attempt ends in time', async () => {
    const r = recorder();
    const signals: AbortSignal[] = [];
    const outcomes = await run(
      [task('a', [], { timeoutMs: 1_000, retries: 1 })],
      r.options,
      async (_t, c) => {
        signals.push(c.signal);
        if (c.attempt === 1) throw transientError();
        return c.attempt;
      },
    );
    expect(outcomes.get('a')).toMatchObject({ status: 'success', result: 2 });
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });
});

describe('an interrupted schedule (options.signal aborted)', () => {
  it('cancels the running attempt without retrying it, starts nothing more, and skips the rest', async () => {
    const { events, options, count } = recorder();
    const stop = new AbortController();
    const interrupted: string[] = [];
    const outcomes = await run(
      [task('a'), task('b', ['a'], { retries: 3 }), task('c', ['b']), task('d', ['a'])],
      {
        ...options,
        concurrency: 1,
        signal: stop.signal,
        isTransient: () => true,
        hooks: {
          ...options.hooks,
          attemptInterrupted: (t: ScheduledTask, attempt: number, error: StrataError) =>
            void interrupted.push(`${t.id}#${attempt} ${error.code} ${error.message}`),
        },
      },
      (t, { signal }) => {
        count(t.id);
        if (t.id !== 'b') return Promise.resolve(t.id);
        // b runs until its attempt's signal is aborted, then fails as a cancelled query does
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(transientError('cancelled')), { once: true });
          stop.abort('SIGTERM');
        });
      },
    );
    expect(outcomes.get('a')).toMatchObject({ status: 'success' });
    expect(outcomes.get('b')).toMatchObject({ status: 'interrupted', attempts: 1 });
    expect(outcomes.get('c')).toMatchObject({ status: 'skipped', reason: { code: 'RUN_INTERRUPTED' } });
    expect(outcomes.get('d')).toMatchObject({ status: 'skipped', reason: { code: 'RUN_INTERRUPTED' } });
    expect(interrupted).toEqual(['b#1 RUN_INTERRUPTED b was cancelled: the run was interrupted (SIGTERM)']);
    expect(events).toEqual([
      'start a#1',
      'ok a#1',
      'start b#1',
      'skip c RUN_INTERRUPTED',
      'skip d RUN_INTERRUPTED',
    ]);
  });

  it('does not retry a task whose signal is aborted while it waits for its retry', async () => {
    const { events, options, count } = recorder();
    const stop = new AbortController();
    const outcomes = await run(
      [task('a', [], { retries: 3 })],
      { ...options, signal: stop.signal, sleep: async () => void stop.abort('SIGINT') },
      (t) => {
        count(t.id);
        return Promise.reject(transientError());
      },
    );
    expect(outcomes.get('a')).toMatchObject({
      status: 'interrupted',
      attempts: 1,
      error: { code: 'RUN_INTERRUPTED' },
    });
    expect(events).toEqual(['start a#1', 'fail a#1 SQL_FAILED retry 75']);
  });

  it('starts nothing when the signal is aborted before the schedule runs', async () => {
    const { options, attempts } = recorder();
    const stop = new AbortController();
    stop.abort();
    const outcomes = await run([task('a'), task('b', ['a'])], { ...options, signal: stop.signal }, () =>
      Promise.resolve(1),
    );
    expect(attempts.size).toBe(0);
    expect([...outcomes.values()].map((o) => o.status)).toEqual(['skipped', 'skipped']);
  });
});
