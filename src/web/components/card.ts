/**
 * The frame every component draws in: a card with its title and CSV link, and the test hooks
 * (`data-component`, `data-query`, `data-state` = loading | ready | error).
 */
import type { BlockView, ProblemView } from '../../dashboards/views.ts';
import { el, replaceChildren, richText } from '../dom.ts';

export type ComponentBlock = Extract<BlockView, { kind: 'component' }>;
export type State = 'loading' | 'ready' | 'error';

export class Card {
  readonly root: HTMLElement;
  readonly body: HTMLElement;
  private readonly csv: HTMLAnchorElement;
  private readonly note: HTMLElement;
  private readonly error: HTMLElement;

  constructor(
    block: ComponentBlock,
    private readonly onState: () => void,
    options: { size?: 'small' | 'wide' | 'full'; csv?: boolean } = {},
  ) {
    const title = attribute(block, 'title');
    this.csv = el('a', { class: 'csv', 'data-role': 'csv', download: '', hidden: '' }, 'CSV');
    this.note = el('p', { class: 'card-note', hidden: '' });
    this.error = el('div', { class: 'card-error', role: 'alert', hidden: '' });
    this.body = el('div', { class: 'card-body' });
    this.root = el(
      'section',
      {
        class: `card card-${options.size ?? 'wide'}`,
        'data-component': block.component,
        'data-query': block.data,
        'data-block': block.id,
        'data-state': 'loading',
        'aria-busy': 'true',
      },
      el(
        'header',
        { class: 'card-head' },
        el('h2', { class: 'card-title' }, title ?? ''),
        options.csv === false ? null : this.csv,
      ),
      this.body,
      this.error,
      this.note,
    );
  }

  get state(): State {
    return this.root.dataset.state as State;
  }

  setState(state: State): void {
    this.root.dataset.state = state;
    this.root.setAttribute('aria-busy', String(state === 'loading'));
    if (state !== 'error') {
      this.error.hidden = true;
      this.body.hidden = false;
    }
    this.onState();
  }

  /**
   * The error in place of the component: its message and hint. `waiting` (the page's models are
   * not built, which the page says above) is drawn quieter than a failure.
   */
  fail(problem: ProblemView, tone: 'error' | 'waiting' = 'error'): void {
    replaceChildren(
      this.error,
      el(
        'p',
        { class: 'error-message', 'data-role': 'error', 'data-code': problem.code },
        ...richText(problem.message),
      ),
      problem.hint ? el('p', { class: 'error-hint', 'data-role': 'hint' }, ...richText(problem.hint)) : null,
    );
    this.error.classList.toggle('card-waiting', tone === 'waiting');
    this.error.hidden = false;
    this.body.hidden = true;
    this.csv.hidden = true;
    this.setNote(undefined);
    this.setState('error');
  }

  setCsv(url: string | undefined): void {
    if (url) this.csv.href = url;
    this.csv.hidden = !url;
  }

  setNote(text: string | undefined): void {
    this.note.textContent = text ?? '';
    this.note.hidden = !text;
  }
}

/** An attribute as text (a bare attribute, `stacked`, is `true`). */
export function attribute(block: ComponentBlock, name: string): string | undefined {
  const value = block.attributes[name];
  return typeof value === 'string' ? value : undefined;
}

/** A bare attribute (`stacked`), or one written `="true"`. */
export function flag(block: ComponentBlock, name: string): boolean {
  const value = block.attributes[name];
  return value === true || value === 'true' || value === '';
}
