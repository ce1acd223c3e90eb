/** LineChart, BarChart (stacked, horizontal) and AreaChart (stacked): y columns by x, pivoted by `series`. */
import type { QueryResultView } from '../../dashboards/views.ts';
import { formatAxis, formatValue } from '../format.ts';
import { names, pivot } from '../rows.ts';
import { attribute, flag } from './card.ts';
import { CHART_HEIGHT, EChartsComponent } from './chart.ts';
import type { ComponentContext } from './component.ts';
import type { ChartOption } from './echarts.ts';

type Kind = 'line' | 'bar' | 'area';

export class SeriesChart extends EChartsComponent {
  protected override columnAttributes(): string[] {
    return ['x', 'y', 'series'];
  }
  constructor(
    context: ComponentContext,
    private readonly kind: Kind,
  ) {
    super(context);
  }

  protected option(result: QueryResultView): { option: ChartOption; height: number } {
    const x = attribute(this.block, 'x') ?? '';
    const ys = names(attribute(this.block, 'y'));
    const data = pivot(result.rows, x, ys, attribute(this.block, 'series'));
    const stacked = this.kind === 'area' || (this.kind === 'bar' && flag(this.block, 'stacked'));
    const horizontal = this.kind === 'bar' && flag(this.block, 'horizontal');
    const format = this.format;
    const legend = data.series.length > 1;

    const categoryAxis = {
      type: 'category' as const,
      data: data.categories,
      boundaryGap: this.kind === 'bar',
      inverse: horizontal,
      axisTick: { alignWithLabel: true },
      axisLabel: { hideOverlap: true, color: '#475569' },
      axisLine: { lineStyle: { color: '#cbd5e1' } },
    };
    const valueAxis = {
      type: 'value' as const,
      axisLabel: {
        formatter: (value: number) => formatAxis(value, format),
        color: '#475569',
        hideOverlap: true,
      },
      splitLine: { lineStyle: { color: '#e2e8f0' } },
    };
    const series = data.series.map((s) => ({
      type: this.kind === 'bar' ? ('bar' as const) : ('line' as const),
      name: s.name,
      // A stack adds up: a missing value there is zero, elsewhere a gap.
      data: stacked ? s.values.map((v) => v ?? 0) : s.values,
      ...(stacked ? { stack: 'total' } : {}),
      ...(this.kind === 'area' ? { areaStyle: { opacity: 0.35 }, lineStyle: { width: 1.5 } } : {}),
      ...(this.kind === 'bar'
        ? { barMaxWidth: 48 }
        : { showSymbol: data.categories.length <= 40, symbolSize: 5 }),
      emphasis: { focus: 'series' as const },
    }));
    const option: ChartOption = {
      grid: { left: 8, right: 16, top: legend ? 40 : 16, bottom: 8 },
      legend: legend ? { type: 'scroll', top: 0, left: 0, itemWidth: 14, itemHeight: 10 } : { show: false },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: this.kind === 'bar' ? 'shadow' : 'line' },
        valueFormatter: (value) => formatValue(Array.isArray(value) ? value[0] : value, format),
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series,
    };
    const height = horizontal ? Math.max(CHART_HEIGHT, data.categories.length * 28 + 60) : CHART_HEIGHT;
    return { option, height };
  }
}
