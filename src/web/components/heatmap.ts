/** Heatmap: a value per (x, y) cell, coloured on a scale from the smallest to the largest. */
import type { QueryResultView } from '../../dashboards/views.ts';
import { formatAxis, formatValue, toNumber } from '../format.ts';
import { categories, label } from '../rows.ts';
import { attribute } from './card.ts';
import { EChartsComponent } from './chart.ts';
import type { ChartOption } from './echarts.ts';
import { escapeHtml } from './waterfall.ts';

export class Heatmap extends EChartsComponent {
  protected override columnAttributes(): string[] {
    return ['x', 'y', 'value'];
  }
  protected option(result: QueryResultView): { option: ChartOption; height: number } {
    const x = attribute(this.block, 'x') ?? '';
    const y = attribute(this.block, 'y') ?? '';
    const valueColumn = attribute(this.block, 'value') ?? '';
    const xs = categories(result.rows, x);
    const ys = categories(result.rows, y);
    const xIndex = new Map(xs.map((key, i) => [key, i]));
    const yIndex = new Map(ys.map((key, i) => [key, i]));
    const cells: [number, number, number][] = [];
    for (const row of result.rows) {
      const value = toNumber(row[valueColumn]);
      const i = xIndex.get(label(row[x]));
      const j = yIndex.get(label(row[y]));
      if (value !== null && i !== undefined && j !== undefined) cells.push([i, j, value]);
    }
    const values = cells.map((cell) => cell[2]);
    const min = values.length ? Math.min(...values) : 0;
    const max = values.length ? Math.max(...values) : 1;
    const format = this.format;
    const option: ChartOption = {
      grid: { left: 8, right: 16, top: 8, bottom: 64 },
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const one = Array.isArray(params) ? params[0] : params;
          const [i, j, value] = (one?.value as [number, number, number] | undefined) ?? [0, 0, 0];
          return `${escapeHtml(`${y} ${ys[j] ?? ''} · ${x} ${xs[i] ?? ''}`)}<br><strong>${formatValue(value, format)}</strong>`;
        },
      },
      xAxis: {
        type: 'category',
        data: xs,
        splitArea: { show: true },
        axisLabel: { hideOverlap: true, color: '#475569' },
        axisLine: { lineStyle: { color: '#cbd5e1' } },
      },
      yAxis: {
        type: 'category',
        data: ys,
        inverse: true,
        splitArea: { show: true },
        axisLabel: { color: '#475569' },
        axisLine: { lineStyle: { color: '#cbd5e1' } },
      },
      visualMap: {
        type: 'continuous',
        min,
        max: max === min ? min + 1 : max,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 160,
        itemWidth: 12,
        inRange: { color: ['#eff6ff', '#93c5fd', '#2563eb', '#1e3a8a'] },
        formatter: (value) => formatAxis(value, format),
        textStyle: { color: '#475569' },
      },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: {
            show: xs.length <= 24 && ys.length <= 30,
            fontSize: 10,
            formatter: ({ value }) => formatAxis((value as number[])[2], format),
          },
          emphasis: { itemStyle: { borderColor: '#0f172a', borderWidth: 1 } },
        },
      ],
    };
    return { option, height: Math.max(260, ys.length * 26 + 100) };
  }
}
