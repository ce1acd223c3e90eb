import {
  type QuarantineFilter,
  countBadRecords,
  countBadRecordsByReason,
  listBadRecords,
} from '../audit/bad-records.ts';
import type { QuarantineView } from '../dashboards/monitor-quality-views.ts';
import type { DashboardSite } from './dashboard-site.ts';
import { monitorEngine } from './monitor-audit.ts';
import { dateParam, intParam, textParam } from './request-params.ts';

const PAGE = 50;

/**
 * Quarantined records (audit.bad_records) by source, run, load date, field and reason, paged
 * (`limit`, `offset`), with the filter's counts by reason. Resolved records are listed too unless
 * `open=1`: they are marked by the run that let them through.
 */
export async function monitorQuarantine(
  site: DashboardSite,
  slug: string,
  params: URLSearchParams,
): Promise<QuarantineView> {
  const served = await monitorEngine(site, slug);
  const filter = {
    source: textParam(params, 'source'),
    run: textParam(params, 'run'),
    loadDate: dateParam(params, 'date'),
    field: textParam(params, 'field'),
    reason: textParam(params, 'reason'),
    includeResolved: textParam(params, 'open') !== '1',
  };
  const limit = intParam(params, 'limit', { min: 1, max: 1000, fallback: PAGE });
  const offset = intParam(params, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
  const audit: QuarantineFilter = {
    ...(filter.source === null ? {} : { source: filter.source }),
    ...(filter.run === null ? {} : { run: filter.run }),
    ...(filter.loadDate === null ? {} : { loadDate: filter.loadDate }),
    ...(filter.field === null ? {} : { field: filter.field }),
    ...(filter.reason === null ? {} : { reason: filter.reason }),
    includeResolved: filter.includeResolved,
  };
  const { reason: _reason, ...withoutReason } = audit;
  const [records, total, reasons] = await Promise.all([
    listBadRecords(served.engine, { ...audit, limit, offset }),
    countBadRecords(served.engine, audit),
    countBadRecordsByReason(served.engine, withoutReason),
  ]);
  return { project: slug, filter, records, total, limit, offset, reasons };
}
