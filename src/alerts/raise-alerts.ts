import type { Engine } from '../engine/types.ts';
import { causeMessage } from '../errors/strata-error.ts';
import type { Alert, AlertRule, DeliveredAlert } from './alert.ts';
import { enabledRules } from './evaluate.ts';
import { recordAlerts } from '../audit/alerts.ts';
import type { AlertsConfig } from '../config/alerts-schema.ts';
import { postWebhook } from './webhook.ts';

export type { DeliveredAlert } from './alert.ts';

export interface RaisedAlerts {
  alerts: DeliveredAlert[];
  /** Rules whose query failed; the other rules were still evaluated, delivered and recorded. */
  evaluationErrors: { rule: AlertRule; error: string }[];
  /** Why audit.alerts could not be written, when it could not. */
  recordError?: string;
}

/** What the webhook receives: `text` makes the same payload readable by Slack and Teams hooks. */
export interface AlertsPayload {
  runId: string;
  text: string;
  alerts: Alert[];
}

/**
 * The end of a run: evaluates the configured rules, POSTs the alerts (if any) to the webhook in one
 * payload, and records each in audit.alerts with how its delivery went. Never throws: alerting
 * must not turn a finished run into a failed one. Its time is bounded by the rules' queries plus
 * the webhook's bound (see postWebhook).
 */
export async function raiseAlerts(
  engine: Engine,
  runId: string,
  config: AlertsConfig,
  env: NodeJS.ProcessEnv,
  now: () => Date,
): Promise<RaisedAlerts> {
  const { alerts, evaluationErrors } = await evaluateEachRule(engine, runId, config.rules);
  const delivered = await deliver(runId, alerts, config.webhook, env);
  const result: RaisedAlerts = { alerts: delivered, evaluationErrors };
  try {
    await recordAlerts(engine, runId, delivered, now());
  } catch (error) {
    result.recordError = causeMessage(error) ?? 'unknown error';
  }
  return result;
}

/** Rule by rule, so one failing query never hides the alerts of the others. */
async function evaluateEachRule(
  engine: Engine,
  runId: string,
  rules: AlertsConfig['rules'],
): Promise<Pick<RaisedAlerts, 'evaluationErrors'> & { alerts: Alert[] }> {
  const alerts: Alert[] = [];
  const evaluationErrors: RaisedAlerts['evaluationErrors'] = [];
  for (const { rule, evaluate } of enabledRules(rules)) {
    try {
      alerts.push(...(await evaluate(engine, runId)));
    } catch (error) {
      evaluationErrors.push({ rule, error: causeMessage(error) ?? 'unknown error' });
    }
  }
  return { alerts, evaluationErrors };
}

async function deliver(
  runId: string,
  alerts: Alert[],
  webhook: AlertsConfig['webhook'],
  env: NodeJS.ProcessEnv,
): Promise<DeliveredAlert[]> {
  if (alerts.length === 0) return [];
  if (!webhook) return alerts.map((alert) => ({ ...alert, delivery: 'logged', attempts: 0 }));
  const url = env[webhook.urlEnv]?.trim();
  if (!url) {
    const deliveryError = `the environment variable ${webhook.urlEnv} that should hold the webhook URL is not set`;
    return alerts.map((alert) => ({ ...alert, delivery: 'failed', attempts: 0, deliveryError }));
  }
  const outcome = await postWebhook(url, alertsPayload(runId, alerts), webhook);
  return alerts.map((alert) => ({
    ...alert,
    delivery: outcome.delivery,
    attempts: outcome.attempts,
    ...(outcome.error === undefined ? {} : { deliveryError: outcome.error }),
  }));
}

export function alertsPayload(runId: string, alerts: Alert[]): AlertsPayload {
  const count = `${alerts.length} alert${alerts.length === 1 ? '' : 's'}`;
  const text = [`strata run ${runId}: ${count}`, ...alerts.map((alert) => `• ${alert.message}`)].join('\n');
  return {
    runId,
    text,
    alerts: alerts.map(({ rule, subject, message, details }) => ({ rule, subject, message, details })),
  };
}
