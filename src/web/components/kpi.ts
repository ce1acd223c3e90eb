/** KPI: one number from the query's first row, and its change in % against `compare`. */
import type { QueryResultView } from '../../dashboards/views.ts';
import { el, replaceChildren } from '../dom.ts';
import { change, type Format, formatChange, formatValue, parseFormat, toNumber } from '../format.ts';
import { attribute } from './card.ts';
import { type ComponentContext, QueryComponent } from './component.ts';

export class Kpi extends QueryComponent {
  private readonly format: Format;

  protected override columnAttributes(): string[] {
    return ['value', 'compare'];
  }

  constructor(context: ComponentContext) {
    super(context, { size: 'small', csv: false });
    this.format = parseFormat(attribute(this.block, 'format'));
  }

  protected override queryParams(): Record<string, string> {
    return { limit: '1' };
  }

  protected draw(result: QueryResultView): void {
    const row = result.rows[0];
    const raw = row?.[attribute(this.block, 'value') ?? ''];
    const number = toNumber(raw);
    const value = el(
      'p',
      { class: 'kpi-value', 'data-role': 'value', 'data-value': number === null ? '' : String(number) },
      row ? formatValue(raw, this.format) : 'No rows',
    );
    const compareColumn = attribute(this.block, 'compare');
    let delta: HTMLElement | null = null;
    if (compareColumn) {
      const previous = row?.[compareColumn];
      const ratio = change(raw, previous);
      const direction = ratio === null || ratio === 0 ? 'flat' : ratio > 0 ? 'up' : 'down';
      const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '';
      // Most figures are better up; a churn rate is better down (better="down").
      const betterDown = attribute(this.block, 'better') === 'down';
      const verdict = direction === 'flat' ? 'flat' : (direction === 'down') === betterDown ? 'good' : 'bad';
      delta = el(
        'p',
        {
          class: `kpi-change kpi-${verdict}`,
          'data-role': 'change',
          'data-direction': direction,
          'data-value': ratio === null ? '' : String(ratio),
          title: `Previous period: ${formatValue(previous, this.format)}`,
        },
        arrow ? el('span', { class: 'kpi-arrow', 'aria-hidden': 'true' }, arrow) : null,
        // No figure for the period before (the data starts inside it): say so rather than "— vs —".
        ...(previous === null || previous === undefined
          ? [el('span', { class: 'kpi-against' }, 'no earlier period to compare')]
          : [
              ratio === null ? '—' : formatChange(ratio),
              el('span', { class: 'kpi-against' }, ` vs ${formatValue(previous, this.format)}`),
            ]),
      );
    }
    replaceChildren(this.card.body, value, delta);
  }
}
