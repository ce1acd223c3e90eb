import { failingCheckStreaks } from '../audit/dq-results.ts';
import type { Engine } from '../engine/types.ts';
import type { Alert } from './alert.ts';
import { formatNumber } from './sql-values.ts';

/**
 * A check that has not passed on `minDays` consecutive run dates or more (the streak is read by
 * `failingCheckStreaks`: reruns of a date count once, dates that did not run the check are skipped).
 */
export async function checkFailingAlerts(engine: Engine, runId: string, minDays: number): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const streak of await failingCheckStreaks(engine, runId)) {
    const { days, checkId, status, failingRows } = streak;
    if (days < minDays) continue;
    const since = streak.sinceDate;
    const until = streak.untilDate;
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
        target: streak.target,
        severity: streak.severity,
        status,
        failingRows,
        checkedRows: streak.checkedRows,
        checkMessage: streak.message,
        days,
        limitDays: minDays,
        since,
        until,
      },
    });
  }
  return alerts;
}
