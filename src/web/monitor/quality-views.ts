/** The monitor's quality views, by the view name in `/<project>/monitor/<view>[/<id>]`. */
import { showChecks } from './checks.ts';
import { showLineage } from './lineage.ts';
import { showQuarantine } from './quarantine.ts';
import type { MonitorContext } from './quality-common.ts';
import { showReconciliation } from './reconciliation.ts';

export const QUALITY_VIEWS: Record<string, (context: MonitorContext) => Promise<void>> = {
  checks: showChecks,
  quarantine: showQuarantine,
  reconciliation: showReconciliation,
  lineage: showLineage,
};
