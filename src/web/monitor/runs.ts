/**
 * The monitor's runs: `/<project>/monitor/runs` (the list, filtered by status and start day,
 * paged) and `/<project>/monitor/runs/<runId>` (the run's report and its task timeline).
 *
 * Live progress is polling: the run page asks for the run again every POLL_LIVE_MS while it is
 * `running` and stops when it ends; the list asks again every POLL_LIVE_MS while a run of it is
 * running, every POLL_IDLE_MS otherwise (so a run started elsewhere appears). `#app[data-state]`
 * is `ready` once drawn; `[data-live]` says whether the view still polls.
 */
import type { MonitorRunRow, MonitorRunsView, MonitorRunView } from '../../dashboards/monitor-runs-views.ts';
import { getJson } from '../api.ts';
import { el, replaceChildren } from '../dom.ts';
import { monitorUrl } from '../nav.ts';
import { fetchFailure } from '../notices.ts';
import { count, duration, layerFigures, notRecorded, statusBadge, when } from './run-format.ts';
import { drawTimeline } from './runs-timeline.ts';
import type { MonitorContext } from './context.ts';

export const POLL_LIVE_MS = 1500;
export const POLL_IDLE_MS = 3000;

/** Polls `step` until stopped: each step says how long to wait before the next (undefined: stop). */
function poller(step: () => Promise<number | undefined>): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    const wait = await step();
    if (!stopped && wait !== undefined) timer = setTimeout(() => void tick(), wait);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

export function showRuns(context: MonitorContext): () => void {
  const { app, layout, project } = context;
  const params = new URLSearchParams(location.search);
  document.title = `Runs · Monitor · strata`;
  const head = el('header', { class: 'page-head' }, el('h1', {}, 'Runs'));
  const filters = runFilters(params, (next) => {
    for (const name of ['status', 'from', 'to', 'offset']) {
      const value = next.get(name);
      if (value) params.set(name, value);
      else params.delete(name);
    }
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
    refresh();
  });
  const body = el('section', { class: 'card monitor-card', 'data-role': 'runs' });
  replaceChildren(layout.main, head, filters.element, body);
  let generation = 0;
  const load = async (): Promise<number | undefined> => {
    const mine = ++generation;
    const answer = await getJson<MonitorRunsView>(
      `/api/${encodeURIComponent(project)}/monitor/runs${params.size ? `?${params}` : ''}`,
    );
    if (mine !== generation) return undefined;
    if (!answer.ok) {
      replaceChildren(body, fetchFailure(answer.error, refresh));
      app.dataset.state = 'error';
      return POLL_IDLE_MS;
    }
    const view = answer.value;
    head.replaceChildren(el('h1', {}, 'Runs'), el('p', { class: 'page-project' }, view.title));
    filters.show(view);
    drawRunsTable(body, view, project, (offset) => {
      params.set('offset', String(offset));
      history.replaceState(null, '', `${location.pathname}?${params}`);
      refresh();
    });
    body.dataset.live = String(view.live);
    app.dataset.state = 'ready';
    return view.live ? POLL_LIVE_MS : POLL_IDLE_MS;
  };
  let stop = poller(load);
  function refresh(): void {
    stop();
    stop = poller(load);
  }
  return () => stop();
}

function runFilters(
  params: URLSearchParams,
  onChange: (next: URLSearchParams) => void,
): { element: HTMLElement; show: (view: MonitorRunsView) => void } {
  const status = el('select', { name: 'status', 'data-role': 'status-filter' });
  const from = el('input', { type: 'date', name: 'from', 'data-role': 'from-filter' });
  const to = el('input', { type: 'date', name: 'to', 'data-role': 'to-filter' });
  from.value = params.get('from') ?? '';
  to.value = params.get('to') ?? '';
  const changed = () =>
    onChange(new URLSearchParams({ status: status.value, from: from.value, to: to.value }));
  for (const input of [status, from, to]) input.addEventListener('change', changed);
  const element = el(
    'form',
    { class: 'filters', 'data-role': 'run-filters' },
    el('label', { class: 'input' }, el('span', { class: 'input-label' }, 'Status'), status),
    el(
      'div',
      { class: 'input' },
      el('span', { class: 'input-label' }, 'Started between'),
      el('div', { class: 'date-fields' }, from, el('span', { class: 'date-dash' }, '–'), to),
    ),
  );
  element.addEventListener('submit', (event) => event.preventDefault());
  let shown = '';
  return {
    element,
    show(view) {
      const key = view.statuses.join(',');
      if (key !== shown) {
        shown = key;
        status.replaceChildren(
          el('option', { value: '' }, 'Any status'),
          ...view.statuses.map((s) => el('option', { value: s }, s)),
        );
      }
      status.value = view.filters.status ?? '';
    },
  };
}

function drawRunsTable(
  body: HTMLElement,
  view: MonitorRunsView,
  project: string,
  page: (offset: number) => void,
): void {
  const header = [
    'Run',
    'Status',
    'Dates',
    'Started',
    'Duration',
    'Rows by layer',
    'Checks failed',
    'Quaran\u00adtined',
    'Alerts',
  ];
  const numeric = new Set(['Duration', 'Checks failed', 'Quaran\u00adtined', 'Alerts']);
  const rows = view.runs.map((run) => runRow(run, project));
  const last = Math.min(view.offset + view.runs.length, view.total);
  const previous = el('button', { type: 'button', class: 'page-button', 'data-role': 'previous' }, 'Newer');
  const next = el('button', { type: 'button', class: 'page-button', 'data-role': 'next' }, 'Older');
  previous.disabled = view.offset === 0;
  next.disabled = last >= view.total;
  previous.addEventListener('click', () => page(Math.max(0, view.offset - view.limit)));
  next.addEventListener('click', () => page(view.offset + view.limit));
  body.dataset.total = String(view.total);
  replaceChildren(
    body,
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'runs-table' },
        el(
          'thead',
          {},
          el('tr', {}, ...header.map((h) => el('th', { class: numeric.has(h) ? 'num plain' : 'plain' }, h))),
        ),
        el(
          'tbody',
          {},
          ...(rows.length
            ? rows
            : [
                el('tr', { class: 'empty' }, el('td', { colspan: String(header.length) }, 'No run matches.')),
              ]),
        ),
      ),
    ),
    el(
      'p',
      { class: 'table-note' },
      'Rows by layer: raw · staging · warehouse · marts, from the run\u2019s metrics; — where audit recorded no figure. Started: month-day and time, in UTC.',
    ),
    el(
      'div',
      { class: 'pager' },
      el(
        'span',
        { 'data-role': 'range' },
        view.total === 0 ? 'No runs' : `Runs ${view.offset + 1}–${last} of ${view.total}`,
      ),
      el('span', { class: 'pager-buttons' }, previous, next),
    ),
  );
}

function runRow(run: MonitorRunRow, project: string): HTMLElement {
  const layers = layerFigures(run.rowsByLayer);
  return el(
    'tr',
    { 'data-run': run.runId, 'data-status': run.status },
    el(
      'td',
      {},
      el('a', { href: monitorUrl(project, 'runs', run.runId), class: 'run-link' }, run.runId),
      el('span', { class: 'run-trigger', 'data-role': 'trigger' }, run.trigger),
    ),
    el('td', {}, statusBadge(run.status)),
    el('td', {}, window(run)),
    el(
      'td',
      {
        title: `started ${when(run.startedAt)}${run.finishedAt ? `, ended ${when(run.finishedAt)}` : ''}`,
        'data-role': 'started',
      },
      run.startedAt.slice(5, 16).replace('T', ' '),
    ),
    el('td', { class: 'num' }, duration(run.durationMs)),
    el(
      'td',
      { class: 'layers' },
      ...layers.flatMap((figure, i) => [
        i > 0 ? el('span', { class: 'layer-sep', 'aria-hidden': 'true' }, '·') : null,
        typeof figure.text === 'string'
          ? el('span', { 'data-layer': figure.layer, title: `${figure.label} rows` }, figure.text)
          : el(
              'span',
              {
                'data-layer': figure.layer,
                'data-recorded': 'false',
                title: `${figure.label}: not recorded`,
              },
              '—',
            ),
      ]),
    ),
    el('td', { class: 'num', 'data-role': 'checks-failed' }, run.checksFailed ?? notRecorded()),
    el('td', { class: 'num', 'data-role': 'quarantined' }, run.quarantined ?? notRecorded()),
    el('td', { class: 'num', 'data-role': 'alerts' }, String(run.alerts)),
  );
}

function window(run: MonitorRunRow): string {
  if (!run.dateFrom && !run.dateTo) return 'all dates';
  if (run.dateFrom === run.dateTo) return run.dateFrom ?? '';
  // The same year is written once: 2025-06-01 → 06-02.
  const to =
    run.dateFrom && run.dateTo?.slice(0, 5) === run.dateFrom.slice(0, 5) ? run.dateTo.slice(5) : run.dateTo;
  return `${run.dateFrom ?? '…'} → ${to ?? '…'}`;
}

export function showRun(context: MonitorContext): () => void {
  const { app, layout, project } = context;
  const runId = context.id as string;
  document.title = `Run ${runId} · Monitor · strata`;
  const root = el('div', { class: 'monitor-run', 'data-run': runId });
  replaceChildren(layout.main, root);
  const stop = poller(async () => {
    const answer = await getJson<MonitorRunView>(
      `/api/${encodeURIComponent(project)}/monitor/runs/${encodeURIComponent(runId)}`,
    );
    if (!answer.ok) {
      replaceChildren(
        root,
        fetchFailure(answer.error, () => location.reload()),
      );
      app.dataset.state = 'error';
      return answer.status === 404 ? undefined : POLL_LIVE_MS * 2;
    }
    drawRun(root, answer.value, project);
    root.dataset.live = String(answer.value.live);
    app.dataset.state = 'ready';
    return answer.value.live ? POLL_LIVE_MS : undefined;
  });
  return stop;
}

/** A skip because nothing changed is not a skip for a failure: the two are counted apart. */
function taskTally(succeeded: number, failed: number, skipped: number, unchanged: number): string {
  const stopped = skipped - unchanged;
  const parts = [`${count(succeeded)} succeeded`, `${count(failed)} failed`];
  if (unchanged > 0) parts.push(`${count(unchanged)} unchanged`);
  if (stopped > 0 || unchanged === 0) parts.push(`${count(stopped)} skipped`);
  return parts.join(', ');
}

function drawRun(root: HTMLElement, view: MonitorRunView, project: string): void {
  const { run } = view;
  const facts: [string, Node | string][] = [
    ['Status', statusBadge(run.status)],
    ['Trigger', run.trigger],
    ['Dates', window(run)],
    ['Started', when(run.startedAt)],
    [
      'Ended',
      run.finishedAt ? when(run.finishedAt) : run.status === 'running' ? 'still running' : notRecorded(),
    ],
    ['Duration', duration(run.durationMs)],
    [
      'Tasks',
      taskTally(run.tasksSucceeded ?? 0, run.tasksFailed ?? 0, run.tasksSkipped ?? 0, view.tasksUnchanged),
    ],
    ['Checks failed', run.checksFailed === null ? notRecorded() : String(run.checksFailed)],
    ['Quarantined', run.quarantined === null ? notRecorded() : count(run.quarantined)],
    ['Alerts', String(run.alerts)],
  ];
  if (run.resumedFrom) facts.push(['Resumed from', run.resumedFrom]);
  const layers = layerFigures(run.rowsByLayer);
  const received = view.report.metrics?.received as number | undefined;
  replaceChildren(
    root,
    el(
      'header',
      { class: 'page-head' },
      el(
        'p',
        { class: 'page-project' },
        el('a', { href: monitorUrl(project, 'runs') }, `${view.title} · Runs`),
      ),
      el('h1', {}, `Run ${run.runId}`),
    ),
    run.error
      ? el(
          'div',
          { class: 'notice notice-error', 'data-role': 'run-error' },
          el('p', { class: 'notice-title' }, run.error),
        )
      : null,
    el(
      'section',
      { class: 'card monitor-card' },
      el(
        'dl',
        { class: 'run-facts', 'data-role': 'run-facts' },
        ...facts.map(([label, value]) =>
          el(
            'div',
            {},
            el('dt', {}, label),
            el('dd', { 'data-fact': label.toLowerCase().replace(/ /g, '-') }, value),
          ),
        ),
      ),
      el(
        'dl',
        { class: 'run-layers', 'data-role': 'run-layers' },
        ...layers.map((figure) =>
          el(
            'div',
            {},
            el('dt', {}, `${figure.label} rows`),
            el('dd', { 'data-layer': figure.layer }, figure.text),
          ),
        ),
        received === undefined
          ? null
          : el(
              'div',
              {},
              el('dt', {}, 'Records received'),
              el('dd', { 'data-fact': 'received' }, count(received)),
            ),
      ),
    ),
    el(
      'section',
      { class: 'card monitor-card', 'data-role': 'timeline-card' },
      el('h2', { class: 'card-title' }, 'Task timeline'),
      drawTimeline(view),
    ),
    view.checks.length
      ? el(
          'section',
          { class: 'card monitor-card', 'data-role': 'run-checks' },
          el('h2', { class: 'card-title' }, 'Checks'),
          el(
            'div',
            { class: 'table-scroll' },
            el(
              'table',
              {},
              el(
                'thead',
                {},
                el(
                  'tr',
                  {},
                  ...['Check', 'Severity', 'Status', 'Failing rows', 'Message'].map((h) =>
                    el('th', { class: 'plain' }, h),
                  ),
                ),
              ),
              el(
                'tbody',
                {},
                ...view.checks.map((c) =>
                  el(
                    'tr',
                    { 'data-check': c.checkId, 'data-status': c.status },
                    el('td', {}, c.checkId),
                    el('td', {}, c.severity),
                    el('td', {}, statusBadge(c.status)),
                    el('td', { class: 'num' }, c.failingRows === null ? '—' : String(c.failingRows)),
                    el('td', { class: 'wrap' }, c.message),
                  ),
                ),
              ),
            ),
          ),
        )
      : null,
    view.alerts.length
      ? el(
          'section',
          { class: 'card monitor-card', 'data-role': 'run-alerts' },
          el('h2', { class: 'card-title' }, 'Alerts'),
          el(
            'ul',
            { class: 'run-alerts' },
            ...view.alerts.map((a) =>
              el(
                'li',
                { 'data-rule': a.rule },
                el('strong', {}, a.rule),
                ` ${a.subject}: ${a.message} (${a.delivery})`,
              ),
            ),
          ),
        )
      : null,
  );
}
