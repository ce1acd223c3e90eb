import { type RaisedAlerts, raiseAlerts } from '../alerts/raise-alerts.ts';
import { AuditRecorder, type TaskAttemptRecord, ensureAuditSchema } from '../audit/recorder.ts';
import type { CheckResult } from '../checks/run-check.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError, serializeError } from '../errors/strata-error.ts';
import { todayUtc } from '../time/dates.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import { selectNodes } from '../models/select.ts';
import type { ProjectNode } from '../models/types.ts';
import type { Project } from '../project/load-project.ts';
import { STRATA_VERSION } from '../version.ts';
import { type DailyMetrics, recordDailyMetrics } from './daily-metrics.ts';
import type { RunEventListener } from './events.ts';
import { executeGate } from './execute-gate.ts';
import type { RowCounts } from './execute-steps.ts';
import { executeNode } from './execute-task.ts';
import { checkEvent, checkScope } from './gate-scope.ts';
import { type PlannedTask, planTasks } from './plan-tasks.ts';
import { loadResumePoint } from './resume.ts';
import { newRunId } from './run-id.ts';
import { type ScheduledTask, runDag } from './scheduler.ts';
import { type TaskSummary, summarise, taskMaterialization } from './task-summary.ts';

export type { TaskSummary } from './task-summary.ts';

export interface RunOptions {
  /** Load dates of the run; none means "the newest loaded date and anything after it". */
  window?: DateWindow;
  select?: string[];
  fullRefresh?: boolean;
  /** Rerun only what failed or was skipped in this earlier run. */
  resume?: string;
  /** Run the checks of the selected nodes against the tables as they are, building nothing (`strata check`). */
  checksOnly?: boolean;
  trigger?: string;
  command?: string;
  concurrency?: number;
  onEvent?: RunEventListener;
  now?: () => Date;
  /** The environment sources read credentials from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface RunSummary {
  runId: string;
  status: 'success' | 'failed';
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  window: DateWindow;
  resumedFrom?: string;
  tasks: TaskSummary[];
  /** Every check run, in the order they finished. */
  checks: CheckResult[];
  /** The run's line of audit.daily_metrics. */
  metrics: DailyMetrics;
  /** What the alert rules raised after the run, and how each was delivered. */
  alerts: RaisedAlerts;
}

/**
 * One pipeline run: takes the warehouse's run lock, records the run, executes the selected part of
 * the DAG and records every task attempt. Returns a summary; throws only when the run could not
 * start (lock held, bad selection, nothing to resume).
 */
export async function runPipeline(
  project: Project,
  engine: Engine,
  options: RunOptions = {},
): Promise<RunSummary> {
  const now = options.now ?? (() => new Date());
  const emit: RunEventListener = options.onEvent ?? (() => undefined);
  const lock = await engine.acquireRunLock();
  try {
    await ensureAuditSchema(engine);
    const recorder = new AuditRecorder(engine);
    await recorder.markAbandonedRuns(now());

    if (options.resume && (options.select?.length || options.window?.from || options.window?.to)) {
      throw new StrataError(
        'USAGE',
        '--resume reruns an earlier run as it was; it takes no --select or dates',
        {
          hint: 'Drop --select/--date/--from/--to, or start a new run without --resume.',
        },
      );
    }
    const resume = options.resume ? await loadResumePoint(engine, options.resume, project.graph) : undefined;
    const window = resume?.window ?? options.window ?? {};
    const fullRefresh = resume?.fullRefresh ?? options.fullRefresh ?? false;
    const selected = resume?.tasks ?? selectNodes(project.graph, options.select ?? []);
    const planned = planTasks(project.graph, selected, project.checks, { build: !options.checksOnly });
    const byId = new Map(planned.map((task) => [task.id, task]));
    const nodes = planned.filter((t) => t.kind === 'build').map((t) => t.node);

    // Created here, one after another, because tasks run in parallel and PostgreSQL's CREATE
    // SCHEMA IF NOT EXISTS is not safe against a concurrent creation of the same schema.
    const schemas = nodes.flatMap((n) =>
      n.kind === 'source' ? [n.target.schema, n.raw.schema] : [n.target.schema],
    );
    for (const schema of new Set(schemas)) {
      await engine.execute(`CREATE SCHEMA IF NOT EXISTS ${engine.dialect.quoteIdentifier(schema)}`);
    }

    const startedAt = now();
    const runId = newRunId(startedAt);
    await recorder.runStarted({
      runId,
      trigger: options.trigger ?? 'api',
      command: options.command ?? (options.checksOnly ? 'check' : 'run'),
      dateFrom: window.from,
      dateTo: window.to,
      selection: [...new Set(planned.map((t) => t.node.name))],
      fullRefresh,
      resumedFrom: options.resume,
      startedAt,
      strataVersion: STRATA_VERSION,
      engine: engine.dialect.name,
    });
    emit({
      type: 'run_started',
      runId,
      tasks: planned.map((t) => t.id),
      materializations: Object.fromEntries(planned.map((t) => [t.id, taskMaterialization(t)])),
      engine: engine.description,
      dateFrom: window.from,
      dateTo: window.to,
    });

    const runDate = window.to ?? todayUtc(startedAt);
    const { run: runConfig } = project.config;
    const attemptStarts = new Map<string, Date>();
    const taskDurations = new Map<string, number>();
    const attemptDuration = (task: ScheduledTask, attempt: number, finishedAt: Date) => {
      const ms = finishedAt.getTime() - (attemptStarts.get(`${task.id}#${attempt}`) ?? finishedAt).getTime();
      taskDurations.set(task.id, (taskDurations.get(task.id) ?? 0) + ms);
      return ms;
    };
    const plannedTask = (task: ScheduledTask) => byId.get(task.id) as PlannedTask;
    const rowsWritten = (task: ScheduledTask, rows: RowCounts) =>
      ['view', 'checks'].includes(taskMaterialization(plannedTask(task))) ? null : rows.rowsOut;
    const record = (task: ScheduledTask, attempt: number): TaskAttemptRecord => {
      const { node, kind } = plannedTask(task);
      return {
        runId,
        taskId: task.id,
        taskKind: kind === 'checks' ? 'checks' : node.kind,
        target: `${node.target.schema}.${node.target.name}`,
        materialization: taskMaterialization(plannedTask(task)),
        attempt,
        startedAt: attemptStarts.get(`${task.id}#${attempt}`) ?? now(),
      };
    };

    const scheduled: ScheduledTask[] = planned.map(({ id, node, deps }) => ({
      id,
      deps,
      // A materialisation is one transaction and a check only reads: retrying cannot double-apply either.
      retryable: true,
      retries: (node.kind === 'model' ? node.config.retries : undefined) ?? runConfig.retries,
      timeoutMs:
        ((node.kind === 'model' ? node.config.timeoutSeconds : undefined) ?? runConfig.taskTimeoutSeconds) *
        1000,
    }));
    const checkResults: CheckResult[] = [];
    const gateScope = (node: ProjectNode) => checkScope(engine, runId, node, window);

    const outcomes = await runDag<RowCounts>(scheduled, {
      concurrency: options.concurrency ?? runConfig.concurrency,
      retryDelayMs: runConfig.retryDelayMs,
      retryMaxDelayMs: runConfig.retryMaxDelayMs,
      isTransient: (error) => engine.isTransient(error),
      execute: async (task, { signal }) => {
        const step = plannedTask(task);
        if (step.kind === 'checks') {
          return executeGate(step.node.name, step.checks, {
            engine,
            graph: project.graph,
            scope: await gateScope(step.node),
            now,
            signal,
            onResult: async (result) => {
              checkResults.push(result);
              emit({ type: 'check_finished', runId, task: task.id, result: checkEvent(result) });
              await recorder.checkResult(runId, result);
            },
          });
        }
        return executeNode(step.node, {
          engine,
          graph: project.graph,
          root: project.root,
          runId,
          env: options.env ?? process.env,
          window,
          fullRefresh,
          runDate,
          signal,
        });
      },
      hooks: {
        attemptStarted: async (task, attempt) => {
          attemptStarts.set(`${task.id}#${attempt}`, now());
          emit({ type: 'task_started', runId, task: task.id, attempt });
          await recorder.taskStarted(record(task, attempt));
        },
        attemptSucceeded: async (task, attempt, rows) => {
          const entry = record(task, attempt);
          const finishedAt = now();
          emit({
            type: 'task_succeeded',
            runId,
            task: task.id,
            attempt,
            durationMs: attemptDuration(task, attempt, finishedAt),
            rows: rowsWritten(task, rows),
            ...(rows.detail ? { detail: rows.detail } : {}),
          });
          await recorder.taskFinished(entry, {
            status: 'success',
            finishedAt,
            ...rows,
            rowsOut: rowsWritten(task, rows) ?? undefined,
          });
        },
        attemptFailed: async (task, attempt, error, retryInMs) => {
          const entry = record(task, attempt);
          const finishedAt = now();
          emit({
            type: 'task_failed',
            runId,
            task: task.id,
            attempt,
            durationMs: attemptDuration(task, attempt, finishedAt),
            error: serializeError(error),
            ...(retryInMs === undefined ? {} : { retryInMs }),
          });
          await recorder.taskFinished(entry, { status: 'failed', finishedAt, error });
        },
        skipped: async (task, reason) => {
          emit({ type: 'task_skipped', runId, task: task.id, reason: reason.message });
          await recorder.taskSkipped({ ...record(task, 1), startedAt: now() }, reason);
        },
      },
    });

    const tasks = planned.map((task) =>
      summarise(task, outcomes.get(task.id), taskDurations.get(task.id) ?? 0),
    );
    const finishedAt = now();
    const failed = tasks.filter((t) => t.status === 'failed');
    const status = failed.length > 0 ? 'failed' : 'success';
    const rowsByLayer: Record<string, number> = {};
    for (const task of tasks) {
      if (task.kind === 'checks') continue;
      const layer = task.target.split('.')[0] as string;
      rowsByLayer[layer] = (rowsByLayer[layer] ?? 0) + (task.rows?.rowsOut ?? 0);
    }
    const firstError = failed[0]?.error;
    await recorder.runFinished(runId, startedAt, {
      status,
      finishedAt,
      tasksTotal: tasks.length,
      tasksSucceeded: tasks.filter((t) => t.status === 'success').length,
      tasksFailed: failed.length,
      tasksSkipped: tasks.filter((t) => t.status === 'skipped').length,
      rowsByLayer,
      error: firstError
        ? new StrataError(firstError.code, `${failed[0]?.task}: ${firstError.message}`)
        : undefined,
    });
    await recorder.flush();
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    const metrics = await recordDailyMetrics(engine, {
      runId,
      metricDate: runDate,
      command: options.command ?? (options.checksOnly ? 'check' : 'run'),
      status,
      runtimeMs: durationMs,
      tasksFailed: failed.length,
      tasksSkipped: tasks.filter((t) => t.status === 'skipped').length,
      rowsByLayer,
      checks: checkResults,
      recordedAt: now(),
    });
    const alerts = await raiseAlerts(engine, runId, project.config.alerts, options.env ?? process.env, now);
    for (const alert of alerts.alerts) {
      const { rule, subject, message, delivery } = alert;
      emit({ type: 'alert', runId, rule, subject, message, delivery });
    }
    emit({
      type: 'run_finished',
      runId,
      status,
      durationMs,
      succeeded: tasks.filter((t) => t.status === 'success').length,
      failed: failed.length,
      skipped: tasks.filter((t) => t.status === 'skipped').length,
    });
    return {
      runId,
      status,
      startedAt,
      finishedAt,
      durationMs,
      window,
      resumedFrom: options.resume,
      tasks,
      checks: checkResults,
      metrics,
      alerts,
    };
  } finally {
    await lock.release();
  }
}
