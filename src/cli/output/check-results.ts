import type { CheckResult } from '../../index.ts';
import { firstLine } from '../reporters/event-lines.ts';
import { formatCount } from './format.ts';
import { renderTable } from './table.ts';

/** The default threshold: a check fails (or warns) on its first failing row. */
const ANY_ROW = '> 0 rows';

/**
 * The checks of a run as a table, failures first, then a sample of each failing check's rows:
 *
 *   CHECK                              SEVERITY  STATUS  FAILING  CHECKED  FAILS WHEN
 *   fact_orders:not_null(customer_sk)  error     fail         12    4,210  > 0 rows
 */
export function formatCheckResults(
  checks: readonly CheckResult[],
  options: { samples?: boolean } = {},
): string {
  if (checks.length === 0) return 'No checks ran.\n';
  const rank = { error: 0, fail: 1, warn: 2, pass: 3 } as const;
  const sorted = [...checks].sort(
    (a, b) => rank[a.status] - rank[b.status] || a.checkId.localeCompare(b.checkId),
  );
  // CHECKED is the rows a check looked at one by one; checks of a whole table (freshness, volume,
  // reconciliation) have none, so the column is left out when no check in the table has it.
  const counted = sorted.some((c) => c.checkedRows !== null);
  let out = renderTable(
    [
      { header: 'CHECK' },
      { header: 'SEVERITY' },
      { header: 'STATUS' },
      { header: 'FAILING', align: 'right' },
      ...(counted ? [{ header: 'CHECKED', align: 'right' as const }] : []),
      { header: 'FAILS WHEN' },
    ],
    sorted.map((c) => [
      c.checkId,
      c.severity,
      c.status,
      formatCount(c.failingRows),
      ...(counted ? [c.checkedRows === null ? '' : formatCount(c.checkedRows)] : []),
      c.threshold ?? ANY_ROW,
    ]),
  );
  if (options.samples === false) return out;
  for (const check of sorted.filter(
    (c) => c.status !== 'pass' && (c.sample.length > 0 || c.status === 'error'),
  )) {
    out += `\n${check.status}: ${firstLine(check.message)}\n`;
    for (const row of check.sample) out += `  ${JSON.stringify(row)}\n`;
  }
  return out;
}

/** "12 checks: 10 passed, 1 warned, 1 failed". */
export function checkCounts(checks: readonly CheckResult[]): string {
  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  const parts = [`${count('pass')} passed`];
  if (count('warn')) parts.push(`${count('warn')} warned`);
  if (count('fail')) parts.push(`${count('fail')} failed`);
  if (count('error')) parts.push(`${count('error')} could not run`);
  return `${checks.length} check${checks.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
