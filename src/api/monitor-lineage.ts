import { latestTaskDetails } from '../audit/task-runs.ts';
import { layeredLayout } from '../dashboards/lineage-layout.ts';
import type { LineageKind, LineageNodeView, LineageView } from '../dashboards/monitor-quality-views.ts';
import type { DashboardSite } from './dashboard-site.ts';
import { monitorEngine } from './monitor-audit.ts';

/** A check gate's task id: `<node>:checks`. */
const gateId = (node: string) => `${node}:checks`;
const pageId = (page: string) => `page:${page}`;

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

  const upstream = new Map<string, string[]>();
  const kinds = new Map<string, { kind: LineageKind; name: string; table: string | null }>();
  for (const name of graph.order) {
    const node = graph.nodes.get(name);
    if (!node) continue;
    kinds.set(name, { kind: node.kind, name, table: `${node.target.schema}.${node.target.name}` });
    upstream.set(name, [...(graph.upstream.get(name) ?? [])]);
  }
  // A gate for every node with declared checks, and for every gate task audit has seen
  // (a source's quarantine gate is one nobody declares).
  const gated = new Set(checks.map((check) => check.node));
  for (const task of tasks.keys()) {
    const node = task.endsWith(':checks') ? task.slice(0, -':checks'.length) : '';
    if (graph.nodes.has(node)) gated.add(node);
  }
  for (const node of [...gated].sort()) {
    kinds.set(gateId(node), { kind: 'checks', name: gateId(node), table: null });
    upstream.set(gateId(node), [node]);
  }
  for (const page of served.pages) {
    const refs = page.refs.map((ref) => graph.tables.get(ref)?.node ?? ref).filter((ref) => kinds.has(ref));
    kinds.set(pageId(page.name), { kind: 'page', name: page.name, table: null });
    upstream.set(pageId(page.name), [...new Set(refs)]);
  }

  const downstream = new Map<string, string[]>([...kinds.keys()].map((id) => [id, []]));
  const edges: LineageView['edges'] = [];
  for (const [id, parents] of upstream) {
    for (const parent of parents) {
      downstream.get(parent)?.push(id);
      edges.push({ source: parent, target: id });
    }
  }
  const layout = layeredLayout([...kinds.keys()], upstream);
  const nodes: LineageNodeView[] = [...kinds].map(([id, { kind, name, table }]) => {
    const task = tasks.get(id);
    const position = layout.get(id) ?? { depth: 0, order: 0 };
    return {
      id,
      name,
      kind,
      table,
      status: task?.status ?? null,
      rows: task?.rowsOut ?? null,
      durationMs: task?.durationMs ?? null,
      runId: task?.runId ?? null,
      depth: position.depth,
      order: position.order,
      upstream: upstream.get(id) ?? [],
      downstream: (downstream.get(id) ?? []).sort(),
    };
  });
  return { project: slug, nodes, edges };
}
