/** What the monitor's quality views share: loading their JSON into the page, tables, badges. */
import { getJson } from '../api.ts';
import { type Child, el, replaceChildren } from '../dom.ts';
import { fetchFailure, loading } from '../notices.ts';
import type { MonitorContext } from './context.ts';

/**
 * Fetches a view's JSON and draws it; the page's `#app[data-state]` is ready once `draw` is done
 * (charts finished), error when the API answered one.
 */
export async function loadView<T>(
  context: MonitorContext,
  url: string,
  draw: (value: T) => Promise<void> | void,
): Promise<void> {
  const { app, layout } = context;
  app.dataset.state = 'loading';
  replaceChildren(layout.main, loading());
  const answer = await getJson<T>(url);
  if (!answer.ok) {
    replaceChildren(
      layout.main,
      fetchFailure(answer.error, () => void loadView(context, url, draw)),
    );
    app.dataset.state = 'error';
    return;
  }
  await draw(answer.value);
  app.dataset.state = 'ready';
}

export function apiUrl(context: MonitorContext, path: string, params?: URLSearchParams): string {
  const query = params && [...params].length > 0 ? `?${params.toString()}` : '';
  return `/api/${encodeURIComponent(context.project)}/monitor/${path}${query}`;
}

export function viewUrl(project: string, path: string): string {
  return `/${encodeURIComponent(project)}/monitor/${path}`;
}

export function statusBadge(status: string | null): HTMLElement {
  return el(
    'span',
    { class: `mq-badge mq-${status ?? 'none'}`, 'data-status': status ?? 'none' },
    status ?? 'not run',
  );
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString('en-US');
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A table: a header row and body rows, scrolling sideways on a narrow screen. */
export function table(
  attributes: Record<string, string>,
  head: string[],
  rows: HTMLTableRowElement[],
): HTMLElement {
  // Each cell names its column, which a phone shows beside it (the rows stack there).
  for (const tr of rows) {
    [...tr.cells].forEach((cell, i) => cell.setAttribute('data-label', head[i] ?? ''));
  }
  return el(
    'div',
    { class: 'mq-scroll' },
    el(
      'table',
      { class: 'mq-table', ...attributes },
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows),
    ),
  );
}

export function row(attributes: Record<string, string | undefined>, ...cells: Child[]): HTMLTableRowElement {
  return el(
    'tr',
    attributes,
    ...cells.map((cell) => (cell instanceof HTMLTableCellElement ? cell : el('td', {}, cell))),
  );
}

export function numberCell(value: number | null): HTMLTableCellElement {
  return el('td', { class: 'num' }, count(value));
}

export function heading(context: MonitorContext, title: string, ...rest: Child[]): HTMLElement {
  document.title = `${title} · Monitor · strata`;
  return el(
    'header',
    { class: 'page-head' },
    el(
      'p',
      { class: 'mq-crumbs' },
      el('a', { href: viewUrl(context.project, 'checks') }, context.project),
      ' / monitor',
    ),
    el('h1', {}, title),
    ...rest,
  );
}
