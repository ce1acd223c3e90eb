import { ensureAuditSchema } from '../audit/recorder.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { isIsoDate } from '../time/dates.ts';
import type { DashboardSite, ServedProject } from './dashboard-site.ts';

/** Warehouses whose audit schema this process has made sure of. */
const ensured = new WeakSet<Engine>();

/**
 * A served project's warehouse, its audit schema present (a project never run has none yet):
 * what the monitor's views read through audit/'s functions.
 */
export async function monitorEngine(site: DashboardSite, slug: string): Promise<ServedProject> {
  const served = site.project(slug);
  if (!ensured.has(served.engine)) {
    await ensureAuditSchema(served.engine);
    ensured.add(served.engine);
  }
  return served;
}

/** A text parameter, or null when absent or empty; at most 200 characters. */
export function textParam(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  if (value === null || value === '') return null;
  if (value.length > 200)
    throw new StrataError('DASHBOARD_BAD_INPUT', `${name} is too long`, { field: name });
  return value;
}

export function dateParam(params: URLSearchParams, name: string): string | null {
  const value = textParam(params, name);
  if (value !== null && !isIsoDate(value)) {
    throw new StrataError('DASHBOARD_BAD_INPUT', `${name} must be a date (YYYY-MM-DD), not "${value}"`, {
      field: name,
    });
  }
  return value;
}

/** A whole number parameter within bounds, or its default. */
export function intParam(
  params: URLSearchParams,
  name: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  const value = textParam(params, name);
  if (value === null) return bounds.fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < bounds.min || n > bounds.max) {
    throw new StrataError(
      'DASHBOARD_BAD_INPUT',
      `${name} must be a whole number from ${bounds.min} to ${bounds.max}, not "${value.slice(0, 20)}"`,
      { field: name },
    );
  }
  return n;
}
