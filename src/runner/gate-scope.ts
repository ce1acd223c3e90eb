import type { CheckResult } from '../checks/run-check.ts';
import type { CheckScope } from '../checks/types.ts';
import type { Engine } from '../engine/types.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import type { ProjectNode } from '../models/types.ts';
import type { RunEvent } from './events.ts';

/**
 * The dates a node's checks look at: the run's dates; without dates, a source's checks look at
 * the dates it just loaded and a model's at its whole table.
 */
export async function checkScope(
  engine: Engine,
  runId: string,
  node: ProjectNode,
  window: DateWindow,
): Promise<CheckScope> {
  if (window.from || window.to) return { kind: 'dates', ...window };
  if (node.kind !== 'source') return { kind: 'all' };
  const text = engine.dialect.type('text');
  const { rows } = await engine.query(
    `SELECT CAST(min(load_date) AS ${text}) AS date_from, CAST(max(load_date) AS ${text}) AS date_to
     FROM audit.source_loads WHERE run_id = $1 AND source = $2`,
    [runId, node.name],
  );
  const loaded = rows[0];
  return loaded?.date_from
    ? { kind: 'dates', from: String(loaded.date_from), to: String(loaded.date_to) }
    : { kind: 'all' };
}

/** What a check_finished event carries: the result without its SQL and sample. */
export function checkEvent(result: CheckResult): Extract<RunEvent, { type: 'check_finished' }>['result'] {
  return {
    checkId: result.checkId,
    status: result.status,
    severity: result.severity,
    failingRows: result.failingRows,
    message: result.message,
  };
}
