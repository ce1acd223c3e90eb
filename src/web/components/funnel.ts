/** Funnel: steps in the query's order, each labelled with its conversion from the step before. */
import type { QueryResultView } from '../../dashboards/views.ts';
import { formatChange, formatValue, toNumber } from '../format.ts';
import { label } from '../rows.ts';
import { attribute } from './card.ts';
import { CHART_HEIGHT, EChartsComponent } from './chart.ts';
import type { ChartOption } from './echarts.ts';
import { escapeHtml } from './waterfall.ts';

export class Funnel extends EChartsComponent {
  protected override columnAttributes(): string[] {
    return ['step', 'value'];
  }
  protected option(result: QueryResultView): { option: ChartOption; height: number } {
    const step = attribute(this.block, 'step') ?? '';
    const valueColumn = attribute(this.block, 'value') ?? '';
    const steps = result.rows.map((row) => ({
      name: label(row[step]),
      value: toNumber(row[valueColumn]) ?? 0,
    }));
    const format = this.format === 'number' ? 'integer' : this.format;
    const ratio = (value: number, of: number | undefined): string =>
      of ? formatChange(value / of).replace(/^\+/, '') : '—';
    const text = steps.map((s, i) =>
      i === 0
        ? formatValue(s.value, format)
        : `${formatValue(s.value, format)} · ${ratio(s.value, steps[i - 1]?.value)}`,
    );
    const max = Math.max(0, ...steps.map((s) => s.value));
    const option: ChartOption = {
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const one = Array.isArray(params) ? params[0] : params;
          const i = one?.dataIndex ?? 0;
          const s = steps[i];
          if (!s) return '';
          const lines = [`<strong>${escapeHtml(s.name)}</strong>`, formatValue(s.value, format)];
          if (i > 0) lines.push(`${ratio(s.value, steps[i - 1]?.value)} of the step before`);
          if (i > 0) lines.push(`${ratio(s.value, steps[0]?.value)} of the first step`);
          return lines.join('<br>');
        },
      },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '4%',
          width: '56%',
          top: 8,
          bottom: 8,
          min: 0,
          max: max || 1,
          minSize: '8%',
          gap: 2,
          label: {
            position: 'right',
            color: '#0f172a',
            formatter: ({ dataIndex, name }) => `{name|${name}}\n{value|${text[dataIndex] ?? ''}}`,
            rich: {
              name: { fontWeight: 600, fontSize: 12, lineHeight: 16 },
              value: { color: '#475569', fontSize: 12 },
            },
          },
          labelLine: { length: 12, lineStyle: { color: '#cbd5e1' } },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
          data: steps,
        },
      ],
    };
    return { option, height: Math.max(CHART_HEIGHT, steps.length * 52) };
  }
}
