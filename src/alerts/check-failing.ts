import type { Engine } from '../engine/types.ts';
import type { Alert } from './alert.ts';
import { formatNumber, toNumber, toText } from './sql-values.ts';

/**
 * For each check that did not pass in this run: on how many of the most recent run dates
 * (daily_metrics.metric_date, up to this run's) it has not passed, counting back to its last pass.
 * A date checked by several runs (reruns) counts once, with its newest result; dates on which no
 * run ran the check are skipped rather than breaking the streak. Checks with no streak (because
 * this date's newest result is a pass) return no row.
 */
const STREAK_SQL = `
WITH this_run AS (
  SELECT metric_date FROM audit.daily_metrics WHERE run_id = $1
),
not_passing AS (
  SELECT check_id, status, severity, target, failing_rows, checked_rows, message
  FROM audit.dq_results
  WHERE run_id = $1 AND status IN ('fail', 'warn', 'error')
),
results AS (
  SELECT d.check_id, m.metric_date, d.status,
    ROW_NUMBER() OVER (
      PARTITION BY d.check_id, m.metric_date
      ORDER BY d.started_at DESC, d.run_id DESC
    ) AS newness
  FROM audit.dq_results d
  JOIN audit.daily_metrics m ON m.run_id = d.run_id
  JOIN not_passing n ON n.check_id = d.check_id
  CROSS JOIN this_run t
  WHERE m.metric_date <= t.metric_date
),
latest AS (
  SELECT check_id, metric_date, status FROM results WHERE newness = 1
),
last_pass AS (
  SELECT check_id, MAX(metric_date) AS metric_date FROM latest WHERE status = 'pass' GROUP BY check_id
)
SELECT n.check_id, n.status, n.severity, n.target, n.failing_rows, n.checked_rows, n.message,
  COUNT(*) AS days,
  CAST(MIN(l.metric_date) AS TEXT) AS since_date,
  CAST(MAX(l.metric_date) AS TEXT) AS until_date
FROM not_passing n
JOIN latest l ON l.check_id = n.check_id
LEFT JOIN last_pass p ON p.check_id = n.check_id
WHERE p.metric_date IS NULL OR l.metric_date > p.metric_date
GROUP BY n.check_id, n.status, n.severity, n.target, n.failing_rows, n.checked_rows, n.message
ORDER BY n.check_id`;

export async function checkFailingAlerts(engine: Engine, runId: string, minDays: number): Promise<Alert[]> {
  const { rows } = await engine.query(STREAK_SQL, [runId]);
  const alerts: Alert[] = [];
  for (const row of rows) {
    const days = toNumber(row.days) ?? 0;
    if (days < minDays) continue;
    const checkId = String(row.check_id);
    const status = String(row.status);
    const failingRows = toNumber(row.failing_rows) ?? null;
    const since = String(row.since_date);
    const until = String(row.until_date);
    const span = days === 1 ? `on ${until}` : `from ${since} to ${until}`;
    const failing = failingRows === null ? '' : ` with ${formatNumber(failingRows)} failing rows`;
    alerts.push({
      rule: 'check_failing',
      subject: checkId,
      message:
        `Check ${checkId} has not passed on ${days} consecutive run date${days === 1 ? '' : 's'} ` +
        `(${span}); this run: ${status}${failing}.`,
      details: {
        checkId,
        target: String(row.target),
        severity: String(row.severity),
        status,
        failingRows,
        checkedRows: toNumber(row.checked_rows) ?? null,
        checkMessage: toText(row.message) ?? null,
        days,
        limitDays: minDays,
        since,
        until,
      },
    });
  }
  return alerts;
}
