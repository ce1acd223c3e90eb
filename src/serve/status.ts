import type { DiagnosticCode } from '../errors/codes.ts';

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 422 | 500 | 503;

/** The HTTP status of each error the API answers; anything not listed is the server's fault. */
const STATUS: Partial<Record<DiagnosticCode, ErrorStatus>> = {
  DASHBOARD_BAD_INPUT: 400,
  DATE_INVALID: 400,
  SERVE_UNAUTHORIZED: 401,
  OWNER_BAD_REQUEST: 400,
  OWNER_REFUSED: 403,
  DASHBOARD_NOT_FOUND: 404,
  DASHBOARD_MODELS_MISSING: 409,
  // A page file edited while the server runs that no longer reads: the page says what is wrong.
  DASHBOARD_INVALID: 422,
  DASHBOARD_QUERY_FAILED: 500,
  ENGINE_LOCKED: 503,
  ENGINE_OPEN_FAILED: 503,
  USAGE: 400,
  EXPORT_MODEL_UNKNOWN: 404,
  EXPORT_NOT_BUILT: 409,
  EXPORT_NO_LOAD_DATE: 400,
  EXPORT_TOO_MANY_ROWS: 422,
  EXPORT_INTERRUPTED: 503,
};

export function statusOf(code: DiagnosticCode): ErrorStatus {
  return STATUS[code] ?? 500;
}
