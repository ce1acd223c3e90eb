import { type CheckResult, runChecks } from '../checks/run-check.ts';
import type { CheckDefinition, CheckScope } from '../checks/types.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { Graph } from '../models/graph.ts';
import type { RowCounts } from './execute-steps.ts';

export interface GateContext {
  engine: Engine;
  graph: Graph;
  scope: CheckScope;
  now: () => Date;
  signal: AbortSignal;
  /** Called with each result as it is known (recorded in audit.dq_results, reported live). */
  onResult: (result: CheckResult) => Promise<void>;
}

/**
 * A node's quality gate: runs its checks (their counts in one statement) and fails (CHECK_FAILED) when one of
 * severity error failed or could not run, which skips everything downstream. Warnings pass.
 */
export async function executeGate(
  node: string,
  checks: readonly CheckDefinition[],
  context: GateContext,
): Promise<RowCounts> {
  const { engine } = context;
  const results: CheckResult[] = [];
  await engine.withSession(async (session) => {
    const cancel = () => void session.cancel();
    context.signal.addEventListener('abort', cancel, { once: true });
    try {
      context.signal.throwIfAborted();
      // The checks' counts in one statement (checks/run-check.ts); each result is still its own.
      const ran = await runChecks(session, checks, {
        dialect: engine.dialect,
        resolve: (name) => {
          const table = context.graph.tables.get(name);
          if (!table) throw new Error(`unresolved reference ${name} survived check collection`);
          return table.target;
        },
        scope: context.scope,
        now: context.now(),
      });
      context.signal.throwIfAborted();
      for (const result of ran) {
        results.push(result);
        await context.onResult(result);
      }
    } finally {
      context.signal.removeEventListener('abort', cancel);
    }
  });
  const blocking = results.filter(
    (r) => r.severity === 'error' && (r.status === 'fail' || r.status === 'error'),
  );
  if (blocking.length > 0) {
    throw new StrataError(
      'CHECK_FAILED',
      `${blocking.length} of ${results.length} checks on ${node} failed: ${blocking.map((r) => r.message).join('; ')}`,
      {
        model: node,
        hint: 'Failing rows are sampled in audit.dq_results (`strata runs --run <id>`); fix the data or the model, then `strata run --resume <id>`.',
      },
    );
  }
  return { rowsOut: 0, rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0, detail: describeGate(results) };
}

/** "4 checks: 3 passed, 1 warned". */
function describeGate(results: readonly CheckResult[]): string {
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  const parts = [
    `${count('pass')} passed`,
    count('warn') ? `${count('warn')} warned` : '',
    count('fail') ? `${count('fail')} failed` : '',
    count('error') ? `${count('error')} could not run` : '',
  ].filter(Boolean);
  return `${results.length} check${results.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
