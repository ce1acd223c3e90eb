import type { Engine } from '../engine/types.ts';
import type { ModelColumnLineage } from '../lineage/types.ts';
import type { Project } from '../project/load-project.ts';
import { modelColumnLineage, projectColumnLineage } from './column-lineage.ts';

/**
 * Each model's column lineage for the docs: one call for the whole project (upstream results
 * reused). When that fails, each model is asked on its own, and a model whose lineage cannot be
 * derived at all gets null — the site says so — rather than costing the others theirs or the
 * site its pages.
 */
export async function docsColumnLineage(
  project: Project,
  engine: Engine,
): Promise<Map<string, ModelColumnLineage | null>> {
  try {
    const all = await projectColumnLineage(project, engine);
    return new Map(all.map((lineage) => [lineage.model, lineage]));
  } catch {
    const lineage = new Map<string, ModelColumnLineage | null>();
    for (const name of project.graph.order) {
      if (project.graph.nodes.get(name)?.kind !== 'model') continue;
      lineage.set(name, await modelColumnLineage(project, engine, name).catch(() => null));
    }
    return lineage;
  }
}
