/**
 * What the page asks of a component: query with the page's inputs and draw, or show why it cannot.
 * QueryComponent does the querying (one request at a time: a newer one cancels the older) and
 * the states; each component draws a QueryResultView.
 */
import type { ProblemView, QueryResultView } from '../../dashboards/views.ts';
import { getJson, isAbort, withParams } from '../api.ts';
import { names } from '../rows.ts';
import { Card, type ComponentBlock } from './card.ts';

export interface Component {
  readonly root: HTMLElement;
  readonly card: Card;
  /** Queries with the inputs' parameters and draws; resolves once drawn or failed. */
  load(params: URLSearchParams): Promise<void>;
  /** Shows a problem without querying (the page's models are not built). */
  hold(problem: ProblemView): void;
  dispose(): void;
}

export interface ComponentContext {
  block: ComponentBlock;
  /** The URL of the component's query (from the page view's `queries`), if the page has it. */
  queryUrl: string | undefined;
  /** Called whenever a component's state changes (the page derives its own from them). */
  onState: () => void;
}

export abstract class QueryComponent implements Component {
  readonly card: Card;
  protected readonly block: ComponentBlock;
  private readonly queryUrl: string | undefined;
  private params = new URLSearchParams();
  private controller: AbortController | undefined;

  constructor(context: ComponentContext, options: ConstructorParameters<typeof Card>[2] = {}) {
    this.block = context.block;
    this.queryUrl = context.queryUrl;
    this.card = new Card(context.block, context.onState, options);
  }

  get root(): HTMLElement {
    return this.card.root;
  }

  /** Parameters of the query beyond the inputs (limit, offset, sort). */
  protected queryParams(): Record<string, string> {
    return { limit: '10000' };
  }

  /** Draws a result; resolves once it is on screen. */
  protected abstract draw(result: QueryResultView): Promise<void> | void;

  load(params: URLSearchParams): Promise<void> {
    this.params = params;
    return this.refresh();
  }

  hold(problem: ProblemView): void {
    this.controller?.abort();
    this.card.fail(problem, 'waiting');
  }

  /** The attributes that name columns of the result (checked before drawing). */
  protected columnAttributes(): string[] {
    return [];
  }

  /** A column the component names that the result lacks, as a problem (the server checks too). */
  private missingColumn(result: QueryResultView): ProblemView | undefined {
    if (result.columns.length === 0) return undefined;
    const have = new Set(result.columns.map((column) => column.name));
    for (const name of this.columnAttributes()) {
      for (const column of names(this.block.attributes[name])) {
        if (!have.has(column)) {
          return {
            code: 'DASHBOARD_UNKNOWN_COLUMN',
            message: `${this.block.component} ${name}="${column}": query "${result.query}" has no column "${column}".`,
            hint: `Its columns: ${[...have].join(', ')}.`,
          };
        }
      }
    }
    return undefined;
  }

  protected async refresh(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.card.setState('loading');
    if (!this.queryUrl) {
      this.card.fail({
        code: 'DASHBOARD_NOT_FOUND',
        message: `This page has no query named "${this.block.data ?? ''}".`,
      });
      return;
    }
    const params = new URLSearchParams(this.params);
    for (const [name, value] of Object.entries(this.queryParams())) params.set(name, value);
    try {
      const answer = await getJson<QueryResultView>(withParams(this.queryUrl, params), controller.signal);
      if (controller.signal.aborted) return;
      if (!answer.ok) {
        this.card.fail(answer.error);
        return;
      }
      const missing = this.missingColumn(answer.value);
      if (missing) {
        this.card.fail(missing);
        return;
      }
      this.card.setCsv(answer.value.csv);
      // How many rows the chart stands for: tests and readers can tell an empty chart.
      this.card.root.dataset.rows = String(answer.value.total);
      await this.draw(answer.value);
      if (controller.signal.aborted) return;
      this.card.setState('ready');
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.card.fail({
        code: 'DASHBOARD_DRAW_FAILED',
        message: `Could not draw ${this.block.component}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  dispose(): void {
    this.controller?.abort();
  }
}

/** The note under a chart that draws part of its result. */
export function partNote(result: QueryResultView): string | undefined {
  if (result.total <= result.rows.length) return undefined;
  return `Showing the first ${result.rows.length.toLocaleString()} of ${result.total.toLocaleString()} rows (CSV has them all).`;
}
