/**
 * `/<project>/monitor/reconciliation`: per source and load date, received = staged + quarantined +
 * duplicates (a date where it does not hold stands out), and the rows each run wrote per layer.
 */
import type { ReconciliationView } from '../../dashboards/views.ts';
import { ChartView, PALETTE } from '../components/echarts.ts';
import { el, replaceChildren } from '../dom.ts';
import type { MonitorContext } from './context.ts';
import { apiUrl, heading, loadView, numberCell, row, table } from './quality-common.ts';

export function showReconciliation(context: MonitorContext): Promise<void> {
  return loadView<ReconciliationView>(context, apiUrl(context, 'reconciliation'), async (view) => {
    const loadsChart = new ChartView();
    const layersChart = new ChartView();
    const sources = new Set(view.loads.map((l) => l.source));
    const label = (l: { source: string; loadDate: string }) =>
      sources.size > 1 ? `${l.source} ${l.loadDate}` : l.loadDate;
    replaceChildren(
      context.layout.main,
      heading(context, 'Reconciliation'),
      el(
        'section',
        {
          'data-monitor-view': 'reconciliation',
          'data-mismatches': String(view.mismatches),
          class: 'mq-section',
        },
        el(
          'p',
          { class: `mq-summary ${view.mismatches > 0 ? 'mq-alarm' : ''}`, 'data-role': 'identity' },
          view.mismatches === 0
            ? `Every load date adds up: received = staged + quarantined + duplicates (${view.loads.length} dates).`
            : `${view.mismatches} load date${view.mismatches === 1 ? '' : 's'} of ${view.loads.length} ${view.mismatches === 1 ? 'does' : 'do'} not add up: received ≠ staged + quarantined + duplicates.`,
        ),
        el(
          'div',
          { class: 'mq-card' },
          el('h2', {}, 'Records per load date'),
          view.loads.length > 0 ? loadsChart.element : null,
        ),
        view.loads.length === 0
          ? el('p', { class: 'empty' }, 'No source has been loaded yet.')
          : table(
              { 'data-role': 'loads' },
              [
                'Source',
                'Load date',
                'Files',
                'Received',
                'Staged',
                'Quarantined',
                'Duplicates',
                'Difference',
                'Run',
              ],
              view.loads.map((load) => {
                const mismatch = load.difference !== 0 || !load.reconciled;
                return row(
                  {
                    class: mismatch ? 'mq-mismatch' : undefined,
                    'data-mismatch': String(mismatch),
                    'data-source': load.source,
                    'data-date': load.loadDate,
                  },
                  load.source,
                  load.loadDate,
                  numberCell(load.files),
                  numberCell(load.received),
                  numberCell(load.staged),
                  numberCell(load.quarantined),
                  numberCell(load.duplicates),
                  el(
                    'td',
                    { class: 'num', 'data-role': 'difference' },
                    mismatch ? `${load.difference} ✗` : '0 ✓',
                  ),
                  el('span', { class: 'mq-mono' }, load.runId),
                );
              }),
            ),
        el('h2', {}, 'Rows per layer'),
        el('p', { class: 'mq-muted', 'data-role': 'basis' }, view.layers.basis),
        el('div', { class: 'mq-card' }, view.layers.runs.length > 0 ? layersChart.element : null),
        view.layers.runs.length === 0
          ? el('p', { class: 'empty' }, 'No run has recorded its rows yet.')
          : table(
              { 'data-role': 'layers' },
              ['Run', 'Date', 'Status', ...view.layers.names],
              view.layers.runs.map((run) =>
                row(
                  { 'data-run': run.runId },
                  el('span', { class: 'mq-mono' }, run.runId),
                  run.runDate,
                  run.status,
                  ...view.layers.names.map((name) => numberCell(run.rows[name] ?? 0)),
                ),
              ),
            ),
      ),
    );
    const drawn: Promise<void>[] = [];
    if (view.loads.length > 0) {
      const x = view.loads.map(label);
      drawn.push(
        loadsChart.draw(
          {
            grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
            legend: { top: 0, type: 'scroll' },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: x },
            yAxis: { type: 'value', minInterval: 1 },
            series: [
              {
                type: 'bar',
                name: 'staged',
                stack: 'in',
                color: PALETTE[0],
                data: view.loads.map((l) => l.staged),
              },
              {
                type: 'bar',
                name: 'quarantined',
                stack: 'in',
                color: PALETTE[3],
                data: view.loads.map((l) => l.quarantined),
              },
              {
                type: 'bar',
                name: 'duplicates',
                stack: 'in',
                color: PALETTE[1],
                data: view.loads.map((l) => l.duplicates),
              },
              {
                type: 'line',
                name: 'received',
                color: PALETTE[8],
                symbolSize: 8,
                data: view.loads.map((l) => ({
                  value: l.received,
                  itemStyle: { color: l.difference !== 0 || !l.reconciled ? '#dc2626' : PALETTE[8] },
                })),
              },
            ],
          },
          260,
        ),
      );
    }
    if (view.layers.runs.length > 0) {
      drawn.push(
        layersChart.draw(
          {
            grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
            legend: { top: 0, type: 'scroll' },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: view.layers.names, axisLabel: { interval: 0 } },
            yAxis: { type: 'value', minInterval: 1 },
            series: view.layers.runs.map((run) => ({
              type: 'bar' as const,
              name: `${run.runDate} ${run.runId.slice(-6)}`,
              data: view.layers.names.map((name) => run.rows[name] ?? 0),
            })),
          },
          240,
        ),
      );
    }
    await Promise.all(drawn);
  });
}
