import { describe, expect, it } from 'vitest';
import type { TaskAttempt } from '../audit/task-runs.ts';
import { buildTimeline, criticalChain } from './monitor-timeline.ts';

const START = '2026-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

function attempt(
  task: string,
  startMs: number,
  durationMs: number | null,
  status = 'success',
  n = 1,
): TaskAttempt {
  return {
    task,
    kind: 'build',
    target: null,
    materialization: 'table',
    attempt: n,
    status,
    startedAt: at(startMs),
    durationMs,
    rowsOut: null,
    errorCode: null,
    error: status === 'skipped' ? `skipped: upstream x failed` : null,
    hint: null,
  };
}

/** A task skipped because nothing it reads had changed. */
function unchangedAttempt(task: string, startMs: number, durationMs: number): TaskAttempt {
  return {
    ...attempt(task, startMs, durationMs, 'skipped'),
    errorCode: 'TASK_UNCHANGED',
    error: 'unchanged: inputs unchanged',
  };
}

describe('the critical path', () => {
  // a → b → d, a → c → d; c is slow, so d waited for c: the path is a, c, d.
  const deps = new Map([
    ['b', ['a']],
    ['c', ['a']],
    ['d', ['b', 'c']],
    ['e', ['a']],
  ]);

  it('follows, from the task that ends last, the upstream task each one waited for', () => {
    const t = buildTimeline(
      START,
      [
        attempt('a', 0, 100),
        attempt('b', 100, 50),
        attempt('c', 100, 900),
        attempt('e', 100, 20),
        attempt('d', 1000, 200),
      ],
      deps,
      new Date(),
    );
    expect(t.criticalPath).toEqual(['a', 'c', 'd']);
    expect(t.spanMs).toBe(1200);
    expect(t.tasks.filter((x) => x.critical).map((x) => x.task)).toEqual(['a', 'c', 'd']);
  });

  it('counts a retried task by its last attempt, and never ends on a skipped task', () => {
    const t = buildTimeline(
      START,
      [
        attempt('a', 0, 100),
        attempt('c', 100, 50, 'failed', 1),
        attempt('c', 300, 400, 'success', 2),
        attempt('b', 100, 50),
        attempt('d', 800, 0, 'skipped'),
      ],
      deps,
      new Date(),
    );
    expect(t.criticalPath).toEqual(['a', 'c']);
    const c = t.tasks.find((x) => x.task === 'c');
    expect(c?.attempts.map((x) => [x.attempt, x.status, x.startMs, x.endMs])).toEqual([
      [1, 'failed', 100, 150],
      [2, 'success', 300, 700],
    ]);
    expect(t.tasks.find((x) => x.task === 'd')?.skipReason).toBe('skipped: upstream x failed');
  });

  it('draws a running attempt up to now', () => {
    const t = buildTimeline(
      START,
      [attempt('a', 0, 100), attempt('b', 100, null, 'running')],
      deps,
      new Date(Date.parse(START) + 2500),
    );
    expect(t.tasks.find((x) => x.task === 'b')?.attempts[0]?.endMs).toBe(2500);
    expect(t.criticalPath).toEqual(['a', 'b']);
  });

  it('ignores dependencies on tasks the run did not have, and survives a cycle in what it is given', () => {
    const ends = new Map([
      ['x', 5],
      ['y', 3],
    ]);
    const upstream = (task: string) => (task === 'x' ? ['y', 'ghost'] : ['x']);
    expect(criticalChain(['x', 'y'], ends, (t) => upstream(t).filter((u) => ends.has(u)))).toEqual([
      'y',
      'x',
    ]);
    expect(criticalChain([], new Map(), () => [])).toEqual([]);
  });
});

describe('a run where nothing ran', () => {
  it('has no critical path: every task was skipped', () => {
    const t = buildTimeline(
      START,
      [unchangedAttempt('a', 0, 3), unchangedAttempt('c', 3, 2)],
      new Map([['c', ['a']]]),
      new Date(),
    );
    expect(t.criticalPath).toEqual([]);
    expect(t.tasks.filter((x) => x.critical)).toEqual([]);
  });
});

describe('skipped attempts', () => {
  it('marks those skipped because nothing they read had changed, not those a failure stopped', () => {
    const t = buildTimeline(
      START,
      [unchangedAttempt('a', 0, 5), attempt('b', 5, 0, 'skipped'), attempt('c', 5, 10)],
      new Map(),
      new Date(),
    );
    expect(t.tasks.map((x) => [x.task, x.attempts.map((a) => a.unchanged)])).toEqual([
      ['a', [true]],
      ['b', [false]],
      ['c', [false]],
    ]);
  });
});
