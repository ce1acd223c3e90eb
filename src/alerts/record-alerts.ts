import type { AlertDelivery } from '../audit/schema.ts';
import { sqlTimestamp } from '../time/timestamps.ts';
import type { Engine, SqlValue } from '../engine/types.ts';
import type { Alert } from './alert.ts';

export interface DeliveredAlert extends Alert {
  delivery: AlertDelivery;
  /** Requests sent to the webhook for the payload holding this alert; 0 when only logged. */
  attempts: number;
  deliveryError?: string;
}

/** One row of audit.alerts: run_id, rule, subject, message, raised_at, delivery, attempts, delivery_error. */
function rowValues(runId: string, alert: DeliveredAlert, raisedAt: Date): SqlValue[] {
  return [
    runId,
    alert.rule,
    alert.subject,
    alert.message,
    sqlTimestamp(raisedAt),
    alert.delivery,
    alert.attempts,
    alert.deliveryError ?? null,
  ];
}

/** ($1, $2, CAST($3 AS TIMESTAMP), ...) for the row starting at parameter `first`. */
function rowPlaceholders(first: number): string {
  const p = (offset: number) => `$${first + offset}`;
  return `(${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, CAST(${p(4)} AS TIMESTAMP), ${p(5)}, ${p(6)}, ${p(7)})`;
}

/**
 * Writes a run's alerts to audit.alerts in one statement. Raising a run's alerts again (a retried
 * end of run) replaces their rows instead of failing on the key (run_id, rule, subject).
 * `details` has no column: the message carries the numbers a reader of the table needs.
 */
export async function recordAlerts(
  engine: Engine,
  runId: string,
  alerts: readonly DeliveredAlert[],
  raisedAt: Date,
): Promise<void> {
  if (alerts.length === 0) return;
  const rows = alerts.map((alert) => rowValues(runId, alert, raisedAt));
  const placeholders = rows.map((row, i) => rowPlaceholders(i * row.length + 1));
  await engine.execute(
    `INSERT INTO audit.alerts (run_id, rule, subject, message, raised_at, delivery, attempts, delivery_error)
     VALUES ${placeholders.join(',\n       ')}
     ON CONFLICT (run_id, rule, subject) DO UPDATE SET
       message = EXCLUDED.message, raised_at = EXCLUDED.raised_at, delivery = EXCLUDED.delivery,
       attempts = EXCLUDED.attempts, delivery_error = EXCLUDED.delivery_error`,
    rows.flat(),
  );
}
