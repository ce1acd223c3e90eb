import type { CheckDefinition } from '../checks/types.ts';
import type { Graph } from '../models/graph.ts';
import type { ProjectNode } from '../models/types.ts';

/** A task of a run: build a node, or run the checks on what a node built (its quality gate). */
export type PlannedTask =
  | { kind: 'build'; id: string; node: ProjectNode; deps: string[] }
  | { kind: 'checks'; id: string; node: ProjectNode; checks: CheckDefinition[]; deps: string[] };

/** The id of a node's gate task, as it appears in the run's task list and audit.task_runs. */
export function gateId(node: string): string {
  return `${node}:checks`;
}

/** The node a task id belongs to: `fact_orders:checks` → fact_orders. */
export function nodeOfTask(taskId: string): string {
  return taskId.endsWith(':checks') ? taskId.slice(0, -':checks'.length) : taskId;
}

/**
 * The tasks of a run over `selected` nodes, in graph order, each node's gate right after it. A gate
 * waits for its node and for every node its checks read; whatever depends on a node waits for the
 * node's gate too, so a failing error check stops exactly what is downstream of the checked node.
 * With `build: false` (`strata check`) only the gates are planned, against the tables as they are.
 */
export function planTasks(
  graph: Graph,
  selected: ReadonlySet<string>,
  checks: readonly CheckDefinition[],
  options: { build: boolean },
): PlannedTask[] {
  const checksOf = new Map<string, CheckDefinition[]>();
  for (const check of checks) {
    if (!selected.has(check.node)) continue;
    checksOf.set(check.node, [...(checksOf.get(check.node) ?? []), check]);
  }
  // A gate that reads a table built from its own node (a reconciliation against a copy) runs after
  // that table, so that table and what it is built from cannot also wait for the gate.
  const feedsGate = new Map(
    [...checksOf].map(([name, nodeChecks]) => [
      name,
      withUpstream(
        graph,
        nodeChecks.flatMap((c) => c.reads),
      ),
    ]),
  );
  const tasks: PlannedTask[] = [];
  for (const name of graph.order) {
    if (!selected.has(name)) continue;
    const node = graph.nodes.get(name) as ProjectNode;
    const upstream = graph.upstream.get(name) ?? [];
    if (options.build) {
      const gates = upstream.filter((u) => checksOf.has(u) && !feedsGate.get(u)?.has(name)).map(gateId);
      tasks.push({ kind: 'build', id: name, node, deps: [...upstream, ...gates] });
    }
    const nodeChecks = checksOf.get(name);
    if (nodeChecks) {
      const reads = nodeChecks.flatMap((c) => c.reads).filter((r) => r !== name);
      const deps = options.build ? [name, ...new Set(reads)] : [];
      tasks.push({ kind: 'checks', id: gateId(name), node, checks: nodeChecks, deps });
    }
  }
  return tasks;
}

/** The nodes named and everything upstream of them. */
function withUpstream(graph: Graph, names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...names];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(graph.upstream.get(name) ?? []));
  }
  return seen;
}
