import { sqlTimestamp } from '../time/timestamps.ts';
import type { SqlValue } from '../engine/types.ts';
import type { AlertDelivery } from './schema.ts';
import { type AuditReader, type AuditWriter, nullableString } from './values.ts';

/** audit.alerts: what the alert rules raised for a run, and how each delivery went. */

/** An alert as it is recorded. */
export interface AlertRecord {
  rule: string;
  subject: string;
  message: string;
  delivery: AlertDelivery;
  /** Requests sent to the webhook for the payload holding this alert; 0 when only logged. */
  attempts: number;
  deliveryError?: string;
}

/** An alert as it was recorded. */
export interface RecordedAlert {
  rule: string;
  subject: string;
  message: string;
  delivery: string;
  attempts: number;
  deliveryError: string | null;
}

/** One row of audit.alerts: run_id, rule, subject, message, raised_at, delivery, attempts, delivery_error. */
function rowValues(runId: string, alert: AlertRecord, raisedAt: Date): SqlValue[] {
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
 * Writes a run's alerts in one statement. Raising a run's alerts again (a retried end of run)
 * replaces their rows instead of failing on the key (run_id, rule, subject).
 */
export async function recordAlerts(
  db: Pick<AuditWriter, 'execute'>,
  runId: string,
  alerts: readonly AlertRecord[],
  raisedAt: Date,
): Promise<void> {
  if (alerts.length === 0) return;
  const rows = alerts.map((alert) => rowValues(runId, alert, raisedAt));
  const placeholders = rows.map((row, i) => rowPlaceholders(i * row.length + 1));
  await db.execute(
    `INSERT INTO audit.alerts (run_id, rule, subject, message, raised_at, delivery, attempts, delivery_error)
     VALUES ${placeholders.join(',\n       ')}
     ON CONFLICT (run_id, rule, subject) DO UPDATE SET
       message = EXCLUDED.message, raised_at = EXCLUDED.raised_at, delivery = EXCLUDED.delivery,
       attempts = EXCLUDED.attempts, delivery_error = EXCLUDED.delivery_error`,
    rows.flat(),
  );
}

/** The alerts recorded for a run, by rule and subject. */
export async function alertsOf(db: Pick<AuditReader, 'query'>, runId: string): Promise<RecordedAlert[]> {
  const { rows } = await db.query(
    `SELECT rule, subject, message, delivery, attempts, delivery_error FROM audit.alerts WHERE run_id = $1 ORDER BY rule, subject`,
    [runId],
  );
  return rows.map((r) => ({
    rule: String(r.rule),
    subject: String(r.subject),
    message: String(r.message),
    delivery: String(r.delivery),
    attempts: Number(r.attempts),
    deliveryError: nullableString(r.delivery_error),
  }));
}
