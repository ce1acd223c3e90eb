import type { DashboardPage } from '../dashboards/types.ts';
import { type LayeredPosition, layeredLayout } from '../dashboards/lineage-layout.ts';
import type { Graph } from '../models/graph.ts';

/** A node of the project's DAG as the monitor's lineage and the docs draw it. */
export interface DagNode<Kind extends string = string> {
  id: string;
  kind: Kind;
  name: string;
  /** `schema.table`, or null for what builds no table (a page, a check gate). */
  table: string | null;
  upstream: string[];
}

export interface LaidOutDag<Kind extends string> {
  nodes: (DagNode<Kind> & LayeredPosition & { downstream: string[] })[];
  edges: { source: string; target: string }[];
}

/** A dashboard page's node id (pages and DAG nodes share one id space). */
export const pageNodeId = (page: string): string => `page:${page}`;

/** Sources, seeds and models (project.graph), in the graph's order, each with its upstream names. */
export function graphNodes(graph: Graph): DagNode<'source' | 'seed' | 'model'>[] {
  return graph.order.flatMap((name) => {
    const node = graph.nodes.get(name);
    if (!node) return [];
    const table = `${node.target.schema}.${node.target.name}`;
    return [{ id: name, kind: node.kind, name, table, upstream: [...(graph.upstream.get(name) ?? [])] }];
  });
}

/**
 * The dashboard pages as nodes, each reading the nodes its refs name (a source's nested table
 * counts as its source); refs to nodes not in `known` are left out.
 */
export function pageNodes(
  pages: readonly DashboardPage[],
  graph: Graph,
  known: ReadonlySet<string>,
): DagNode<'page'>[] {
  return pages.map((page) => {
    const refs = page.refs.map((ref) => graph.tables.get(ref)?.node ?? ref).filter((ref) => known.has(ref));
    return {
      id: pageNodeId(page.name),
      kind: 'page',
      name: page.name,
      table: null,
      upstream: [...new Set(refs)],
    };
  });
}

/** The nodes with their edges, downstream ids (sorted) and layered layout (dashboards/lineage-layout). */
export function layOutDag<Kind extends string>(nodes: readonly DagNode<Kind>[]): LaidOutDag<Kind> {
  const upstream = new Map(nodes.map((node) => [node.id, node.upstream]));
  const downstream = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  const edges: LaidOutDag<Kind>['edges'] = [];
  for (const node of nodes) {
    for (const parent of node.upstream) {
      downstream.get(parent)?.push(node.id);
      edges.push({ source: parent, target: node.id });
    }
  }
  const layout = layeredLayout(
    nodes.map((node) => node.id),
    upstream,
  );
  return {
    nodes: nodes.map((node) => ({
      ...node,
      ...(layout.get(node.id) ?? { depth: 0, order: 0 }),
      downstream: (downstream.get(node.id) ?? []).sort(),
    })),
    edges,
  };
}
