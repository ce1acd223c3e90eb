import { latestTaskDetails } from '../audit/task-runs.ts';
import type { LineageKind, LineageNodeView, LineageView } from '../dashboards/monitor-quality-views.ts';
import type { DashboardSite } from './dashboard-site.ts';
import { monitorEngine } from './monitor-audit.ts';
import { type DagNode, graphNodes, layOutDag, pageNodes } from './project-dag.ts';

/** A check gate's task id: `<node>:checks`. */
const gateId = (node: string) => `${node}:checks`;

/**
 * The project's DAG — sources, seeds, models (project.graph), each checked node's gate of checks,
 * and the dashboard pages (their refs) — with each node's newest task attempt (status, rows
 * written, build time; audit.task_runs) and a layered layout (depth = column, order = row).
 */
export async function monitorLineage(site: DashboardSite, slug: string): Promise<LineageView> {
  const served = await monitorEngine(site, slug);
  await site.refreshed();
  const { graph, checks } = served.project;
  const tasks = new Map((await latestTaskDetails(served.engine)).map((task) => [task.taskId, task]));

  const nodes: DagNode<LineageKind>[] = graphNodes(graph);
  // A gate for every node with declared checks, and for every gate task audit has seen
  // (a source's quarantine gate is one nobody declares).
  const gated = new Set(checks.map((check) => check.node));
  for (const task of tasks.keys()) {
    const node = task.endsWith(':checks') ? task.slice(0, -':checks'.length) : '';
    if (graph.nodes.has(node)) gated.add(node);
  }
  for (const node of [...gated].sort()) {
    nodes.push({ id: gateId(node), kind: 'checks', name: gateId(node), table: null, upstream: [node] });
  }
  nodes.push(...pageNodes(served.pages, graph, new Set(nodes.map((node) => node.id))));

  const dag = layOutDag(nodes);
  const views: LineageNodeView[] = dag.nodes.map((node) => {
    const task = tasks.get(node.id);
    return {
      id: node.id,
      name: node.name,
      kind: node.kind,
      table: node.table,
      status: task?.status ?? null,
      rows: task?.rowsOut ?? null,
      durationMs: task?.durationMs ?? null,
      runId: task?.runId ?? null,
      depth: node.depth,
      order: node.order,
      upstream: node.upstream,
      downstream: node.downstream,
    };
  });
  return { project: slug, nodes: views, edges: dag.edges };
}
