/** A component drawn by ECharts: a QueryComponent whose body is one chart. */
import type { QueryResultView } from '../../dashboards/views.ts';
import { type Format, parseFormat } from '../format.ts';
import { attribute } from './card.ts';
import { type ComponentContext, partNote, QueryComponent } from './component.ts';
import { type ChartOption, ChartView } from './echarts.ts';

export abstract class EChartsComponent extends QueryComponent {
  private readonly chart = new ChartView();
  protected readonly format: Format;

  constructor(context: ComponentContext) {
    super(context, { size: 'wide' });
    this.format = parseFormat(attribute(this.block, 'format'));
    this.card.body.append(this.chart.element);
  }

  /** The chart of a result, and its height in px; `width` is the chart's when drawn. */
  protected abstract option(result: QueryResultView, width: number): { option: ChartOption; height: number };

  protected draw(result: QueryResultView): Promise<void> {
    this.card.setNote(result.rows.length === 0 ? 'No rows for these inputs.' : partNote(result));
    const { option, height } = this.option(result, this.chart.element.clientWidth);
    return this.chart.draw(option, height);
  }

  override dispose(): void {
    super.dispose();
    this.chart.dispose();
  }
}

export const CHART_HEIGHT = 300;
