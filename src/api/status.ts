import { type ProjectNode, materializationOf } from '../models/types.ts';
import { ensureAuditSchema } from '../audit/recorder.ts';
import { type ProjectOptions, withProject } from './open-project.ts';
import { type RunListEntry, utcIso } from './runs.ts';

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
    const { rows: lastTasks } = await engine.query(
      `SELECT task_id, status, run_id FROM (
         SELECT task_id, status, run_id,
                row_number() OVER (PARTITION BY task_id ORDER BY started_at DESC, attempt DESC) AS newest
         FROM audit.task_runs) AS ranked
       WHERE newest = 1`,
    );
    const last = new Map(lastTasks.map((r) => [String(r.task_id), r]));
    const { rows: runs } = await engine.query(
      `SELECT run_id, status, CAST(started_at AS ${d.type('text')}) AS started_at, duration_ms
       FROM audit.pipeline_runs ORDER BY started_at DESC LIMIT 1`,
    );
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
        lastStatus: lastTask ? String(lastTask.status) : null,
        lastRunId: lastTask ? String(lastTask.run_id) : null,
      });
    }
    const run = runs[0];
    return {
      project: project.config.name ?? project.root,
      root: project.root,
      engine: engine.description,
      lastRun: run
        ? {
            runId: String(run.run_id),
            status: String(run.status),
            startedAt: utcIso(run.started_at) as string,
            durationMs: run.duration_ms === null ? null : Number(run.duration_ms),
          }
        : null,
      models,
    };
  });
}
