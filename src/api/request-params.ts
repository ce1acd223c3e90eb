import { StrataError } from '../errors/strata-error.ts';
import { checkedDateParam } from '../dashboards/resolve-inputs.ts';

/**
 * Reading the query parameters of the dashboards' and the monitor's API: each bad value is
 * DASHBOARD_BAD_INPUT naming the parameter and what it should be (a 400 for the browser).
 */

/** The longest text parameter taken (no filter of a page needs more). */
const MAX_TEXT = 200;

/** A text parameter, or null when absent or empty. */
export function textParam(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  if (value === null || value === '') return null;
  if (value.length > MAX_TEXT) {
    throw new StrataError('DASHBOARD_BAD_INPUT', `${name} is longer than ${MAX_TEXT} characters`, {
      field: name,
    });
  }
  return value;
}

/** A YYYY-MM-DD parameter, or null when absent. */
export function dateParam(params: URLSearchParams, name: string): string | null {
  const value = textParam(params, name);
  return value === null ? null : checkedDateParam(name, value);
}

/** A whole number parameter within bounds, or its fallback when absent. */
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
      `${name} must be a whole number from ${bounds.min} to ${bounds.max}, got "${clip(value)}"`,
      { field: name },
    );
  }
  return n;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
