import type { AlertRecord } from '../audit/alerts.ts';

/** The rules strata can raise an alert for; also the `rule` column of audit.alerts. */
export type AlertRule = 'run_failed' | 'volume_drop' | 'runtime' | 'quarantined' | 'check_failing';

/** One thing about a run that a person should look at. */
export interface Alert {
  rule: AlertRule;
  /** 'run', a source name, or a check id: with run and rule, it identifies the alert. */
  subject: string;
  /** One readable sentence with the numbers, for a chat message or a log line. */
  message: string;
  /** The numbers behind the message, for the webhook's consumers (JSON-safe: no bigint, no Date). */
  details: Record<string, unknown>;
}

/** An alert and how its delivery went, as audit.alerts records it (`recordAlerts` of audit/alerts.ts). */
export interface DeliveredAlert extends Alert, AlertRecord {
  rule: AlertRule;
}
