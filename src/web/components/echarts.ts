/**
 * ECharts, with only what the components draw (line, bar, heatmap, funnel; grid, tooltip,
 * legend, continuous visualMap; the canvas renderer), and a chart that fits its card.
 *
 * A chart is drawn when ECharts says `finished` (its rendering and its animation are over): that
 * is when the component's `data-state` becomes `ready`.
 */
import { BarChart, FunnelChart, HeatmapChart, LineChart } from 'echarts/charts';
import type {
  BarSeriesOption,
  FunnelSeriesOption,
  HeatmapSeriesOption,
  LineSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { type ComposeOption, type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { el } from '../dom.ts';

use([
  LineChart,
  BarChart,
  HeatmapChart,
  FunnelChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | HeatmapSeriesOption
  | FunnelSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | VisualMapComponentOption
>;

/** The series colours (also app.css's accents): distinct, readable on white. */
export const PALETTE = [
  '#2563eb',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#64748b',
];
export const UP = '#16a34a';
export const DOWN = '#dc2626';
export const TOTAL = '#2563eb';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const BASE: ChartOption = {
  color: PALETTE,
  textStyle: { fontFamily: FONT },
  animationDuration: 300,
  animationDurationUpdate: 300,
  tooltip: { confine: true },
};

export class ChartView {
  readonly element: HTMLDivElement;
  private chart: EChartsType | undefined;
  private observer: ResizeObserver | undefined;
  private waiting: (() => void)[] = [];

  constructor() {
    this.element = el('div', { class: 'chart', 'data-role': 'chart' });
  }

  /** Draws `option` at `height` px; resolves when ECharts has finished rendering it. */
  draw(option: ChartOption, height: number): Promise<void> {
    const resized = this.element.style.height !== `${height}px`;
    this.element.style.height = `${height}px`;
    if (!this.chart) {
      const chart = init(this.element, undefined, { renderer: 'canvas' });
      chart.on('finished', () => {
        const waiting = this.waiting;
        this.waiting = [];
        for (const resolve of waiting) resolve();
      });
      this.observer = new ResizeObserver(() => chart.resize());
      this.observer.observe(this.element);
      this.chart = chart;
    } else if (resized) {
      this.chart.resize();
    }
    const chart = this.chart;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      chart.setOption(
        { ...BASE, ...option, tooltip: { ...BASE.tooltip, ...option.tooltip } },
        { notMerge: true },
      );
    });
  }

  dispose(): void {
    this.observer?.disconnect();
    this.chart?.dispose();
    this.chart = undefined;
    for (const resolve of this.waiting) resolve();
    this.waiting = [];
  }
}
