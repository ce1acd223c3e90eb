import type { Engine } from '../engine/types.ts';
import type { Alert } from './alert.ts';
import { formatNumber, toNumber } from './sql-values.ts';

/** How many earlier load dates make a source's normal volume. */
export const VOLUME_HISTORY_DATES = 7;

/**
 * Per source this run loaded: the received count of the newest load date it loaded, and the
 * average received over that source's previous load dates (up to VOLUME_HISTORY_DATES of them).
 * A date may have been loaded by several runs (reruns, backfills); only the newest run's row for a
 * date counts, so a reload replaces a date's volume instead of weighing it twice. Sources without
 * history return no row. Window functions in subqueries rather than QUALIFY: PostgreSQL has none.
 */
const VOLUME_SQL = `
WITH this_run AS (
  SELECT source, MAX(load_date) AS load_date
  FROM audit.source_loads
  WHERE run_id = $1
  GROUP BY source
),
current_load AS (
  SELECT l.source, l.load_date, l.received
  FROM audit.source_loads l
  JOIN this_run t ON t.source = l.source AND t.load_date = l.load_date
  WHERE l.run_id = $1
),
earlier_loads AS (
  SELECT l.source, l.load_date, l.received,
    ROW_NUMBER() OVER (
      PARTITION BY l.source, l.load_date
      ORDER BY r.started_at DESC NULLS LAST, l.run_id DESC
    ) AS newness
  FROM audit.source_loads l
  JOIN current_load c ON c.source = l.source AND l.load_date < c.load_date
  LEFT JOIN audit.pipeline_runs r ON r.run_id = l.run_id
),
history AS (
  SELECT source, load_date, received,
    ROW_NUMBER() OVER (PARTITION BY source ORDER BY load_date DESC) AS recency
  FROM earlier_loads
  WHERE newness = 1
)
SELECT c.source,
  CAST(c.load_date AS TEXT) AS load_date,
  c.received,
  CAST(AVG(h.received) AS DOUBLE PRECISION) AS average_received,
  COUNT(*) AS history_dates,
  CAST(MIN(h.load_date) AS TEXT) AS history_from,
  CAST(MAX(h.load_date) AS TEXT) AS history_to
FROM current_load c
JOIN history h ON h.source = c.source AND h.recency <= ${VOLUME_HISTORY_DATES}
GROUP BY c.source, c.load_date, c.received
ORDER BY c.source`;

export async function volumeDropAlerts(engine: Engine, runId: string, dropPercent: number): Promise<Alert[]> {
  const { rows } = await engine.query(VOLUME_SQL, [runId]);
  const alerts: Alert[] = [];
  for (const row of rows) {
    const received = toNumber(row.received) ?? 0;
    const average = toNumber(row.average_received) ?? 0;
    // An average of zero leaves nothing to drop from.
    if (average <= 0) continue;
    const drop = ((average - received) / average) * 100;
    if (drop <= dropPercent) continue;
    const source = String(row.source);
    const loadDate = String(row.load_date);
    const historyDates = toNumber(row.history_dates) ?? 0;
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
        historyFrom: String(row.history_from),
        historyTo: String(row.history_to),
      },
    });
  }
  return alerts;
}
