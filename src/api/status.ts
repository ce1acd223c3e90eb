import { type ProjectNode, materializationOf } from '../models/types.ts';
import { ensureAuditSchema } from '../audit/recorder.ts';
import { latestRun, markInterrupted } from '../audit/runs.ts';
import { latestTaskRuns } from '../audit/task-runs.ts';
import { type ProjectOptions, withProject } from './open-project.ts';
import type { RunListEntry } from './runs.ts';

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
}

/** The state of the warehouse against the project: what is built, how big, how it last went. */
export async function status(options: ProjectOptions): Promise<WarehouseStatus> {
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
    };
  });
}
