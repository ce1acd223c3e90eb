import type { Engine } from '../engine/types.ts';
import type { Alert, AlertRule } from './alert.ts';
import { checkFailingAlerts } from './check-failing.ts';
import { quarantinedAlerts, runFailedAlerts, runtimeAlerts } from './run-rules.ts';
import type { AlertsConfig } from '../config/alerts-schema.ts';
import { volumeDropAlerts } from './volume-drop.ts';

export type { Alert, AlertRule } from './alert.ts';

type Rules = AlertsConfig['rules'];

/** One configured rule, ready to ask the audit tables about a run. */
export interface EnabledRule {
  rule: AlertRule;
  evaluate: (engine: Engine, runId: string) => Promise<Alert[]>;
}

/** The rules the config turns on; a disabled rule (undefined or false) never queries anything. */
export function enabledRules(rules: Rules): EnabledRule[] {
  const enabled: EnabledRule[] = [];
  const { runFailed, runtimeMinutes, quarantinedAbove, volumeDropPercent, checkFailingDays } = rules;
  if (runFailed) enabled.push({ rule: 'run_failed', evaluate: runFailedAlerts });
  if (runtimeMinutes !== undefined) {
    enabled.push({ rule: 'runtime', evaluate: (e, id) => runtimeAlerts(e, id, runtimeMinutes) });
  }
  if (quarantinedAbove !== undefined) {
    enabled.push({ rule: 'quarantined', evaluate: (e, id) => quarantinedAlerts(e, id, quarantinedAbove) });
  }
  if (volumeDropPercent !== undefined) {
    enabled.push({ rule: 'volume_drop', evaluate: (e, id) => volumeDropAlerts(e, id, volumeDropPercent) });
  }
  if (checkFailingDays !== undefined) {
    enabled.push({ rule: 'check_failing', evaluate: (e, id) => checkFailingAlerts(e, id, checkFailingDays) });
  }
  return enabled;
}

/**
 * The alerts a finished run raises, from the audit tables alone (pipeline_runs, source_loads,
 * daily_metrics, dq_results), so they can be re-evaluated for any past run. Throws the engine's
 * error when a rule's query fails; raiseAlerts evaluates rule by rule instead, so one failing rule
 * never hides the others.
 */
export async function evaluateAlerts(engine: Engine, runId: string, rules: Rules): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const rule of enabledRules(rules)) alerts.push(...(await rule.evaluate(engine, runId)));
  return alerts;
}
