/**
 * The monitor's views by name: `/<project>/monitor/<view>[/<id>]` is drawn by the function
 * registered for `<view>` (`id` is the rest of the address, e.g. a run's id). A view not
 * registered here shows "not available". Each half of the monitor adds its own lines.
 */
import { showChecks } from './checks.ts';
import type { MonitorContext } from './context.ts';
import { showLineage } from './lineage.ts';
import { showQuarantine } from './quarantine.ts';
import { showReconciliation } from './reconciliation.ts';
import { showRun, showRuns } from './runs.ts';

/** Draws a view into `context.layout.main`; returns a function that stops it (timers, polling). */
export type MonitorRender = (context: MonitorContext) => (() => void) | void;

export const MONITOR_RENDERERS: Record<string, MonitorRender> = {
  runs: (context) => (context.id === undefined ? showRuns(context) : showRun(context)),
  checks: (context) => void showChecks(context),
  quarantine: (context) => void showQuarantine(context),
  reconciliation: (context) => void showReconciliation(context),
  lineage: (context) => void showLineage(context),
};
