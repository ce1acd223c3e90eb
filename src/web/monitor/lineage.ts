/**
 * `/<project>/monitor/lineage`: the DAG of sources, seeds, models, check gates and dashboard pages
 * as an ECharts graph on the layered layout the API computed (x = depth, y = order), each node
 * coloured by its task's newest status. Clicking a node (on the graph or in the list) highlights
 * it and lists its upstream and downstream.
 */
import { GraphChart } from 'echarts/charts';
import type { GraphSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import { type ComposeOption, type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { LineageNodeView, LineageView } from '../../dashboards/views.ts';
import { el, replaceChildren } from '../dom.ts';
import type { MonitorContext } from './context.ts';
import { apiUrl, count, duration, heading, loadView, statusBadge } from './quality-common.ts';

use([GraphChart, GridComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<GraphSeriesOption | GridComponentOption | TooltipComponentOption>;

const STATUS_COLOUR: Record<string, string> = {
  success: '#16a34a',
  failed: '#dc2626',
  skipped: '#f59e0b',
  running: '#2563eb',
};
const SYMBOL: Record<string, string> = {
  source: 'roundRect',
  seed: 'roundRect',
  model: 'circle',
  checks: 'diamond',
  page: 'rect',
};
const COLUMN = 180;
const ROW = 56;

export function showLineage(context: MonitorContext): Promise<void> {
  return loadView<LineageView>(context, apiUrl(context, 'lineage'), async (view) => {
    const byId = new Map(view.nodes.map((node) => [node.id, node]));
    const chartBox = el('div', {
      class: 'mq-graph',
      'data-role': 'graph',
      'data-nodes': String(view.nodes.length),
    });
    const panel = el(
      'aside',
      { class: 'mq-panel', 'data-role': 'selection' },
      el('p', { class: 'mq-muted' }, 'Click a node to see what it reads and what reads it.'),
    );
    const list = el('ul', { class: 'mq-nodes', 'data-role': 'nodes' });
    const depth = Math.max(0, ...view.nodes.map((n) => n.depth));
    const rows = Math.max(1, ...view.nodes.map((n) => n.order + 1));
    chartBox.style.height = `${Math.max(260, rows * ROW + 40)}px`;
    chartBox.style.minWidth = `${(depth + 1) * 150}px`;

    // The chart, once its box is in the page.
    const drawn: { chart?: EChartsType } = {};
    const select = (id: string | null) => {
      for (const item of list.querySelectorAll<HTMLElement>('[data-node]')) {
        item.setAttribute('aria-pressed', String(item.dataset.node === id));
      }
      drawn.chart?.setOption({ series: [{ data: graphData(view.nodes, id), links: graphLinks(view, id) }] });
      const node = id === null ? undefined : byId.get(id);
      chartBox.dataset.selected = id ?? '';
      replaceChildren(panel, ...(node ? describe(node, byId, select) : []));
    };

    for (const node of view.nodes) {
      const button = el(
        'button',
        { type: 'button', 'data-node': node.id, 'data-kind': node.kind, 'aria-pressed': 'false' },
        el('span', { class: `mq-dot mq-${node.status ?? 'none'}` }),
        node.kind === 'page' ? `page ${node.name}` : node.name,
      );
      button.addEventListener('click', () => select(node.id));
      list.append(el('li', {}, button));
    }

    replaceChildren(
      context.layout.main,
      heading(context, 'Lineage'),
      el(
        'section',
        { 'data-monitor-view': 'lineage', class: 'mq-section' },
        el(
          'p',
          { class: 'mq-legend' },
          ...Object.entries(STATUS_COLOUR).map(([status, colour]) =>
            el('span', {}, el('span', { class: 'mq-dot', style: `background:${colour}` }), status),
          ),
          el('span', {}, el('span', { class: 'mq-dot mq-none' }), 'not run'),
          ' · ▢ source or seed · ● model · ◆ checks · ■ page',
        ),
        el(
          'div',
          { class: 'mq-lineage' },
          el('div', { class: 'mq-scroll mq-graph-scroll' }, chartBox),
          panel,
        ),
        el('h2', {}, `Nodes (${view.nodes.length})`),
        list,
      ),
    );

    const chart = init(chartBox, undefined, { renderer: 'canvas' });
    drawn.chart = chart;
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(chartBox);
    chart.on('click', (params) => {
      if (params.dataType === 'node') select(String((params.data as { id: string }).id));
    });
    chart.getZr().on('click', (event) => {
      if (!event.target) select(null);
    });
    const option: Option = {
      textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif' },
      animation: false,
      tooltip: {
        confine: true,
        formatter: (params: unknown) => {
          const data = (params as { data: { id?: string } }).data;
          const node = data.id ? byId.get(data.id) : undefined;
          if (!node) return '';
          return `${node.kind} ${escapeHtml(node.name)}<br/>${node.status ?? 'not run'} · ${count(node.rows)} rows · ${duration(node.durationMs)}`;
        },
      },
      grid: { left: 70, right: 90, top: 24, bottom: 32 },
      xAxis: { type: 'value', show: false, min: 0, max: Math.max(1, depth) * COLUMN },
      yAxis: { type: 'value', show: false, inverse: true, min: 0, max: Math.max(1, rows - 1) * ROW },
      series: [
        {
          type: 'graph',
          layout: 'none',
          // On a hidden grid: symbols keep their pixel size and shape whatever the box's aspect.
          coordinateSystem: 'cartesian2d',
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 7,
          label: { show: true, position: 'bottom', fontSize: 11, color: '#0f172a' },
          lineStyle: { color: '#94a3b8', width: 1.2, curveness: 0.15 },
          data: graphData(view.nodes, null),
          links: graphLinks(view, null),
        },
      ],
    };
    await new Promise<void>((resolve) => {
      chart.on('finished', () => resolve());
      chart.setOption(option);
    });
    // Where each node is on the canvas, for whoever clicks it without the list (and for tests).
    for (const item of list.querySelectorAll<HTMLElement>('[data-node]')) {
      const node = byId.get(item.dataset.node ?? '');
      if (!node) continue;
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [
        node.depth * COLUMN,
        node.order * ROW,
      ]) as number[];
      item.dataset.x = String(Math.round(x ?? 0));
      item.dataset.y = String(Math.round(y ?? 0));
    }
  });
}

function graphData(nodes: LineageNodeView[], selected: string | null): GraphSeriesOption['data'] {
  const near = new Set<string>();
  const chosen = nodes.find((n) => n.id === selected);
  if (chosen) for (const id of [chosen.id, ...chosen.upstream, ...chosen.downstream]) near.add(id);
  return nodes.map((node) => ({
    id: node.id,
    name: node.kind === 'page' ? `▤ ${node.name}` : node.name,
    value: [node.depth * COLUMN, node.order * ROW],
    symbol: SYMBOL[node.kind] ?? 'circle',
    symbolSize: node.id === selected ? 22 : node.kind === 'checks' ? 13 : 16,
    itemStyle: {
      color: node.status ? (STATUS_COLOUR[node.status] ?? '#64748b') : '#cbd5e1',
      borderColor: node.id === selected ? '#0f172a' : '#ffffff',
      borderWidth: node.id === selected ? 3 : 1,
      opacity: chosen && !near.has(node.id) ? 0.25 : 1,
    },
    label: {
      opacity: chosen && !near.has(node.id) ? 0.35 : 1,
      fontWeight: node.id === selected ? 'bold' : 'normal',
    },
  }));
}

function graphLinks(view: LineageView, selected: string | null): GraphSeriesOption['links'] {
  return view.edges.map((edge) => {
    const touches = selected !== null && (edge.source === selected || edge.target === selected);
    return {
      source: edge.source,
      target: edge.target,
      lineStyle: touches
        ? { color: '#2563eb', width: 2.5, opacity: 1 }
        : { opacity: selected === null ? 0.9 : 0.2 },
    };
  });
}

function describe(
  node: LineageNodeView,
  byId: Map<string, LineageNodeView>,
  select: (id: string) => void,
): HTMLElement[] {
  const links = (ids: string[], role: string) =>
    ids.length === 0
      ? el('p', { class: 'mq-muted', 'data-role': role }, 'none')
      : el(
          'ul',
          { 'data-role': role },
          ...ids.map((id) => {
            const link = el(
              'button',
              { type: 'button', class: 'mq-link', 'data-node-link': id },
              byId.get(id)?.name ?? id,
            );
            link.addEventListener('click', () => select(id));
            return el('li', { 'data-node': id }, link);
          }),
        );
  return [
    el(
      'h2',
      { 'data-role': 'selected', 'data-node': node.id },
      node.kind === 'page' ? `page ${node.name}` : node.name,
    ),
    el(
      'dl',
      { class: 'mq-facts' },
      el('dt', {}, 'Kind'),
      el('dd', {}, node.kind),
      ...(node.table ? [el('dt', {}, 'Table'), el('dd', { class: 'mq-mono' }, node.table)] : []),
      el('dt', {}, 'Last status'),
      el('dd', {}, statusBadge(node.status)),
      el('dt', {}, 'Rows'),
      el('dd', { 'data-role': 'rows' }, count(node.rows)),
      el('dt', {}, 'Build time'),
      el('dd', {}, duration(node.durationMs)),
      ...(node.runId ? [el('dt', {}, 'Run'), el('dd', { class: 'mq-mono' }, node.runId)] : []),
    ),
    el('h3', {}, `Upstream (${node.upstream.length})`),
    links(node.upstream, 'upstream'),
    el('h3', {}, `Downstream (${node.downstream.length})`),
    links(node.downstream, 'downstream'),
  ];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
