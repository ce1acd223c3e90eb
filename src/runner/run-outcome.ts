import { StrataError } from '../errors/strata-error.ts';
import type { TaskSummary } from './task-summary.ts';

/** A finished run's result from its tasks' summaries. */
export interface RunOutcome {
  status: 'success' | 'failed';
  succeeded: number;
  failed: number;
  skipped: number;
  /** Rows written per layer (the target's schema); gates write none. */
  rowsByLayer: Record<string, number>;
  /** The first failed task's error, named after the task: what the run's record shows. */
  error: StrataError | undefined;
}

export function runOutcome(tasks: readonly TaskSummary[]): RunOutcome {
  const failed = tasks.filter((t) => t.status === 'failed');
  const rowsByLayer: Record<string, number> = {};
  for (const task of tasks) {
    if (task.kind === 'checks') continue;
    const layer = task.target.split('.')[0] as string;
    rowsByLayer[layer] = (rowsByLayer[layer] ?? 0) + (task.rows?.rowsOut ?? 0);
  }
  const firstError = failed[0]?.error;
  return {
    status: failed.length > 0 ? 'failed' : 'success',
    succeeded: tasks.filter((t) => t.status === 'success').length,
    failed: failed.length,
    skipped: tasks.filter((t) => t.status === 'skipped').length,
    rowsByLayer,
    error: firstError
      ? new StrataError(firstError.code, `${failed[0]?.task}: ${firstError.message}`)
      : undefined,
  };
}
