/**
 * `/<project>/monitor/quarantine`: rejected records by source, run, load date, field and reason,
 * with the raw text as received and the counts by reason; paged, filters kept in the address.
 */
import type { QuarantineView } from '../../dashboards/views.ts';
import { ChartView, PALETTE } from '../components/echarts.ts';
import { el, replaceChildren } from '../dom.ts';
import type { MonitorContext } from './context.ts';
import { apiUrl, count, heading, loadView, row, table } from './quality-common.ts';

const FILTERS = [
  ['source', 'Source'],
  ['run', 'Run'],
  ['date', 'Load date'],
  ['field', 'Field'],
  ['reason', 'Reason'],
] as const;

export function showQuarantine(context: MonitorContext): Promise<void> {
  const params = new URLSearchParams(location.search);
  return loadView<QuarantineView>(context, apiUrl(context, 'quarantine', params), async (view) => {
    const chart = new ChartView();
    const go = (next: URLSearchParams) => {
      history.pushState(null, '', `${location.pathname}${[...next].length > 0 ? `?${next.toString()}` : ''}`);
      chart.dispose();
      void showQuarantine(context);
    };
    const form = el(
      'form',
      { class: 'mq-filters', 'data-role': 'filters' },
      ...FILTERS.map(([name, label]) =>
        el(
          'label',
          {},
          el('span', {}, label),
          el('input', {
            name,
            value: params.get(name) ?? '',
            type: name === 'date' ? 'date' : 'text',
            placeholder: name === 'date' ? 'YYYY-MM-DD' : 'any',
          }),
        ),
      ),
      el(
        'label',
        { class: 'mq-check' },
        el('input', {
          type: 'checkbox',
          name: 'open',
          value: '1',
          checked: params.get('open') === '1' ? '' : undefined,
        }),
        el('span', {}, 'Open only'),
      ),
      el('button', { type: 'submit' }, 'Filter'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const next = new URLSearchParams();
      for (const [name, value] of new FormData(form))
        if (typeof value === 'string' && value !== '') next.set(name, value);
      go(next);
    });
    const page = (offset: number) => {
      const next = new URLSearchParams(params);
      if (offset > 0) next.set('offset', String(offset));
      else next.delete('offset');
      go(next);
    };
    const first = view.total === 0 ? 0 : view.offset + 1;
    const last = view.offset + view.records.length;
    const previous = el(
      'button',
      { type: 'button', disabled: view.offset === 0 ? '' : undefined, 'data-role': 'previous' },
      '← Previous',
    );
    const next = el(
      'button',
      { type: 'button', disabled: last >= view.total ? '' : undefined, 'data-role': 'next' },
      'Next →',
    );
    previous.addEventListener('click', () => page(Math.max(0, view.offset - view.limit)));
    next.addEventListener('click', () => page(view.offset + view.limit));

    replaceChildren(
      context.layout.main,
      heading(context, 'Quarantine'),
      el(
        'section',
        { 'data-monitor-view': 'quarantine', 'data-total': String(view.total), class: 'mq-section' },
        form,
        el(
          'div',
          { class: 'mq-card', 'data-role': 'reasons' },
          el('h2', {}, 'Records by reason'),
          view.reasons.length === 0
            ? el('p', { class: 'empty' }, 'No quarantined record matches.')
            : chart.element,
          el(
            'ul',
            { class: 'mq-reasons' },
            ...view.reasons.map((reason) =>
              el(
                'li',
                { 'data-reason': reason.reason, 'data-count': String(reason.records) },
                el('a', { href: `?${withParam(params, 'reason', reason.reason)}` }, reason.reason),
                ` ${count(reason.records)}`,
                reason.resolved > 0
                  ? el('span', { class: 'mq-muted' }, ` (${count(reason.resolved)} resolved)`)
                  : null,
              ),
            ),
          ),
        ),
        el(
          'p',
          { class: 'mq-summary', 'data-role': 'range' },
          `Records ${count(first)}–${count(last)} of ${count(view.total)}`,
        ),
        view.records.length === 0
          ? el('p', { class: 'empty' }, 'Nothing to show.')
          : table(
              { 'data-role': 'records' },
              ['Load date', 'Source', 'File', 'Field', 'Reason', 'Raw record', 'Message', 'Run'],
              view.records.map((record) =>
                row(
                  {
                    class: record.resolvedInRun ? 'mq-resolved' : undefined,
                    'data-resolved': record.resolvedInRun ? 'true' : 'false',
                    'data-reason': record.reason,
                    'data-field': record.field,
                  },
                  el('span', { class: 'mq-nowrap' }, record.loadDate),
                  record.source,
                  el(
                    'span',
                    { class: 'mq-mono', title: record.file },
                    `${record.file.replace(/^.*\//, '')}${record.line !== null ? `:${record.line}` : record.position !== null ? ` #${record.position}` : ''}`,
                  ),
                  record.field,
                  el('code', {}, record.reason),
                  el('pre', { class: 'mq-raw', 'data-role': 'raw' }, record.rawRecord ?? '—'),
                  el('span', { class: 'mq-message' }, record.message),
                  el(
                    'td',
                    {},
                    el('span', { class: 'mq-mono', title: 'found in run' }, record.foundInRun),
                    el('br'),
                    record.resolvedInRun
                      ? el(
                          'span',
                          {
                            class: 'mq-badge mq-pass',
                            'data-role': 'resolved',
                            title: `resolved in ${record.resolvedInRun}`,
                          },
                          'resolved',
                        )
                      : el('span', { class: 'mq-badge mq-open' }, 'open'),
                  ),
                ),
              ),
            ),
        el('p', { class: 'mq-pager' }, previous, ' ', next),
      ),
    );
    if (view.reasons.length > 0) {
      const reasons = [...view.reasons].reverse();
      await chart.draw(
        {
          grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', data: reasons.map((r) => r.reason) },
          tooltip: { trigger: 'axis' },
          series: [
            {
              type: 'bar',
              name: 'open',
              stack: 'r',
              color: PALETTE[3],
              data: reasons.map((r) => r.records - r.resolved),
            },
            {
              type: 'bar',
              name: 'resolved',
              stack: 'r',
              color: PALETTE[2],
              data: reasons.map((r) => r.resolved),
            },
          ],
        },
        Math.max(120, 36 * reasons.length + 40),
      );
    }
  });
}

function withParam(params: URLSearchParams, name: string, value: string): string {
  const next = new URLSearchParams(params);
  next.set(name, value);
  next.delete('offset');
  return next.toString();
}
