import { StrataError, toStrataError } from '../errors/strata-error.ts';
import { backoffDelay, sleep as realSleep } from '../time/backoff.ts';

export interface ScheduledTask {
  id: string;
  /** Ids of tasks in this schedule that must succeed first. */
  deps: readonly string[];
  /** Only idempotent tasks may be retried. */
  retryable: boolean;
  retries: number;
  timeoutMs: number;
}

export interface AttemptContext {
  attempt: number;
  /** Aborted when the attempt times out; the task must stop and roll back. */
  signal: AbortSignal;
}

export type TaskOutcome<R> =
  | { status: 'success'; result: R; attempts: number }
  | { status: 'failed'; error: StrataError; attempts: number }
  | { status: 'skipped'; reason: StrataError };

export interface SchedulerHooks<R> {
  attemptStarted?(task: ScheduledTask, attempt: number): void | Promise<void>;
  attemptSucceeded?(task: ScheduledTask, attempt: number, result: R): void | Promise<void>;
  attemptFailed?(
    task: ScheduledTask,
    attempt: number,
    error: StrataError,
    retryInMs?: number,
  ): void | Promise<void>;
  skipped?(task: ScheduledTask, reason: StrataError): void | Promise<void>;
}

export interface SchedulerOptions<R> {
  concurrency: number;
  retryDelayMs: number;
  retryMaxDelayMs: number;
  execute(task: ScheduledTask, context: AttemptContext): Promise<R>;
  isTransient(error: unknown): boolean;
  hooks?: SchedulerHooks<R>;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs a DAG of tasks with at most `concurrency` at once. A failed task marks everything downstream
 * of it skipped; independent branches go on. Transient failures of retryable tasks are retried with
 * exponential backoff and jitter; an attempt past its timeout is aborted and fails.
 */
export async function runDag<R>(
  tasks: readonly ScheduledTask[],
  options: SchedulerOptions<R>,
): Promise<Map<string, TaskOutcome<R>>> {
  const outcomes = new Map<string, TaskOutcome<R>>();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const waitingOn = new Map(tasks.map((t) => [t.id, new Set(t.deps.filter((d) => byId.has(d)))]));
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const task of tasks)
    for (const dep of waitingOn.get(task.id) ?? []) dependents.get(dep)?.push(task.id);

  const ready = tasks.filter((t) => waitingOn.get(t.id)?.size === 0).map((t) => t.id);
  const running = new Set<Promise<void>>();

  const skipDownstream = async (failedId: string, cause: StrataError) => {
    const stack = [...(dependents.get(failedId) ?? [])];
    const why = cause.code === 'CHECK_FAILED' ? ` (${cause.code})` : '';
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (outcomes.has(id)) continue;
      const reason = new StrataError('TASK_UPSTREAM_FAILED', `skipped: upstream ${failedId} failed${why}`, {
        model: id,
        hint: `Fix ${failedId}, then rerun with --resume to run only what failed or was skipped.`,
      });
      outcomes.set(id, { status: 'skipped', reason });
      await options.hooks?.skipped?.(byId.get(id) as ScheduledTask, reason);
      stack.push(...(dependents.get(id) ?? []));
    }
  };

  const finish = async (id: string, outcome: TaskOutcome<R>) => {
    outcomes.set(id, outcome);
    if (outcome.status === 'failed') return skipDownstream(id, outcome.error);
    if (outcome.status === 'skipped') return skipDownstream(id, outcome.reason);
    for (const next of dependents.get(id) ?? []) {
      const waiting = waitingOn.get(next);
      waiting?.delete(id);
      if (waiting?.size === 0 && !outcomes.has(next)) ready.push(next);
    }
  };

  while (ready.length > 0 || running.size > 0) {
    while (ready.length > 0 && running.size < options.concurrency) {
      const task = byId.get(ready.shift() as string) as ScheduledTask;
      const promise: Promise<void> = runWithRetries(task, options)
        .then((outcome) => finish(task.id, outcome))
        .finally(() => running.delete(promise));
      running.add(promise);
    }
    if (running.size > 0) await Promise.race(running);
  }
  const stuck = tasks.filter((t) => !outcomes.has(t.id)).map((t) => t.id);
  if (stuck.length > 0) throw new Error(`tasks wait on each other in a cycle: ${stuck.join(', ')}`);
  return outcomes;
}

async function runWithRetries<R>(task: ScheduledTask, options: SchedulerOptions<R>): Promise<TaskOutcome<R>> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    await options.hooks?.attemptStarted?.(task, attempt);
    try {
      const result = await runAttempt(task, attempt, options);
      await options.hooks?.attemptSucceeded?.(task, attempt, result);
      return { status: 'success', result, attempts: attempt };
    } catch (thrown) {
      const error = toStrataError(thrown);
      const transient = error.transient || options.isTransient(thrown) || options.isTransient(error.cause);
      const retry = task.retryable && transient && attempt <= task.retries;
      const delay = retry
        ? backoffDelay(attempt, options.retryDelayMs, options.retryMaxDelayMs, options.random)
        : undefined;
      await options.hooks?.attemptFailed?.(task, attempt, error, delay);
      if (delay === undefined) return { status: 'failed', error, attempts: attempt };
      await sleep(delay);
    }
  }
}

async function runAttempt<R>(task: ScheduledTask, attempt: number, options: SchedulerOptions<R>): Promise<R> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, task.timeoutMs);
  try {
    return await options.execute(task, { attempt, signal: controller.signal });
  } catch (error) {
    if (timedOut) {
      throw new StrataError(
        'TASK_TIMEOUT',
        `${task.id} ran longer than its timeout of ${formatSeconds(task.timeoutMs)}`,
        {
          model: task.id,
          cause: error,
          hint: 'Raise timeout_seconds in the model header (or run.taskTimeoutSeconds), or make the model cheaper.',
        },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}
