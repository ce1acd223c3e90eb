import type { StrataError } from '../errors/strata-error.ts';
import { type ProjectNode, materializationOf } from '../models/types.ts';
import type { RowCounts } from './execute-steps.ts';
import type { PlannedTask } from './plan-tasks.ts';
import type { TaskOutcome } from './scheduler.ts';
import { foundUnchanged } from './unchanged-inputs.ts';

export interface TaskSummary {
  task: string;
  kind: ProjectNode['kind'] | 'checks';
  target: string;
  materialization: string;
  status: 'success' | 'failed' | 'interrupted' | 'skipped';
  attempts: number;
  /** Time spent in all attempts. */
  durationMs: number;
  rows?: RowCounts;
  error?: StrataError;
}

/** A planned task's outcome as the run reports it. */
export function summarise(
  task: PlannedTask,
  outcome: TaskOutcome<RowCounts> | undefined,
  durationMs: number,
): TaskSummary {
  const { node } = task;
  const base = {
    task: task.id,
    kind: task.kind === 'checks' ? ('checks' as const) : node.kind,
    target: `${node.target.schema}.${node.target.name}`,
    materialization: taskMaterialization(task),
    durationMs,
  };
  // runDag settles every task it is given; a missing outcome would be a scheduler bug.
  if (!outcome) throw new Error(`no outcome for task ${task.id}`);
  switch (outcome.status) {
    case 'success': {
      // A task that found nothing to change is reported as skipped-unchanged, as one never run is.
      const unchanged = foundUnchanged(task.id, outcome.result);
      return unchanged
        ? { ...base, status: 'skipped', attempts: outcome.attempts, rows: outcome.result, error: unchanged }
        : { ...base, status: 'success', attempts: outcome.attempts, rows: outcome.result };
    }
    case 'unchanged':
      return { ...base, status: 'skipped', attempts: 0, error: outcome.reason };
    case 'failed':
      return { ...base, status: 'failed', attempts: outcome.attempts, error: outcome.error };
    case 'interrupted':
      return { ...base, status: 'interrupted', attempts: outcome.attempts, error: outcome.error };
    case 'skipped':
      return { ...base, status: 'skipped', attempts: 0, error: outcome.reason };
  }
}

/** seed, view, table, incremental, upsert, scd2, source — or checks for a gate. */
export function taskMaterialization(task: PlannedTask): string {
  return task.kind === 'checks' ? 'checks' : materializationOf(task.node);
}
