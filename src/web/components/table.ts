/**
 * Table: the query's rows a page at a time (`limit`/`offset`, `page_size` a page), sorted by the
 * server: a click on a header sorts by that column (`sort=col`), a second click descending
 * (`sort=col:desc`).
 */
import type { QueryResultView } from '../../dashboards/views.ts';
import { el, replaceChildren } from '../dom.ts';
import { formatNumber, formatValue, toNumber } from '../format.ts';
import { names } from '../rows.ts';
import { attribute } from './card.ts';
import { type ComponentContext, QueryComponent } from './component.ts';

interface Sort {
  column: string;
  desc: boolean;
}

export class Table extends QueryComponent {
  private readonly pageSize: number;
  private offset = 0;
  private sort: Sort | undefined;

  protected override columnAttributes(): string[] {
    return ['columns'];
  }

  constructor(context: ComponentContext) {
    super(context, { size: 'full' });
    const size = Number(attribute(this.block, 'page_size'));
    this.pageSize = Number.isInteger(size) && size > 0 ? size : 20;
    this.sort = parseSort(attribute(this.block, 'sort'));
  }

  protected override queryParams(): Record<string, string> {
    const params: Record<string, string> = { limit: String(this.pageSize), offset: String(this.offset) };
    if (this.sort) params.sort = `${this.sort.column}${this.sort.desc ? ':desc' : ''}`;
    return params;
  }

  /** New inputs: back to the first page. */
  override load(params: URLSearchParams): Promise<void> {
    this.offset = 0;
    return super.load(params);
  }

  protected draw(result: QueryResultView): void {
    const wanted = names(attribute(this.block, 'columns'));
    const columns = wanted.length
      ? wanted.map((name) => result.columns.find((c) => c.name === name) ?? { name, type: '' })
      : result.columns;
    const head = el(
      'tr',
      {},
      ...columns.map((column) => {
        const sorted =
          this.sort?.column === column.name ? (this.sort.desc ? 'descending' : 'ascending') : undefined;
        const button = el(
          'button',
          { type: 'button', class: 'sort', 'data-column': column.name, title: `Sort by ${column.name}` },
          column.name,
          el(
            'span',
            { class: 'sort-mark', 'aria-hidden': 'true' },
            sorted === 'ascending' ? '↑' : sorted === 'descending' ? '↓' : '',
          ),
        );
        button.addEventListener('click', () => {
          this.sort =
            this.sort?.column === column.name && !this.sort.desc
              ? { column: column.name, desc: true }
              : { column: column.name, desc: false };
          this.offset = 0;
          void this.refresh();
        });
        return el(
          'th',
          { scope: 'col', 'aria-sort': sorted, class: numeric(column.type) ? 'num' : undefined },
          button,
        );
      }),
    );
    const body = el(
      'tbody',
      {},
      ...result.rows.map((row) =>
        el(
          'tr',
          {},
          ...columns.map((column) => {
            const value = row[column.name];
            const isNumber = typeof value === 'number' || (numeric(column.type) && toNumber(value) !== null);
            return el(
              'td',
              { class: isNumber ? 'num' : undefined },
              isNumber ? formatNumber(value, column.type) : formatValue(value),
            );
          }),
        ),
      ),
    );
    if (result.rows.length === 0) {
      body.append(
        el('tr', { class: 'empty' }, el('td', { colspan: String(Math.max(1, columns.length)) }, 'No rows.')),
      );
    }
    const first = result.total === 0 ? 0 : result.offset + 1;
    const last = result.offset + result.rows.length;
    const prev = el('button', { type: 'button', class: 'page-button', 'data-role': 'prev' }, '‹ Previous');
    const next = el('button', { type: 'button', class: 'page-button', 'data-role': 'next' }, 'Next ›');
    prev.disabled = result.offset <= 0;
    next.disabled = last >= result.total;
    prev.addEventListener('click', () => {
      this.offset = Math.max(0, this.offset - this.pageSize);
      void this.refresh();
    });
    next.addEventListener('click', () => {
      this.offset += this.pageSize;
      void this.refresh();
    });
    replaceChildren(
      this.card.body,
      el('div', { class: 'table-scroll' }, el('table', {}, el('thead', {}, head), body)),
      el(
        'div',
        { class: 'pager' },
        el(
          'span',
          { class: 'pager-range', 'data-role': 'range' },
          `${first.toLocaleString()}–${last.toLocaleString()} of ${result.total.toLocaleString()}`,
        ),
        el('span', { class: 'pager-buttons' }, prev, next),
      ),
    );
  }
}

function parseSort(value: string | undefined): Sort | undefined {
  const match = value?.trim().match(/^([^\s:]+)(?:[\s:]+(asc|desc))?$/i);
  if (!match?.[1]) return undefined;
  return { column: match[1], desc: match[2]?.toLowerCase() === 'desc' };
}

function numeric(type: string): boolean {
  return /INT|DECIMAL|NUMERIC|DOUBLE|FLOAT|REAL|HUGEINT/i.test(type);
}
