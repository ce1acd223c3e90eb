import { resumableRun } from '../audit/runs.ts';
import { taskSuccesses } from '../audit/task-runs.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import type { Graph } from '../models/graph.ts';
import { gateId } from './plan-tasks.ts';

export interface ResumePoint {
  window: DateWindow;
  fullRefresh: boolean;
  /** The tasks of the earlier run that did not succeed (failed, skipped, or never reached). */
  tasks: Set<string>;
}

/** Reads an earlier run from the audit tables: its dates, options, and what is left to do. */
export async function loadResumePoint(engine: Engine, runId: string, graph: Graph): Promise<ResumePoint> {
  const run = await resumableRun(engine, runId);
  if (!run) {
    throw new StrataError('RUN_NOT_FOUND', `No run ${runId} is recorded in this warehouse`, {
      hint: 'List runs with `strata runs` and pass one of their ids to --resume.',
    });
  }
  const succeeded = await taskSuccesses(engine, runId);
  // A node is done when it was built and its gate, if it had one, passed: a node whose checks
  // failed is built again (idempotently) and checked again once its data is fixed.
  const done = (name: string) => succeeded.get(name) === true && succeeded.get(gateId(name)) !== false;
  const tasks = new Set(run.selection.filter((name) => !done(name) && graph.nodes.has(name)));
  if (tasks.size === 0) {
    throw new StrataError('RUN_NOTHING_TO_RESUME', `Run ${runId} has no failed or skipped tasks to rerun`, {
      hint: 'Start a new run with `strata run` instead.',
    });
  }
  const window: DateWindow = {};
  if (run.dateFrom) window.from = run.dateFrom;
  if (run.dateTo) window.to = run.dateTo;
  return { window, fullRefresh: run.fullRefresh, tasks };
}
