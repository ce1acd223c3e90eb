import type { CheckResult } from '../checks/run-check.ts';
import { attemptHooks, runWarning } from './attempt-hooks.ts';
import type { RunWarning } from './events.ts';
import type { RowCounts } from './execute-steps.ts';
import { executeNode } from './execute-task.ts';
import type { PlannedTask } from './plan-tasks.ts';
import type { RunPlan } from './plan-run.ts';
import type { RunContext } from './run-context.ts';
import { runGate } from './run-gate.ts';
import { type ScheduledTask, runDag } from './scheduler.ts';
import type { StartedRun } from './start-run.ts';
import { buildHistory } from '../audit/task-runs.ts';
import { definitionHashes, gateHash } from './definition-hash.ts';
import { RunCatalogue } from './run-catalogue.ts';
import { discardTouchedKeys, touchedKeysCapture } from './touched-keys.ts';
import { UnchangedInputs } from './unchanged-inputs.ts';
import { type TaskSummary, summarise } from './task-summary.ts';

/** What the run's tasks did: each task's summary in plan order, and every check in the order it finished. */
export interface ExecutedRun {
  tasks: TaskSummary[];
  checks: CheckResult[];
  /** What succeeded tasks warned about, in plan order. */
  warnings: RunWarning[];
}

/**
 * Executes the plan's tasks as a DAG: builds (execute-task.ts) and gates (run-gate.ts), with the
 * project's concurrency, retries and timeouts; every attempt is recorded (attempt-hooks.ts).
 * Aborting `signal` interrupts them (scheduler.ts): running attempts are cancelled and rolled back.
 */
export async function executeRun(
  context: RunContext,
  plan: RunPlan,
  run: StartedRun,
  concurrency?: number,
  signal?: AbortSignal,
): Promise<ExecutedRun> {
  const { engine, project } = context;
  const { run: runConfig } = project.config;
  const byId = new Map(plan.tasks.map((task) => [task.id, task]));
  const catalogue = new RunCatalogue(engine);
  const inputs = await unchangedInputs(context, plan, catalogue);
  // Incremental-by-key models keep the keys they touch before upstream tasks can hide them.
  const builds = plan.tasks.flatMap((task) => (task.kind === 'build' ? [task.node] : []));
  const capture = await touchedKeysCapture(
    engine,
    project.graph,
    builds,
    plan.window,
    plan.fullRefresh,
    catalogue,
  );
  const attempts = attemptHooks(context, run.runId, plan.tasks, inputs, (node) =>
    discardTouchedKeys(engine, node, capture, catalogue),
  );
  const checks: CheckResult[] = [];
  const outcomes = await runDag<RowCounts>(scheduledTasks(context, plan.tasks), {
    concurrency: concurrency ?? runConfig.concurrency,
    retryDelayMs: runConfig.retryDelayMs,
    retryMaxDelayMs: runConfig.retryMaxDelayMs,
    isTransient: (error) => engine.isTransient(error),
    execute: async (task, { signal }) => {
      const step = byId.get(task.id) as PlannedTask;
      if (step.kind === 'checks') {
        return runGate(context, { runId: run.runId, window: plan.window }, step, signal, (result) =>
          checks.push(result),
        );
      }
      return executeNode(step.node, {
        engine,
        graph: project.graph,
        root: project.root,
        runId: run.runId,
        env: context.env,
        window: plan.window,
        fullRefresh: plan.fullRefresh,
        strict: plan.strict,
        runDate: run.runDate,
        signal,
        now: context.now,
        catalogue,
        beforeWriting: capture.beforeWriting,
        definitionChanged: inputs.definitionChanged(step.node),
      });
    },
    hooks: attempts.hooks,
    unchanged: (task) => inputs.reason(byId.get(task.id) as PlannedTask),
    ...(signal ? { signal } : {}),
  });
  const tasks = plan.tasks.map((task) =>
    summarise(task, outcomes.get(task.id), attempts.durationOf(task.id)),
  );
  const warnings = plan.tasks.flatMap((task) => {
    const outcome = outcomes.get(task.id);
    return outcome?.status === 'success'
      ? (outcome.result.warnings ?? []).map((warning) => runWarning(task, warning))
      : [];
  });
  return { tasks, checks, warnings };
}

/** What the run knows, before its tasks start, to skip those whose inputs did not change. */
async function unchangedInputs(
  context: RunContext,
  plan: RunPlan,
  catalogue: RunCatalogue,
): Promise<UnchangedInputs> {
  const { engine, project } = context;
  const [nodeHashes, history, tables] = await Promise.all([
    definitionHashes(plan.tasks.map((task) => task.node)),
    buildHistory(engine, plan.window),
    catalogue.tables(),
  ]);
  const existing = new Set(tables.map((t) => `${t.schema}.${t.name}`.toLowerCase()));
  const hashes = new Map(nodeHashes);
  for (const task of plan.tasks) if (task.kind === 'checks') hashes.set(task.id, gateHash(task.checks));
  return new UnchangedInputs({
    graph: project.graph,
    fullRefresh: plan.fullRefresh,
    hashes,
    history,
    exists: (node) => existing.has(`${node.target.schema}.${node.target.name}`.toLowerCase()),
  });
}

/** The planned tasks as the scheduler takes them: a model's own retries and timeout, else the project's. */
function scheduledTasks(context: RunContext, tasks: readonly PlannedTask[]): ScheduledTask[] {
  const { run: runConfig } = context.project.config;
  return tasks.map(({ id, node, deps }) => ({
    id,
    deps,
    // A materialisation is one transaction and a check only reads: retrying cannot double-apply either.
    retryable: true,
    retries: (node.kind === 'model' ? node.config.retries : undefined) ?? runConfig.retries,
    timeoutMs:
      ((node.kind === 'model' ? node.config.timeoutSeconds : undefined) ?? runConfig.taskTimeoutSeconds) *
      1000,
  }));
}
