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
  /** Aborted when the attempt times out or the run is interrupted; the task must stop and roll back. */
  signal: AbortSignal;
}

export type TaskOutcome<R> =
  | { status: 'success'; result: R; attempts: number }
  | { status: 'failed'; error: StrataError; attempts: number }
  /** The run's signal was aborted while the task ran: its attempt was cancelled and rolled back. */
  | { status: 'interrupted'; error: StrataError; attempts: number }
  | { status: 'skipped'; reason: StrataError }
  /** Not run because its inputs did not change (`SchedulerOptions.unchanged`): done, as a success is. */
  | { status: 'unchanged'; reason: StrataError };

export interface SchedulerHooks<R> {
  attemptStarted?(task: ScheduledTask, attempt: number): void | Promise<void>;
  attemptSucceeded?(task: ScheduledTask, attempt: number, result: R): void | Promise<void>;
  attemptFailed?(
    task: ScheduledTask,
    attempt: number,
    error: StrataError,
    retryInMs?: number,
  ): void | Promise<void>;
  /** The attempt was cancelled because the run's signal was aborted (never retried). */
  attemptInterrupted?(task: ScheduledTask, attempt: number, error: StrataError): void | Promise<void>;
  skipped?(task: ScheduledTask, reason: StrataError): void | Promise<void>;
  /** The task was not run: nothing it reads changed (TASK_UNCHANGED). */
  unchanged?(task: ScheduledTask, reason: StrataError): void | Promise<void>;
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
  /**
   * Aborting it interrupts the whole schedule: no task starts any more, the running attempts'
   * signals are aborted (and not retried), and every task not finished is settled at once.
   */
  signal?: AbortSignal;
  /**
   * Asked as a task becomes ready to start (its upstream settled): a reason when it need not run
   * because its inputs did not change. Such a task is settled `unchanged` without an attempt, and
   * what depends on it goes on as after a success.
   */
  unchanged?(task: ScheduledTask): StrataError | undefined | Promise<StrataError | undefined>;
}

/**
 * Runs a DAG of tasks with at most `concurrency` at once. A failed task marks everything downstream
 * of it skipped; independent branches go on. Transient failures of retryable tasks are retried with
 * exponential backoff and jitter; an attempt past its timeout is aborted and fails. Once
 * `options.signal` is aborted, running attempts end `interrupted` and every task that had not
 * started is skipped with RUN_INTERRUPTED (after its running upstream settles).
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

  const interrupted = () => options.signal?.aborted === true;
  while ((ready.length > 0 && !interrupted()) || running.size > 0) {
    while (ready.length > 0 && running.size < options.concurrency && !interrupted()) {
      const task = byId.get(ready.shift() as string) as ScheduledTask;
      const promise: Promise<void> = startTask(task, options)
        .then((outcome) => finish(task.id, outcome))
        .finally(() => running.delete(promise));
      running.add(promise);
    }
    if (running.size > 0) await Promise.race(running);
  }
  if (interrupted()) {
    for (const task of tasks) {
      if (outcomes.has(task.id)) continue;
      const reason = interruption(
        options.signal,
        `${task.id} did not start: the run was interrupted`,
        task.id,
      );
      outcomes.set(task.id, { status: 'skipped', reason });
      await options.hooks?.skipped?.(task, reason);
    }
  }
  const stuck = tasks.filter((t) => !outcomes.has(t.id)).map((t) => t.id);
  if (stuck.length > 0) throw new Error(`tasks wait on each other in a cycle: ${stuck.join(', ')}`);
  return outcomes;
}

/** A task's attempts, unless it need not run at all. */
async function startTask<R>(task: ScheduledTask, options: SchedulerOptions<R>): Promise<TaskOutcome<R>> {
  const reason = await options.unchanged?.(task);
  if (reason) {
    await options.hooks?.unchanged?.(task, reason);
    return { status: 'unchanged', reason };
  }
  return runWithRetries(task, options);
}

async function runWithRetries<R>(task: ScheduledTask, options: SchedulerOptions<R>): Promise<TaskOutcome<R>> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 && options.signal?.aborted) {
      // Interrupted while waiting to retry: no new attempt (the failed one is recorded as such).
      const error = interruption(
        options.signal,
        `${task.id} was not retried: the run was interrupted`,
        task.id,
      );
      return { status: 'interrupted', error, attempts: attempt - 1 };
    }
    await options.hooks?.attemptStarted?.(task, attempt);
    try {
      const result = await runAttempt(task, attempt, options);
      await options.hooks?.attemptSucceeded?.(task, attempt, result);
      return { status: 'success', result, attempts: attempt };
    } catch (thrown) {
      if (options.signal?.aborted) {
        const error =
          thrown instanceof StrataError && thrown.code === 'TASK_TIMEOUT'
            ? thrown
            : interruption(
                options.signal,
                `${task.id} was cancelled: the run was interrupted`,
                task.id,
                thrown,
              );
        if (error.code === 'RUN_INTERRUPTED') {
          await options.hooks?.attemptInterrupted?.(task, attempt, error);
          return { status: 'interrupted', error, attempts: attempt };
        }
      }
      const error = toStrataError(thrown);
      const transient = error.transient || options.isTransient(thrown) || options.isTransient(error.cause);
      const retry = task.retryable && transient && attempt <= task.retries && !options.signal?.aborted;
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
  const interrupt = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', interrupt, { once: true });
  if (options.signal?.aborted) interrupt();
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
    options.signal?.removeEventListener('abort', interrupt);
  }
}

/** RUN_INTERRUPTED for a task, naming the signal when the abort's reason is one (`SIGTERM`). */
function interruption(
  signal: AbortSignal | undefined,
  message: string,
  taskId: string,
  cause?: unknown,
): StrataError {
  const reason = signal?.reason;
  const by = typeof reason === 'string' && /^SIG[A-Z]+$/.test(reason) ? ` (${reason})` : '';
  return new StrataError('RUN_INTERRUPTED', `${message}${by}`, {
    model: taskId,
    ...(cause === undefined ? {} : { cause }),
    hint: 'Rerun with --resume RUN_ID to run only what was interrupted, skipped or failed.',
  });
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}
