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
  const { rows: runs } = await engine.query(
    `SELECT CAST(date_from AS ${engine.dialect.type('text')}) AS date_from, CAST(date_to AS ${engine.dialect.type('text')}) AS date_to,
            selection, full_refresh FROM audit.pipeline_runs WHERE run_id = $1`,
    [runId],
  );
  const run = runs[0];
  if (!run) {
    throw new StrataError('RUN_NOT_FOUND', `No run ${runId} is recorded in this warehouse`, {
      hint: 'List runs with `strata runs` and pass one of their ids to --resume.',
    });
  }
  const { rows: attempts } = await engine.query(
    `SELECT task_id, max(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS succeeded
     FROM audit.task_runs WHERE run_id = $1 GROUP BY task_id`,
    [runId],
  );
  const succeeded = new Map(attempts.map((r) => [String(r.task_id), Number(r.succeeded) === 1]));
  // A node is done when it was built and its gate, if it had one, passed: a node whose checks
  // failed is built again (idempotently) and checked again once its data is fixed.
  const done = (name: string) => succeeded.get(name) === true && succeeded.get(gateId(name)) !== false;
  const selection = JSON.parse(String(run.selection ?? '[]')) as string[];
  const tasks = new Set(selection.filter((name) => !done(name) && graph.nodes.has(name)));
  if (tasks.size === 0) {
    throw new StrataError('RUN_NOTHING_TO_RESUME', `Run ${runId} has no failed or skipped tasks to rerun`, {
      hint: 'Start a new run with `strata run` instead.',
    });
  }
  const window: DateWindow = {};
  if (run.date_from) window.from = String(run.date_from);
  if (run.date_to) window.to = String(run.date_to);
  return { window, fullRefresh: Boolean(run.full_refresh), tasks };
}
