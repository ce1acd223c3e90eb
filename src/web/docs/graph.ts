/**
 * The lineage graphs (inline SVG drawn when the site was written): hovering or focusing a node
 * highlights it, everything upstream and everything downstream; buttons zoom, and the graph's box
 * scrolls (or is dragged) when it is bigger than the page.
 */
function closure(start: string, next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.pop() as string;
    for (const other of next.get(at) ?? []) {
      if (!seen.has(other)) {
        seen.add(other);
        queue.push(other);
      }
    }
  }
  return seen;
}

function highlight(svg: SVGSVGElement): void {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  const edges = [...svg.querySelectorAll<SVGPathElement>('path[data-source][data-target]')];
  for (const edge of edges) {
    const source = edge.dataset.source ?? '';
    const target = edge.dataset.target ?? '';
    up.set(target, [...(up.get(target) ?? []), source]);
    down.set(source, [...(down.get(source) ?? []), target]);
  }
  const nodes = [...svg.querySelectorAll<SVGGElement>('g[data-node]')];
  // A node the address names (lineage.html#node-x) stays lit when the pointer leaves another.
  const pinned = nodes.find((node) => location.hash !== '' && `#${node.id}` === location.hash)?.dataset.node;
  const clear = () => {
    svg.classList.remove('lg-active');
    for (const node of nodes) node.classList.remove('is-on', 'is-up', 'is-down');
    for (const edge of edges) edge.classList.remove('is-up', 'is-down');
  };
  const show = (id: string) => {
    clear();
    const ancestors = closure(id, up);
    const descendants = closure(id, down);
    svg.classList.add('lg-active');
    for (const node of nodes) {
      const nodeId = node.dataset.node ?? '';
      if (nodeId === id) node.classList.add('is-on');
      else if (ancestors.has(nodeId)) node.classList.add('is-up');
      else if (descendants.has(nodeId)) node.classList.add('is-down');
    }
    for (const edge of edges) {
      const source = edge.dataset.source ?? '';
      const target = edge.dataset.target ?? '';
      if (target === id || (ancestors.has(target) && ancestors.has(source))) edge.classList.add('is-up');
      else if (source === id || (descendants.has(source) && descendants.has(target)))
        edge.classList.add('is-down');
    }
  };
  const rest = () => (pinned === undefined ? clear() : show(pinned));
  for (const node of nodes) {
    const id = node.dataset.node ?? '';
    node.addEventListener('mouseenter', () => show(id));
    node.addEventListener('mouseleave', rest);
    node.addEventListener('focusin', () => show(id));
    node.addEventListener('focusout', rest);
  }
  if (pinned !== undefined) {
    show(pinned);
    svg.querySelector(`g[data-node="${CSS.escape(pinned)}"]`)?.classList.add('lg-focus');
  }
}

function zoom(box: HTMLElement, svg: SVGSVGElement): void {
  const width = Number(svg.dataset.width);
  const height = Number(svg.dataset.height);
  if (!width || !height) return;
  let scale = 1;
  const apply = () => {
    svg.setAttribute('width', String(Math.round(width * scale)));
    svg.setAttribute('height', String(Math.round(height * scale)));
    box.dataset.scale = scale.toFixed(2);
  };
  const button = (label: string, title: string, action: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.title = title;
    b.setAttribute('aria-label', title);
    b.addEventListener('click', () => {
      action();
      apply();
    });
    return b;
  };
  const tools = document.createElement('div');
  tools.className = 'lg-tools';
  tools.append(
    button('−', 'Zoom out', () => (scale = Math.max(0.2, scale / 1.25))),
    button('+', 'Zoom in', () => (scale = Math.min(3, scale * 1.25))),
    button(
      'Fit',
      'Fit to the width',
      () => (scale = Math.min(1, Math.max(0.2, (box.clientWidth - 4) / width))),
    ),
    button('1:1', 'Actual size', () => (scale = 1)),
  );
  box.before(tools);

  // Dragging the background pans (the box scrolls); a click on a node still follows its link.
  let drag: { x: number; y: number; left: number; top: number } | null = null;
  box.addEventListener('pointerdown', (event) => {
    if ((event.target as Element).closest('a') || event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
    box.classList.add('lg-dragging');
  });
  window.addEventListener('pointermove', (event) => {
    if (!drag) return;
    box.scrollLeft = drag.left - (event.clientX - drag.x);
    box.scrollTop = drag.top - (event.clientY - drag.y);
  });
  window.addEventListener('pointerup', () => {
    drag = null;
    box.classList.remove('lg-dragging');
  });
}

export function setUpGraphs(): void {
  for (const box of document.querySelectorAll<HTMLElement>('[data-role="lineage"]')) {
    const svg = box.querySelector<SVGSVGElement>('svg.lineage');
    if (!svg) continue;
    highlight(svg);
    zoom(box, svg);
    // The page's own node in view: the box scrolls to it when the graph is bigger than the box.
    const focus = svg.querySelector<SVGGElement>('g.lg-focus');
    // A node the address names (lineage.html#node-x): the box, not the page, scrolls to it. Any
    // other anchor (a column's row) is left to the browser.
    if (focus && focus.id !== '' && location.hash === `#${focus.id}`) window.scrollTo(0, 0);
    if (focus) {
      const rect = focus.getBoundingClientRect();
      const outer = box.getBoundingClientRect();
      box.scrollLeft = rect.left - outer.left - box.clientWidth / 2 + rect.width / 2;
      box.scrollTop = rect.top - outer.top - box.clientHeight / 2 + rect.height / 2;
    }
  }
}
