import { type ProjectNode, materializationOf } from '../models/types.ts';
import { ensureAuditSchema } from '../audit/recorder.ts';
import { latestRun, markInterrupted } from '../audit/runs.ts';
import { latestTaskRuns } from '../audit/task-runs.ts';
import { clockFromEnv } from '../schedule/clock.ts';
import { type ProjectOptions, withProject } from './open-project.ts';
import type { RunListEntry } from './runs.ts';
import { scheduleStates } from './schedule.ts';

export interface ModelStatus {
  name: string;
  kind: ProjectNode['kind'];
  materialization: string;
  target: string;
  file: string;
  /** What exists in the warehouse under the target name. */
  built: 'table' | 'view' | 'missing';
  rows: number | null;
  lastStatus: string | null;
  lastRunId: string | null;
}

export interface WarehouseStatus {
  project: string;
  root: string;
  engine: string;
  lastRun: Pick<RunListEntry, 'runId' | 'status' | 'startedAt' | 'durationMs'> | null;
  models: ModelStatus[];
  /** The config's schedules: the next fire, and the load dates of the catch-up window not yet run. */
  schedules: ScheduleStatus[];
}

export interface ScheduleStatus {
  name: string;
  cron: string;
  timezone: string;
  nextFireAt: string | null;
  /** Oldest first (see `strata schedule --explain` for the whole window). */
  missing: string[];
}

export interface StatusOptions extends ProjectOptions {
  /** The time schedules are judged at (default: the environment's clock, see clockFromEnv). */
  now?: Date;
}

/** The state of the warehouse against the project: what is built, how big, how it last went. */
export async function status(options: StatusOptions): Promise<WarehouseStatus> {
  const now = options.now ?? clockFromEnv(options.env ?? process.env).now();
  return withProject(options, async (project, engine) => {
    await ensureAuditSchema(engine);
    const d = engine.dialect;
    const tables = await engine.listTables();
    const built = new Map(tables.map((t) => [`${t.schema}.${t.name}`, t.kind]));
    const last = new Map((await latestTaskRuns(engine)).map((t) => [t.taskId, t]));
    const recorded = await latestRun(engine);
    const [lastRun = null] = recorded ? await markInterrupted(engine, [recorded]) : [];
    const models: ModelStatus[] = [];
    for (const name of project.graph.order) {
      const node = project.graph.nodes.get(name);
      if (!node) continue;
      const target = `${node.target.schema}.${node.target.name}`;
      const kind = built.get(target);
      const rows =
        kind === 'table'
          ? Number(
              (await engine.query(`SELECT count(*) AS n FROM ${d.qualify(node.target)}`)).rows[0]?.n ?? 0,
            )
          : null;
      const lastTask = last.get(name);
      models.push({
        name,
        kind: node.kind,
        materialization: materializationOf(node),
        target,
        file: node.file,
        built: kind ?? 'missing',
        rows,
        lastStatus: lastTask?.status ?? null,
        lastRunId: lastTask?.runId ?? null,
      });
    }
    return {
      project: project.config.name ?? project.root,
      root: project.root,
      engine: engine.description,
      lastRun,
      models,
      schedules: (await scheduleStates(project, engine, now)).map((s) => ({
        name: s.name,
        cron: s.cron,
        timezone: s.timezone,
        nextFireAt: s.nextFireAt,
        missing: s.missing,
      })),
    };
  });
}
