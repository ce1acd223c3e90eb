/**
 * A layered layout of a DAG: each node's depth is one more than the deepest of its upstream nodes
 * (a node without any sits at 0), and within a depth nodes are ordered by the mean order of their
 * upstream nodes (so edges cross less), then by name. Pure; the lineage view draws x = depth,
 * y = order.
 */
export interface LayeredPosition {
  depth: number;
  order: number;
}

export function layeredLayout(
  ids: readonly string[],
  upstream: ReadonlyMap<string, readonly string[]>,
): Map<string, LayeredPosition> {
  const known = new Set(ids);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const seen = depth.get(id);
    if (seen !== undefined) return seen;
    if (visiting.has(id)) return 0; // a cycle (not expected in a DAG): break it
    visiting.add(id);
    const parents = (upstream.get(id) ?? []).filter((p) => known.has(p));
    const d = parents.length === 0 ? 0 : Math.max(...parents.map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const id of ids) depthOf(id);

  const byDepth = new Map<number, string[]>();
  for (const id of ids) {
    const d = depth.get(id) ?? 0;
    byDepth.set(d, [...(byDepth.get(d) ?? []), id]);
  }
  const positions = new Map<string, LayeredPosition>();
  for (const d of [...byDepth.keys()].sort((a, b) => a - b)) {
    const layer = byDepth.get(d) ?? [];
    const weight = (id: string): number => {
      const parents = (upstream.get(id) ?? []).flatMap((p) => {
        const placed = positions.get(p);
        return placed ? [placed.order] : [];
      });
      return parents.length === 0 ? -1 : parents.reduce((a, b) => a + b, 0) / parents.length;
    };
    const sorted = [...layer].sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));
    sorted.forEach((id, order) => positions.set(id, { depth: d, order }));
  }
  return positions;
}
