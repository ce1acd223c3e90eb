import { loadedDateRange } from '../audit/source-loads.ts';
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
  const loaded = await loadedDateRange(engine, runId, node.name);
  return loaded ? { kind: 'dates', from: loaded.from, to: loaded.to } : { kind: 'all' };
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
