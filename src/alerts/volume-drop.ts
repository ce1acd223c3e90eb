import { volumeHistory } from '../audit/source-loads.ts';
import type { Engine } from '../engine/types.ts';
import type { Alert } from './alert.ts';
import { formatNumber } from './sql-values.ts';

/** How many earlier load dates make a source's normal volume. */
export const VOLUME_HISTORY_DATES = 7;

/**
 * A source whose newest load date of the run received more than `dropPercent` below its average
 * over its previous VOLUME_HISTORY_DATES load dates (each date counted once, with its newest run's
 * row: see `volumeHistory`).
 */
export async function volumeDropAlerts(engine: Engine, runId: string, dropPercent: number): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const row of await volumeHistory(engine, runId, VOLUME_HISTORY_DATES)) {
    const { received, source, loadDate, historyDates } = row;
    const average = row.averageReceived;
    // An average of zero leaves nothing to drop from.
    if (average <= 0) continue;
    const drop = ((average - received) / average) * 100;
    if (drop <= dropPercent) continue;
    alerts.push({
      rule: 'volume_drop',
      subject: source,
      message:
        `Source ${source} received ${formatNumber(received)} records for ${loadDate}, ` +
        `${formatNumber(drop)}% below its average of ${formatNumber(average)} over the previous ` +
        `${historyDates} load date${historyDates === 1 ? '' : 's'} (limit ${formatNumber(dropPercent)}%).`,
      details: {
        source,
        loadDate,
        received,
        averageReceived: average,
        dropPercent: Math.round(drop * 10) / 10,
        limitPercent: dropPercent,
        historyDates,
        historyFrom: row.historyFrom,
        historyTo: row.historyTo,
      },
    });
  }
  return alerts;
}
