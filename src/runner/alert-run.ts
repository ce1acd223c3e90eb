import { type RaisedAlerts, raiseAlerts } from '../alerts/raise-alerts.ts';
import type { RunContext } from './run-context.ts';

/** Evaluates the project's alert rules over the recorded run, and announces what they raised. */
export async function alertRun(context: RunContext, runId: string): Promise<RaisedAlerts> {
  const { engine, project, env, now, emit } = context;
  const alerts = await raiseAlerts(engine, runId, project.config.alerts, env, now);
  for (const { rule, subject, message, delivery } of alerts.alerts) {
    emit({ type: 'alert', runId, rule, subject, message, delivery });
  }
  return alerts;
}
