import type { TaskAttemptRecord } from '../audit/recorder.ts';
import { type StrataError, serializeError } from '../errors/strata-error.ts';
import type { RowCounts } from './execute-steps.ts';
import type { PlannedTask } from './plan-tasks.ts';
import type { RunContext } from './run-context.ts';
import type { ScheduledTask, SchedulerHooks } from './scheduler.ts';
import type { RunWarning } from './events.ts';
import { taskMaterialization } from './task-summary.ts';
import type { ProjectNode } from '../models/types.ts';
import { type UnchangedInputs, foundUnchanged } from './unchanged-inputs.ts';

/** The scheduler's hooks of a run, and the time each task spent in its attempts. */
export interface AttemptHooks {
  hooks: SchedulerHooks<RowCounts>;
  /** Milliseconds spent in all of a task's attempts so far. */
  durationOf(taskId: string): number;
}

/**
 * Every attempt of a task is announced and recorded in audit.task_runs as it starts and ends. The
 * records are queued, not waited for: the recorder writes them in order, in batches, and the run
 * flushes it before it records its end (record-run.ts).
 */
export function attemptHooks(
  context: RunContext,
  runId: string,
  tasks: readonly PlannedTask[],
  inputs: UnchangedInputs,
  /** Drops the keys captured for a build skipped as unchanged (touched-keys.ts discardTouchedKeys). */
  discardCapturedKeys: (node: ProjectNode) => Promise<void>,
): AttemptHooks {
  const { recorder, emit, now } = context;
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const attemptStarts = new Map<string, Date>();
  const taskDurations = new Map<string, number>();
  const attemptDuration = (task: ScheduledTask, attempt: number, finishedAt: Date) => {
    const ms = finishedAt.getTime() - (attemptStarts.get(`${task.id}#${attempt}`) ?? finishedAt).getTime();
    taskDurations.set(task.id, (taskDurations.get(task.id) ?? 0) + ms);
    return ms;
  };
  const plannedTask = (task: ScheduledTask) => byId.get(task.id) as PlannedTask;
  // A view and a gate write no rows of their own.
  const rowsWritten = (task: ScheduledTask, rows: RowCounts) =>
    ['view', 'checks'].includes(taskMaterialization(plannedTask(task))) ? null : rows.rowsOut;
  const record = (task: ScheduledTask, attempt: number): TaskAttemptRecord => {
    const { node, kind } = plannedTask(task);
    return {
      runId,
      taskId: task.id,
      taskKind: kind === 'checks' ? 'checks' : node.kind,
      target: `${node.target.schema}.${node.target.name}`,
      materialization: taskMaterialization(plannedTask(task)),
      attempt,
      startedAt: attemptStarts.get(`${task.id}#${attempt}`) ?? now(),
      definitionHash: inputs.taskHash(plannedTask(task)),
    };
  };

  const hooks: SchedulerHooks<RowCounts> = {
    attemptStarted: async (task, attempt) => {
      attemptStarts.set(`${task.id}#${attempt}`, now());
      emit({ type: 'task_started', runId, task: task.id, attempt });
      void recorder.taskStarted(record(task, attempt));
    },
    attemptSucceeded: async (task, attempt, rows) => {
      const entry = record(task, attempt);
      const finishedAt = now();
      const { node, kind } = plannedTask(task);
      const dataChanged = kind === 'build' ? inputs.built(node, rows) : undefined;
      const durationMs = attemptDuration(task, attempt, finishedAt);
      // A task that found nothing to change is shown and recorded as skipped-unchanged.
      const unchanged = foundUnchanged(task.id, rows);
      if (unchanged) emit({ type: 'task_skipped', runId, task: task.id, reason: unchanged.message });
      else {
        emit({
          type: 'task_succeeded',
          runId,
          task: task.id,
          attempt,
          durationMs,
          rows: rowsWritten(task, rows),
          ...(rows.detail ? { detail: rows.detail } : {}),
        });
      }
      for (const warning of rows.warnings ?? []) {
        emit({ type: 'task_warning', runId, task: task.id, warning: runWarning(plannedTask(task), warning) });
      }
      const { warnings, unchanged: _unchanged, ...counts } = rows;
      void recorder.taskFinished(entry, {
        status: unchanged ? 'skipped' : 'success',
        finishedAt,
        ...counts,
        rowsOut: rowsWritten(task, rows) ?? undefined,
        // One attempt row has room for one: the first (a source raises at most one today).
        warning: unchanged ?? warnings?.[0],
        ...(dataChanged === undefined ? {} : { dataChanged }),
      });
    },
    attemptFailed: async (task, attempt, error, retryInMs) => {
      const entry = record(task, attempt);
      const finishedAt = now();
      emit({
        type: 'task_failed',
        runId,
        task: task.id,
        attempt,
        durationMs: attemptDuration(task, attempt, finishedAt),
        error: serializeError(error),
        ...(retryInMs === undefined ? {} : { retryInMs }),
      });
      void recorder.taskFinished(entry, { status: 'failed', finishedAt, error });
    },
    attemptInterrupted: async (task, attempt, error) => {
      const entry = record(task, attempt);
      const finishedAt = now();
      emit({
        type: 'task_interrupted',
        runId,
        task: task.id,
        attempt,
        durationMs: attemptDuration(task, attempt, finishedAt),
        error: serializeError(error),
      });
      void recorder.taskFinished(entry, { status: 'interrupted', finishedAt, error });
    },
    skipped: async (task, reason) => {
      emit({ type: 'task_skipped', runId, task: task.id, reason: reason.message });
      void recorder.taskSkipped({ ...record(task, 1), startedAt: now() }, reason);
    },
    unchanged: async (task, reason) => {
      const { node, kind } = plannedTask(task);
      if (kind === 'build') {
        // Nothing it reads changed, so the keys captured for it before the run are owed nothing.
        await discardCapturedKeys(node);
        inputs.skipped(node);
      }
      emit({ type: 'task_skipped', runId, task: task.id, reason: reason.message });
      void recorder.taskSkipped({ ...record(task, 1), startedAt: now() }, reason);
    },
  };
  return { hooks, durationOf: (taskId) => taskDurations.get(taskId) ?? 0 };
}

/** A task's warning as the run reports it: code, task, source, message and hint. */
export function runWarning(task: PlannedTask, warning: StrataError): RunWarning {
  return {
    code: warning.code,
    task: task.id,
    ...(task.node.kind === 'source' ? { source: task.node.name } : {}),
    message: warning.message,
    ...(warning.hint ? { hint: warning.hint } : {}),
  };
}
