import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../errors/strata-error.ts';
import type { DashboardSite } from './dashboard-site.ts';
import { EXPORT_FORMATS, type ExportFormat, type ExportSummary, exportFromWarehouse } from './export.ts';
import { dateParam, textParam } from './request-params.ts';

/** The Content-Type of each format's download. */
const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export interface ExportDownload {
  /** The file's name for Content-Disposition: `<model>.<format>`. */
  filename: string;
  contentType: string;
  /** The finished file, in a temporary folder of its own. */
  path: string;
  summary: ExportSummary;
  /** Removes the file and its folder: call it once the download ended, sent whole or not. */
  dispose(): Promise<void>;
}

/**
 * GET /api/<project>/export/<model>?format=&from=&to=: the model of a served project exported as
 * `strata export` does, into a temporary file that the server then streams and removes. The file is
 * whole before the first byte is sent, so a failure (an unknown model, past Excel's row limit) is
 * answered as JSON with its status. A hive-partitioned folder is not a download: no partition_by.
 */
export async function exportDownload(
  site: DashboardSite,
  slug: string,
  model: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<ExportDownload> {
  const served = site.project(slug);
  const format = textParam(params, 'format') ?? 'csv';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new StrataError('DASHBOARD_BAD_INPUT', `format must be one of ${EXPORT_FORMATS.join(', ')}`, {
      field: 'format',
    });
  }
  const from = dateParam(params, 'from');
  const to = dateParam(params, 'to');
  const dir = await mkdtemp(join(tmpdir(), 'strata-export-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const filename = `${model}.${format}`;
  try {
    const summary = await exportFromWarehouse(
      served.project,
      served.engine,
      {
        model,
        format: format as ExportFormat,
        ...(from !== null ? { from } : {}),
        ...(to !== null ? { to } : {}),
      },
      { out: join(dir, 'export'), ...(signal ? { signal } : {}) },
    );
    return {
      filename,
      contentType: CONTENT_TYPES[format as ExportFormat],
      path: summary.path,
      summary,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
