import type { Row } from '../engine/types.ts';
import type { CheckStatus } from './schema.ts';

/**
 * What one check found, as the checks produce it and audit.dq_results records it. It lives here,
 * below the checks, so that audit needs nothing from the layers that write to it.
 */

/** The rows a check looks at: every row, or the load dates just loaded. */
export type CheckScope = { kind: 'all' } | { kind: 'dates'; from?: string; to?: string };

export interface CheckResult {
  checkId: string;
  type: string;
  target: string;
  table: string;
  column?: string;
  severity: 'error' | 'warn';
  status: CheckStatus;
  scope: CheckScope;
  /** Rows the check returned; null when it could not run. */
  failingRows: number | null;
  /** Rows looked at, for checks that test rows one by one. */
  checkedRows: number | null;
  threshold?: string;
  sample: Row[];
  sql: string;
  /** One readable sentence. */
  message: string;
  startedAt: Date;
  durationMs: number;
}
