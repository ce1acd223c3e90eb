import { isUnchangedSkip } from '../errors/codes.ts';
import { StrataError } from '../errors/strata-error.ts';
import { byLayerFlow } from '../models/layers.ts';
import type { TaskSummary } from './task-summary.ts';

/** A finished run's result from its tasks' summaries. */
export interface RunOutcome {
  /**
   * interrupted when the run's signal stopped a task or kept one from starting (whatever else
   * failed); else failed when a task failed; else success.
   */
  status: 'success' | 'failed' | 'interrupted';
  succeeded: number;
  failed: number;
  skipped: number;
  /** Of the skipped, those whose inputs did not change (TASK_UNCHANGED): done, not to rerun. */
  unchanged: number;
  /** Tasks cancelled part-way by the interruption (rolled back). */
  interrupted: number;
  /** Rows written per layer (the target's schema; a source's landed records under raw's); gates write none. */
  rowsByLayer: Record<string, number>;
  /**
   * RUN_INTERRUPTED for an interrupted run; else the first failed task's error, named after the
   * task: what the run's record shows.
   */
  error: StrataError | undefined;
}

export function runOutcome(tasks: readonly TaskSummary[]): RunOutcome {
  const failed = tasks.filter((t) => t.status === 'failed');
  const interrupted = tasks.filter((t) => t.status === 'interrupted');
  const notStarted = tasks.filter((t) => t.status === 'skipped' && t.error?.code === 'RUN_INTERRUPTED');
  const rowsByLayer: Record<string, number> = {};
  for (const task of tasks) {
    if (task.kind === 'checks') continue;
    const layer = task.target.split('.')[0] as string;
    rowsByLayer[layer] = (rowsByLayer[layer] ?? 0) + (task.rows?.rowsOut ?? 0);
    const landed = task.rows?.landed;
    if (landed) rowsByLayer[landed.schema] = (rowsByLayer[landed.schema] ?? 0) + landed.rows;
  }
  const succeeded = tasks.filter((t) => t.status === 'success').length;
  const skipped = tasks.filter((t) => t.status === 'skipped').length;
  const unchanged = tasks.filter((t) => isUnchangedSkip(t.status, t.error?.code)).length;
  const counts = {
    succeeded,
    failed: failed.length,
    skipped,
    unchanged,
    interrupted: interrupted.length,
    rowsByLayer: Object.fromEntries(Object.entries(rowsByLayer).sort(([a], [b]) => byLayerFlow(a, b))),
  };
  if (interrupted.length + notStarted.length > 0) {
    const signal = /\((SIG[A-Z]+)\)$/.exec(
      interrupted[0]?.error?.message ?? notStarted[0]?.error?.message ?? '',
    );
    const by = signal ? ` by ${signal[1]}` : '';
    const cancelled = interrupted.map((t) => t.task).join(', ') || 'none';
    return {
      status: 'interrupted',
      ...counts,
      error: new StrataError(
        'RUN_INTERRUPTED',
        `interrupted${by}: ${succeeded + unchanged} of ${tasks.length} tasks had finished; cancelled and rolled back: ${cancelled}; ${notStarted.length} not started`,
      ),
    };
  }
  const firstError = failed[0]?.error;
  return {
    status: failed.length > 0 ? 'failed' : 'success',
    ...counts,
    error: firstError
      ? new StrataError(firstError.code, `${failed[0]?.task}: ${firstError.message}`)
      : undefined,
  };
}
