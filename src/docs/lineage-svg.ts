import { layeredLayout } from '../dashboards/lineage-layout.ts';
import { type Html, h, raw } from './html.ts';
import { slug } from './paths.ts';
import type { DocsLineage, DocsLineageNode } from './types.ts';

/**
 * The lineage graph as inline SVG, drawn when the page is written so it shows without JavaScript:
 * depth is the column, order the row; each node is a link to its page (`data-node` = its id) and
 * each edge a path (`data-source`, `data-target`). docs.js adds the highlighting of a node's
 * upstream and downstream and the zoom.
 */

const COLUMN = 230;
const ROW = 46;
const NODE_W = 184;
const NODE_H = 30;
const PAD = 12;
/** The room between two columns, where an edge may climb or fall without crossing a box. */
const GAP = COLUMN - NODE_W - 6;
/** Characters that fit in a node at 12 px; a longer name is cut, whole in its tooltip. */
const FITS = 25;

export interface GraphOptions {
  /** The node's link from the page that holds the graph, or null when it has no page. */
  href: (node: DocsLineageNode) => string | null;
  /** The node the page is about, drawn as such. */
  focus?: string;
  /** Label for screen readers. */
  label: string;
  /** Give each node an id (`nodeAnchor`), for links to a node of the whole graph. */
  anchors?: boolean;
}

/** The anchor of a node in the whole graph (lineage.html). */
export const nodeAnchor = (id: string): string => `node-${slug(id)}`;

const cut = (name: string) => (name.length > FITS ? `${name.slice(0, FITS - 1)}…` : name);

export function lineageSvg(lineage: DocsLineage, options: GraphOptions): Html {
  const nodes = lineage.nodes;
  const at = new Map(nodes.map((node) => [node.id, node]));
  const edges = lineage.edges.filter((edge) => at.has(edge.source) && at.has(edge.target));
  const columns = Math.max(0, ...nodes.map((n) => n.depth)) + 1;
  const rows = Math.max(0, ...nodes.map((n) => n.order)) + 1;
  const width = PAD * 2 + (columns - 1) * COLUMN + NODE_W;
  const height = PAD * 2 + (rows - 1) * ROW + NODE_H;
  const x = (n: DocsLineageNode) => PAD + n.depth * COLUMN;
  const y = (n: DocsLineageNode) => PAD + n.order * ROW;

  const paths = edges.map((edge) => {
    const from = at.get(edge.source) as DocsLineageNode;
    const to = at.get(edge.target) as DocsLineageNode;
    const x1 = x(from) + NODE_W;
    const y1 = y(from) + NODE_H / 2;
    const x2 = x(to) - 3;
    const y2 = y(to) + NODE_H / 2;
    // An edge that skips a column runs along the gap above its target's row, not through the
    // boxes of the columns between.
    const lane = y(to) - (ROW - NODE_H) / 2;
    const d =
      to.depth - from.depth > 1
        ? `M${x1} ${y1} C${x1 + GAP / 2} ${y1} ${x1 + GAP / 2} ${lane} ${x1 + GAP} ${lane} L${x2 - GAP} ${lane} C${x2 - GAP / 2} ${lane} ${x2 - GAP / 2} ${y2} ${x2} ${y2}`
        : `M${x1} ${y1} C${x1 + 24} ${y1} ${x2 - 24} ${y2} ${x2} ${y2}`;
    return h`<path class="lg-edge" d="${d}" data-source="${edge.source}" data-target="${edge.target}" marker-end="url(#lg-arrow)"/>`;
  });

  const boxes = nodes.map((node) => {
    const href = options.href(node);
    const label = node.kind === 'page' ? `▤ ${node.name}` : node.name;
    const focus = node.id === options.focus ? ' lg-focus' : '';
    const shape = h`<rect x="${x(node)}" y="${y(node)}" width="${NODE_W}" height="${NODE_H}" rx="6"/><text x="${x(node) + 10}" y="${y(node) + NODE_H / 2 + 4}">${cut(label)}</text><title>${node.kind} ${node.name}</title>`;
    const inner = href === null ? shape : h`<a href="${href}">${shape}</a>`;
    const anchor = options.anchors ? h` id="${nodeAnchor(node.id)}"` : '';
    return h`<g class="lg-node lg-${node.kind}${focus}"${anchor} data-node="${node.id}" data-kind="${node.kind}">${inner}</g>\n`;
  });

  return h`<div class="lineage-box" data-role="lineage" data-nodes="${nodes.length}"><svg class="lineage" xmlns="http://www.w3.org/2000/svg" aria-label="${options.label}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-width="${width}" data-height="${height}">
<defs><marker id="lg-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L8 4 L0 8 z"/></marker></defs>
<g class="lg-edges">${paths}</g>
<g class="lg-nodes">${boxes}</g>
</svg></div>`;
}

/** A legend of the node kinds, for the graphs. */
export function lineageLegend(): Html {
  return raw(
    '<p class="lg-legend"><span class="lg-key lg-source">source</span><span class="lg-key lg-seed">seed</span><span class="lg-key lg-model">model</span><span class="lg-key lg-page">dashboard page</span><span class="lg-hint">Hover or focus a node to follow its lineage.</span></p>',
  );
}

/** Beyond this many nodes a page's graph shows its node's nearer lineage only. */
export const NEIGHBOURHOOD_CAP = 120;

/** A part of the lineage around a node, and how many steps away it reaches when it was cut. */
export interface Neighbourhood extends DocsLineage {
  /** Null when every ancestor and descendant is drawn, else the steps drawn each way. */
  steps: number | null;
}

/**
 * The part of the project's lineage around one node: its ancestors, its descendants and itself,
 * laid out again so the graph is as small as that part. When that is more than `cap` nodes (a
 * calendar every fact reads), only those up to the most steps away that fit are kept.
 */
export function neighbourhood(lineage: DocsLineage, id: string, cap = NEIGHBOURHOOD_CAP): Neighbourhood {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const { source, target } of lineage.edges) {
    up.set(target, [...(up.get(target) ?? []), source]);
    down.set(source, [...(down.get(source) ?? []), target]);
  }
  // Steps from the node, each way (breadth first, so the fewest).
  const steps = new Map<string, number>([[id, 0]]);
  const walk = (next: Map<string, string[]>) => {
    let frontier = [id];
    const seen = new Set<string>([id]);
    for (let step = 1; frontier.length > 0; step += 1) {
      const following: string[] = [];
      for (const at of frontier) {
        for (const other of next.get(at) ?? []) {
          if (seen.has(other)) continue;
          seen.add(other);
          steps.set(other, Math.min(steps.get(other) ?? step, step));
          following.push(other);
        }
      }
      frontier = following;
    }
  };
  walk(up);
  walk(down);
  let reach = Math.max(0, ...steps.values());
  const within = (n: number) => [...steps.values()].filter((s) => s <= n).length;
  const cut = steps.size > cap;
  while (cut && reach > 1 && within(reach) > cap) reach -= 1;
  const keep = new Set([...steps].filter(([, s]) => s <= reach).map(([node]) => node));
  const nodes = lineage.nodes.filter((node) => keep.has(node.id));
  const edges = lineage.edges.filter((edge) => keep.has(edge.source) && keep.has(edge.target));
  const inside = new Map<string, string[]>();
  for (const { source, target } of edges) inside.set(target, [...(inside.get(target) ?? []), source]);
  const layout = layeredLayout(
    nodes.map((node) => node.id),
    inside,
  );
  return {
    nodes: nodes.map((node) => ({ ...node, ...(layout.get(node.id) ?? { depth: 0, order: 0 }) })),
    edges,
    steps: cut ? reach : null,
  };
}
