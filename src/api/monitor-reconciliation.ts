import { layerRowsOfRuns } from '../audit/daily-metrics.ts';
import { sourceLoadsByDate } from '../audit/source-loads.ts';
import type { ReconciliationView } from '../dashboards/monitor-quality-views.ts';
import { byLayerFlow } from '../models/layers.ts';
import type { DashboardSite } from './dashboard-site.ts';
import { monitorEngine } from './monitor-audit.ts';
import { intParam, textParam } from './request-params.ts';

/**
 * Per source and load date, the newest run's ledger row (audit.source_loads): received = staged +
 * quarantined + duplicates, and the difference where it does not hold. And the rows each of the
 * newest runs (`runs`, default 30) wrote per layer, as recorded in audit.daily_metrics (the sum of
 * its tasks' rows written, by the target's schema) — not a count of the tables as they are now.
 */
export async function monitorReconciliation(
  site: DashboardSite,
  slug: string,
  params: URLSearchParams,
): Promise<ReconciliationView> {
  const served = await monitorEngine(site, slug);
  const source = textParam(params, 'source');
  const runs = intParam(params, 'runs', { min: 1, max: 200, fallback: 30 });
  const [loads, layerRuns] = await Promise.all([
    sourceLoadsByDate(served.engine, source ?? undefined),
    layerRowsOfRuns(served.engine, runs),
  ]);
  const rows = loads.map((load) => {
    const { received, staged, quarantined, duplicates } = load.counts;
    return {
      source: load.source,
      loadDate: load.loadDate,
      runId: load.runId,
      files: load.files,
      received,
      staged,
      quarantined,
      duplicates,
      reconciled: load.reconciled,
      difference: received - (staged + quarantined + duplicates),
    };
  });
  const seen = new Set(layerRuns.flatMap((run) => Object.keys(run.rowsByLayer)));
  const names = [...seen].sort(byLayerFlow);
  return {
    project: slug,
    loads: rows,
    mismatches: rows.filter((row) => row.difference !== 0 || !row.reconciled).length,
    layers: {
      basis:
        'Rows each run wrote per layer (its tasks’ rows written, by target schema; the records sources landed count under raw), as audit.daily_metrics records them.',
      names,
      runs: layerRuns.map((run) => ({
        runId: run.runId,
        runDate: run.metricDate,
        status: run.status,
        rows: run.rowsByLayer,
      })),
    },
  };
}
