/** Waterfall: each step's signed change as a bar floating on the running total, and a closing total. */
import type { QueryResultView } from '../../dashboards/views.ts';
import { formatAxis, formatValue } from '../format.ts';
import { waterfall } from '../rows.ts';
import { attribute } from './card.ts';
import { CHART_HEIGHT, EChartsComponent } from './chart.ts';
import { type ChartOption, DOWN, TOTAL, UP } from './echarts.ts';

export class Waterfall extends EChartsComponent {
  protected override columnAttributes(): string[] {
    return ['x', 'y'];
  }
  protected option(result: QueryResultView, width: number): { option: ChartOption; height: number } {
    const total = attribute(this.block, 'total');
    const bars = waterfall(
      result.rows,
      attribute(this.block, 'x') ?? '',
      attribute(this.block, 'y') ?? '',
      total,
    );
    const format = this.format;
    const last = bars.categories.length - 1;
    const signed = (value: number): string =>
      `${value > 0 ? '+' : value < 0 ? '−' : ''}${formatValue(Math.abs(value), format)}`;
    const label = {
      // A change's figure over its bar, where the bars are wide enough to hold it.
      show: (width - 60) / Math.max(1, bars.categories.length) >= 56,
      position: 'top' as const,
      color: '#334155',
      fontSize: 11,
    };
    const option: ChartOption = {
      grid: { left: 8, right: 16, top: 24, bottom: 8 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const first = Array.isArray(params) ? params[0] : params;
          const index = first?.dataIndex ?? 0;
          const change = bars.changes[index] ?? 0;
          const name = bars.categories[index] ?? '';
          return total && index === last
            ? `<strong>${escapeHtml(name)}</strong><br>${formatValue(change, format)}`
            : `<strong>${escapeHtml(name)}</strong><br>${signed(change)}`;
        },
      },
      xAxis: {
        type: 'category',
        data: bars.categories,
        // Every step named: a long name breaks onto a second line, or on a narrow chart is slanted.
        axisLabel: {
          interval: 0,
          color: '#475569',
          fontSize: 11,
          lineHeight: 13,
          ...stepLabels(width, bars.categories.length),
        },
        axisLine: { lineStyle: { color: '#cbd5e1' } },
      },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (value: number) => formatAxis(value, format), color: '#475569' },
        splitLine: { lineStyle: { color: '#e2e8f0' } },
      },
      series: [
        {
          type: 'bar',
          name: 'base',
          stack: 'waterfall',
          silent: true,
          itemStyle: { color: 'transparent', borderColor: 'transparent' },
          emphasis: { disabled: true },
          data: bars.base,
        },
        {
          type: 'bar',
          name: 'increase',
          stack: 'waterfall',
          itemStyle: { color: UP, borderRadius: 2 },
          label: {
            ...label,
            formatter: ({ value }) => (typeof value === 'number' ? `+${formatAxis(value, format)}` : ''),
          },
          data: bars.up,
        },
        {
          type: 'bar',
          name: 'decrease',
          stack: 'waterfall',
          itemStyle: { color: DOWN, borderRadius: 2 },
          label: {
            ...label,
            formatter: ({ value }) => (typeof value === 'number' ? `−${formatAxis(value, format)}` : ''),
          },
          data: bars.down,
        },
        {
          type: 'bar',
          name: total ?? 'total',
          stack: 'waterfall',
          itemStyle: { color: TOTAL, borderRadius: 2 },
          label: {
            ...label,
            formatter: ({ value }) => (typeof value === 'number' ? formatAxis(value, format) : ''),
          },
          data: bars.categories.map((_, i) => (total && i === last ? bars.end : null)),
        },
      ],
    };
    return { option, height: CHART_HEIGHT };
  }
}

function stepLabels(width: number, steps: number): { rotate?: number; overflow?: 'break'; width?: number } {
  const band = (width - 60) / Math.max(1, steps);
  return band >= 56 ? { overflow: 'break', width: Math.floor(band - 6) } : { rotate: 35 };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
