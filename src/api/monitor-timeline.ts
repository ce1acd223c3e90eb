import type { TaskAttempt } from '../audit/task-runs.ts';
import { isUnchangedSkip } from '../errors/codes.ts';
import type { MonitorTaskAttempt, MonitorTimelineTask } from '../dashboards/monitor-runs-views.ts';

/**
 * A run's task attempts laid on its time axis (pure): one row per task, its attempts in order,
 * the reason a skipped task did not run, and the critical path — the chain of dependencies that
 * ends last.
 */
export interface Timeline {
  spanMs: number;
  tasks: MonitorTimelineTask[];
  criticalPath: string[];
}

/**
 * `deps` maps a task id to the tasks it waits for (from the project's DAG); ids not in the run are
 * ignored. `now` ends the bar of an attempt still running.
 */
export function buildTimeline(
  runStartedAt: string,
  attempts: readonly TaskAttempt[],
  deps: ReadonlyMap<string, readonly string[]>,
  now: Date,
): Timeline {
  const origin = Date.parse(runStartedAt);
  const byTask = new Map<string, MonitorTaskAttempt[]>();
  const kinds = new Map<string, string>();
  for (const a of attempts) {
    const start = Date.parse(a.startedAt) - origin;
    const end = a.durationMs === null ? Math.max(start, now.getTime() - origin) : start + a.durationMs;
    const bar: MonitorTaskAttempt = {
      task: a.task,
      kind: a.kind,
      target: a.target,
      attempt: a.attempt,
      status: a.status,
      startedAt: a.startedAt,
      durationMs: a.durationMs,
      startMs: start,
      endMs: end,
      rowsOut: a.rowsOut,
      errorCode: a.errorCode,
      error: a.error,
      hint: a.hint,
      unchanged: isUnchangedSkip(a.status, a.errorCode),
    };
    byTask.set(a.task, [...(byTask.get(a.task) ?? []), bar]);
    kinds.set(a.task, a.kind);
  }
  const ends = new Map<string, number>();
  for (const [task, bars] of byTask) ends.set(task, Math.max(...bars.map((b) => b.endMs)));
  const upstreamOf = (task: string) => (deps.get(task) ?? []).filter((d) => byTask.has(d));
  const criticalPath = criticalChain([...byTask.keys()], ends, upstreamOf, byTask);
  const critical = new Set(criticalPath);
  const tasks: MonitorTimelineTask[] = [...byTask].map(([task, bars]) => {
    bars.sort((a, b) => a.attempt - b.attempt);
    const last = bars[bars.length - 1] as MonitorTaskAttempt;
    return {
      task,
      kind: kinds.get(task) ?? 'build',
      status: last.status,
      attempts: bars,
      skipReason: last.status === 'skipped' ? (last.error ?? 'skipped') : null,
      upstream: upstreamOf(task),
      critical: critical.has(task),
    };
  });
  const spanMs = Math.max(0, ...ends.values());
  return { spanMs, tasks, criticalPath };
}

/**
 * The chain that ends last: from the task that finishes last, step back each time to the upstream
 * task that finished last (the one it really waited for), until a task waited for none. Skipped
 * tasks never ran, so a chain never holds one, and a run where nothing ran (every task unchanged,
 * say) has no critical path: nothing waited for anything.
 */
export function criticalChain(
  tasks: readonly string[],
  ends: ReadonlyMap<string, number>,
  upstreamOf: (task: string) => readonly string[],
  attempts: ReadonlyMap<string, readonly { status: string }[]> = new Map(),
): string[] {
  const ran = (task: string) =>
    (attempts.get(task) ?? [{ status: 'ran' }]).some((a) => a.status !== 'skipped');
  const latest = (candidates: readonly string[]) => {
    let best: string | undefined;
    for (const task of candidates) {
      const end = ends.get(task) ?? -Infinity;
      const bestEnd = best === undefined ? -Infinity : (ends.get(best) ?? -Infinity);
      if (best === undefined || end > bestEnd || (end === bestEnd && task < best)) best = task;
    }
    return best;
  };
  let current = latest(tasks.filter(ran));
  const chain: string[] = [];
  const seen = new Set<string>();
  while (current !== undefined && !seen.has(current)) {
    chain.unshift(current);
    seen.add(current);
    current = latest(upstreamOf(current).filter(ran));
  }
  return chain;
}
