import { basename } from 'node:path';
import type { DashboardPage } from '../dashboards/types.ts';
import type { DocsData, DocsLineage } from '../docs/types.ts';
import type { Engine } from '../engine/types.ts';
import type { ModelColumnLineage } from '../lineage/types.ts';
import type { Project } from '../project/load-project.ts';
import { STRATA_VERSION } from '../version.ts';
import { compiledModelSelect } from './column-lineage.ts';
import { docsChecks, docsPages } from './docs-checks.ts';
import { docsCoverage } from './docs-coverage.ts';
import { type NodeContext, checksByColumn, docsModel, docsSeed, docsSource } from './docs-nodes.ts';
import { readWarehouse } from './docs-warehouse.ts';
import { graphNodes, layOutDag, pageNodes } from './project-dag.ts';

export interface DocsDataOptions {
  /** The dashboard pages as now read (`strata serve` re-reads edited pages); default the project's. */
  pages?: readonly DashboardPage[];
  /** Each model's column lineage (null where it could not be derived); none: null for every model. */
  columnLineage?: ReadonlyMap<string, ModelColumnLineage | null>;
  /** The time the site is generated at (and freshness checks' SQL is rendered for). */
  now?: Date;
}

/**
 * Everything the documentation site shows (docs/types.ts), from the project's definitions, the
 * warehouse's tables and columns, and audit's check results and source loads. A warehouse not
 * built yet still gives a site: columns as declared with no types, nothing built, no results.
 */
export async function collectDocsData(
  project: Project,
  engine: Engine,
  options: DocsDataOptions = {},
): Promise<DocsData> {
  const now = options.now ?? new Date();
  const pages = options.pages ?? project.dashboards;
  const { graph } = project;
  const warehouse = await readWarehouse(graph, engine);

  const nodes = graphNodes(graph);
  const dag = layOutDag([...nodes, ...pageNodes(pages, graph, new Set(nodes.map((node) => node.id)))]);
  const context: NodeContext = {
    project,
    dialect: engine.dialect,
    warehouse,
    edges: new Map(dag.nodes.map((node) => [node.id, node])),
    columnLineage: options.columnLineage ?? new Map(),
    columnChecks: checksByColumn(project.checks),
    // As column lineage parses it: the full-refresh form, {{ date_from }} and {{ date_to }} open.
    compile: (model) => compiledModelSelect(project, engine, model),
  };

  const all = graph.order.flatMap((name) => {
    const node = graph.nodes.get(name);
    return node ? [node] : [];
  });
  const byName = <T extends { name: string }>(items: T[]) =>
    items.sort((a, b) => a.name.localeCompare(b.name));
  const sources = byName(all.flatMap((node) => (node.kind === 'source' ? [docsSource(node, context)] : [])));
  const seeds = byName(
    await Promise.all(all.flatMap((node) => (node.kind === 'seed' ? [docsSeed(node, context)] : []))),
  );
  const models = byName(
    await Promise.all(all.flatMap((node) => (node.kind === 'model' ? [docsModel(node, context)] : []))),
  );
  const lineage: DocsLineage = {
    nodes: dag.nodes.map((node) => ({
      id: node.id,
      kind: node.kind,
      name: node.name,
      depth: node.depth,
      order: node.order,
    })),
    edges: dag.edges,
  };
  return {
    project: {
      name: project.config.name ?? basename(project.root),
      engine: project.engineTarget.type,
      generatedAt: now.toISOString(),
      strataVersion: STRATA_VERSION,
    },
    sources,
    seeds,
    models,
    checks: docsChecks(project, engine.dialect, warehouse.checkResults, now),
    pages: docsPages(project, pages),
    lineage,
    coverage: docsCoverage(sources, seeds, models),
  };
}
