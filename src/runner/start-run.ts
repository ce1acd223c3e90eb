import { hostname } from 'node:os';
import { todayUtc } from '../time/dates.ts';
import { STRATA_VERSION } from '../version.ts';
import type { RunContext } from './run-context.ts';
import type { RunPlan } from './plan-run.ts';
import { newRunId } from './run-id.ts';
import { taskMaterialization } from './task-summary.ts';

/** A run that has started: its id, when it started, and the date its tasks treat as today. */
export interface StartedRun {
  runId: string;
  startedAt: Date;
  runDate: string;
}

/** Creates the schemas the run writes to, then records the run as started and announces it. */
export async function startRun(context: RunContext, plan: RunPlan, trigger = 'api'): Promise<StartedRun> {
  const { engine, recorder, emit, now } = context;
  // Created here, one after another, because tasks run in parallel and PostgreSQL's CREATE
  // SCHEMA IF NOT EXISTS is not safe against a concurrent creation of the same schema.
  for (const schema of plan.schemas) {
    await engine.execute(`CREATE SCHEMA IF NOT EXISTS ${engine.dialect.quoteIdentifier(schema)}`);
  }
  const { window, tasks } = plan;
  const startedAt = now();
  const runId = newRunId(startedAt);
  await recorder.runStarted({
    runId,
    trigger,
    command: plan.command,
    dateFrom: window.from,
    dateTo: window.to,
    selection: [...new Set(tasks.map((t) => t.node.name))],
    fullRefresh: plan.fullRefresh,
    resumedFrom: plan.resumedFrom,
    startedAt,
    strataVersion: STRATA_VERSION,
    engine: engine.dialect.name,
    pid: process.pid,
    host: hostname(),
  });
  emit({
    type: 'run_started',
    runId,
    tasks: tasks.map((t) => t.id),
    materializations: Object.fromEntries(tasks.map((t) => [t.id, taskMaterialization(t)])),
    engine: engine.description,
    dateFrom: window.from,
    dateTo: window.to,
  });
  return { runId, startedAt, runDate: window.to ?? todayUtc(startedAt) };
}
