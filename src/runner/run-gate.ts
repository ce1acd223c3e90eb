import type { CheckResult } from '../checks/run-check.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import type { RowCounts } from './execute-steps.ts';
import { executeGate } from './execute-gate.ts';
import { checkEvent, checkScope } from './gate-scope.ts';
import type { PlannedTask } from './plan-tasks.ts';
import type { RunContext } from './run-context.ts';

/**
 * A gate task of the run: its node's checks, on the dates gate-scope.ts decides, each result
 * handed to `onResult` (the run's list of checks), announced and recorded as it finishes.
 */
export async function runGate(
  context: RunContext,
  run: { runId: string; window: DateWindow },
  gate: Extract<PlannedTask, { kind: 'checks' }>,
  signal: AbortSignal,
  onResult: (result: CheckResult) => void,
): Promise<RowCounts> {
  const { engine, project, recorder, emit, now } = context;
  const { runId } = run;
  return executeGate(gate.node.name, gate.checks, {
    engine,
    graph: project.graph,
    scope: await checkScope(engine, runId, gate.node, run.window),
    now,
    signal,
    onResult: async (result) => {
      onResult(result);
      emit({ type: 'check_finished', runId, task: gate.id, result: checkEvent(result) });
      void recorder.checkResult(runId, result);
    },
  });
}
