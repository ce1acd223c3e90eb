/** `/<project>/monitor/checks` and `/checks/<checkId>`: every check, its history strip, its SQL and sample. */
import type { CheckHistoryCell, CheckView, ChecksView } from '../../dashboards/views.ts';
import { el, replaceChildren } from '../dom.ts';
import type { MonitorContext } from './context.ts';
import {
  apiUrl,
  count,
  heading,
  loadView,
  numberCell,
  row,
  statusBadge,
  table,
  viewUrl,
} from './quality-common.ts';

export function showChecks(context: MonitorContext): Promise<void> {
  if (context.id !== undefined) return showCheck(context, context.id);
  return loadView<ChecksView>(context, apiUrl(context, 'checks'), (view) => {
    const order = { fail: 0, error: 1, warn: 2, pass: 3 };
    const checks = [...view.checks].sort(
      (a, b) => order[a.status] - order[b.status] || a.checkId.localeCompare(b.checkId),
    );
    replaceChildren(
      context.layout.main,
      heading(context, 'Checks'),
      el(
        'section',
        { 'data-monitor-view': 'checks', class: 'mq-section' },
        el(
          'p',
          { class: 'mq-summary', 'data-role': 'counts' },
          ...(['fail', 'error', 'warn', 'pass'] as const).map((status) =>
            el(
              'span',
              {
                class: `mq-count mq-${status}`,
                'data-status': status,
                'data-count': String(view.counts[status]),
              },
              `${view.counts[status]} ${status}`,
            ),
          ),
          ` · newest result of each check; the strip shows its last ${view.runs.length} runs, newest on the right`,
        ),
        checks.length === 0
          ? el('p', { class: 'empty' }, 'No check has run yet.')
          : table(
              { 'data-role': 'checks' },
              ['Status', 'Check', 'Target', 'Severity', 'Failing rows', 'History', 'Message'],
              checks.map((check) =>
                row(
                  { 'data-check': check.checkId, 'data-status': check.status },
                  statusBadge(check.status),
                  el('a', { href: check.url, class: 'mq-mono' }, check.checkId),
                  check.target,
                  check.severity,
                  numberCell(check.failingRows),
                  strip(check.history),
                  el('span', { class: 'mq-message' }, check.message),
                ),
              ),
            ),
      ),
    );
  });
}

function showCheck(context: MonitorContext, checkId: string): Promise<void> {
  return loadView<CheckView>(context, apiUrl(context, `checks/${encodeURIComponent(checkId)}`), (check) => {
    replaceChildren(
      context.layout.main,
      heading(
        context,
        check.checkId,
        el('p', { class: 'mq-lead' }, statusBadge(check.status), ' ', check.message),
      ),
      el(
        'section',
        {
          'data-monitor-view': 'check',
          'data-check': check.checkId,
          'data-status': check.status,
          class: 'mq-section',
        },
        el(
          'dl',
          { class: 'mq-facts' },
          ...fact('Target', `${check.target} (${check.table})`),
          ...fact('Type', check.type),
          ...(check.column ? fact('Column', check.column) : []),
          ...fact('Severity', check.severity),
          ...fact('Threshold', check.threshold ?? 'any failing row'),
          ...fact('Looked at', check.scope),
          ...fact('Failing rows', `${count(check.failingRows)} of ${count(check.checkedRows)}`),
          ...fact('Run', check.runId),
        ),
        el('h2', {}, 'History'),
        strip(check.history),
        el('h2', {}, 'SQL'),
        el('pre', { class: 'mq-sql', 'data-role': 'sql' }, el('code', {}, check.sql)),
        el('h2', {}, `Sample of failing rows (${check.sample.length})`),
        check.sample.length === 0
          ? el('p', { class: 'empty' }, 'No failing row.')
          : table(
              { 'data-role': 'sample' },
              check.sampleColumns,
              check.sample.map((sampled) =>
                row({}, ...check.sampleColumns.map((column) => cellText(sampled[column]))),
              ),
            ),
        el('p', {}, el('a', { href: viewUrl(context.project, 'checks') }, '← Every check')),
      ),
    );
  });
}

function fact(term: string, value: string): HTMLElement[] {
  return [el('dt', {}, term), el('dd', {}, value)];
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The history: one cell per run, oldest left, newest right. */
export function strip(history: CheckHistoryCell[]): HTMLElement {
  return el(
    'span',
    { class: 'mq-strip', 'data-role': 'history', 'data-cells': String(history.length) },
    ...history.map((cell) =>
      el('span', {
        class: `mq-cell mq-${cell.status}`,
        'data-status': cell.status,
        'data-run': cell.runId,
        title: `${cell.runDate ?? cell.startedAt.slice(0, 10)} · ${cell.runId}: ${cell.status}${
          cell.failingRows ? ` (${cell.failingRows} rows)` : ''
        }`,
      }),
    ),
  );
}
