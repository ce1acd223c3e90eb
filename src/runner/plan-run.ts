import type { Engine } from '../engine/types.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import { selectNodes } from '../models/select.ts';
import type { Project } from '../project/load-project.ts';
import { type PlannedTask, planTasks } from './plan-tasks.ts';
import { loadResumePoint } from './resume.ts';
import type { RunOptions } from './run-options.ts';

/** What a run will do, decided before it starts: plain data the later stages read. */
export interface RunPlan {
  window: DateWindow;
  fullRefresh: boolean;
  /** Sources with no file in the run's dates, or none at all, fail their task instead of warning. */
  strict: boolean;
  /** The earlier run this one resumes, if any. */
  resumedFrom: string | undefined;
  /** The command recorded for the run ('run', 'check', ...). */
  command: string;
  tasks: PlannedTask[];
  /** The schemas the tasks write to, each once. */
  schemas: string[];
}

/**
 * The run's tasks: the selected nodes, or with `--resume` what the earlier run left undone (with
 * its dates and options). Called under the run lock: the earlier run's record is read from the
 * audit tables, which only then are known to exist and to be no longer written by a run.
 */
export async function planRun(project: Project, engine: Engine, options: RunOptions): Promise<RunPlan> {
  const resume = options.resume ? await loadResumePoint(engine, options.resume, project.graph) : undefined;
  const selected = resume?.tasks ?? (await selectedNodes(project, engine, options));
  const tasks = planTasks(project.graph, selected, project.checks, { build: !options.checksOnly });
  const schemas = tasks
    .filter((t) => t.kind === 'build')
    .flatMap(({ node }) =>
      node.kind === 'source' ? [node.target.schema, node.raw.schema] : [node.target.schema],
    );
  return {
    window: resume?.window ?? options.window ?? {},
    fullRefresh: resume?.fullRefresh ?? options.fullRefresh ?? false,
    strict: options.strict ?? false,
    resumedFrom: options.resume,
    command: options.command ?? (options.checksOnly ? 'check' : 'run'),
    tasks,
    schemas: [...new Set(schemas)],
  };
}

/**
 * `select` less `exclude`; but an excluded node whose table does not exist yet is built all the
 * same, because what reads it would fail: leaving a node out means "use it as it is" (a source
 * fetched weekly, left out of the daily schedule), which needs it built once.
 */
async function selectedNodes(project: Project, engine: Engine, options: RunOptions): Promise<Set<string>> {
  const selected = selectNodes(project.graph, options.select ?? [], options.exclude ?? []);
  if (!options.exclude?.length || options.checksOnly) return selected;
  const excluded = [...selectNodes(project.graph, options.select ?? [])].filter(
    (name) => !selected.has(name),
  );
  const existing = new Set(
    (await engine.listTables()).map((table) => `${table.schema}.${table.name}`.toLowerCase()),
  );
  for (const name of excluded) {
    const node = project.graph.nodes.get(name);
    if (node && !existing.has(`${node.target.schema}.${node.target.name}`.toLowerCase())) selected.add(name);
  }
  return selected;
}
