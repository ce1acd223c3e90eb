import type { CheckResult } from '../audit/check-result.ts';
import type { CheckStatus } from '../audit/schema.ts';
import type { Row, Session } from '../engine/types.ts';
import { toStrataError } from '../errors/strata-error.ts';
import { subquery } from '../materialize/render-select.ts';
import { type CheckRenderContext, renderCheck } from './render.ts';
import type { FailAbove } from '../config/check-spec.ts';
import type { CheckDefinition } from './types.ts';

export type { CheckResult };

/** Failing rows kept per result: enough to see the problem, small enough to keep every run's. */
export const SAMPLE_ROWS = 5;

/**
 * Runs one check: counts its failing rows, keeps a sample, applies the threshold. Never throws: a
 * check whose SQL fails has status `error` and says why.
 */
export async function runCheck(
  session: Session,
  check: CheckDefinition,
  context: CheckRenderContext,
): Promise<CheckResult> {
  const startedAt = context.now;
  const clock = Date.now();
  const scope = check.partitionColumn ? context.scope : ({ kind: 'all' } as const);
  const { failingSql, checkedSql } = renderCheck(check, { ...context, scope });
  const base = {
    checkId: check.id,
    type: check.rule.type,
    target: check.target,
    table: `${check.table.schema}.${check.table.name}`,
    ...('column' in check.rule && check.rule.column ? { column: check.rule.column } : {}),
    ...('columns' in check.rule ? { column: check.rule.columns.join(', ') } : {}),
    severity: check.severity,
    scope,
    ...(check.failAbove ? { threshold: describeThreshold(check.failAbove) } : {}),
    sql: failingSql,
    startedAt,
  };
  try {
    const counted = await session.query(`SELECT count(*) AS n FROM ${subquery(failingSql, 'failing')}`);
    const failingRows = Number(counted.rows[0]?.n ?? 0);
    const needsTotal = checkedSql !== undefined;
    const checkedRows = needsTotal ? Number((await session.query(checkedSql)).rows[0]?.n ?? 0) : null;
    const sample =
      failingRows > 0
        ? (await session.query(`SELECT * FROM ${subquery(failingSql, 'failing')} LIMIT ${SAMPLE_ROWS}`)).rows
        : [];
    const failed = exceeds(failingRows, checkedRows, check.failAbove);
    const status: CheckStatus = !failed ? 'pass' : check.severity === 'error' ? 'fail' : 'warn';
    return {
      ...base,
      status,
      failingRows,
      checkedRows,
      sample: sample.map(jsonSafe),
      message:
        check.rule.type === 'quarantine_share' && failingRows > 0
          ? describeQuarantineShare(check, check.rule.maxPercent, failingRows, sample, failed)
          : describeOutcome(check, failingRows, checkedRows, failed),
      durationMs: Date.now() - clock,
    };
  } catch (error) {
    const reason = toStrataError(error);
    return {
      ...base,
      status: 'error',
      failingRows: null,
      checkedRows: null,
      sample: [],
      message: `${check.id} could not run: ${reason.message}`,
      durationMs: Date.now() - clock,
    };
  }
}

function exceeds(failing: number, checked: number | null, failAbove: FailAbove | undefined): boolean {
  if (!failAbove) return failing > 0;
  if ('rows' in failAbove) return failing > failAbove.rows;
  // A share of nothing is nothing; checks that do not count rows compare failing rows to 100.
  const total = checked ?? 100;
  return total > 0 && (failing * 100) / total > failAbove.percent;
}

function describeThreshold(failAbove: FailAbove): string {
  return 'rows' in failAbove ? `> ${failAbove.rows} rows` : `> ${failAbove.percent}%`;
}

function describeOutcome(
  check: CheckDefinition,
  failing: number,
  checked: number | null,
  failed: boolean,
): string {
  const unit = failingUnit(check);
  const of = checked === null ? '' : ` of ${checked.toLocaleString('en-US')}`;
  const count = `${failing.toLocaleString('en-US')}${of} ${unit}${failing === 1 && checked === null ? '' : 's'}`;
  if (failing === 0) return `${check.id}: passed`;
  const allowed = check.failAbove ? ` (allowed ${describeThreshold(check.failAbove)})` : '';
  return `${check.id}: ${count} failing${allowed}${failed ? '' : ', within the threshold'}`;
}

/**
 * A source's quarantine gate: the worst load date found (share, counts, date), how many dates
 * failed, and what to do about it.
 */
function describeQuarantineShare(
  check: CheckDefinition,
  maxPercent: number,
  failingDates: number,
  sample: Row[],
  failed: boolean,
): string {
  const loads = sample.map((row) => ({
    date: dateText(row.load_date),
    received: Number(row.received),
    quarantined: Number(row.quarantined),
  }));
  const share = (l: { received: number; quarantined: number }) => (l.quarantined * 100) / l.received;
  const worst = loads.reduce((a, b) => (share(b) > share(a) ? b : a));
  const dates = loads.map((l) => l.date).sort();
  const n = (value: number) => value.toLocaleString('en-US');
  const which =
    failingDates === 1
      ? `on ${worst.date}`
      : `on ${worst.date}, the worst of ${failingDates} load dates over the limit,`;
  const source = check.target;
  const rerun = `strata run --from ${dates[0]} --to ${dates[dates.length - 1]} --select ${source}+`;
  return (
    `${check.id}: ${formatPercent(share(worst))} of the records received ${which} were quarantined ` +
    `(${n(worst.quarantined)} of ${n(worst.received)}; allowed ${maxPercent}%)` +
    `${failed ? '' : ', within the threshold'}. ` +
    `See why with \`strata quarantine --source ${source}\`, fix the contract (or the files), then rerun the date${dates.length === 1 ? '' : 's'}: ${rerun}`
  );
}

function formatPercent(percent: number): string {
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** A load date as a sample row carries it: a DATE, or its text. */
function dateText(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

function failingUnit(check: CheckDefinition): string {
  switch (check.rule.type) {
    case 'unique':
      return 'duplicated key';
    case 'volume':
    case 'reconciliation':
    case 'quarantine_share':
      return 'load date';
    case 'freshness':
      return 'stale table';
    default:
      return 'row';
  }
}

/** Sample values as JSON carries them: exact integers as numbers, big ones and dates as text. */
function jsonSafe(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'bigint')
      out[key] = Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
    else if (value instanceof Date) out[key] = value.toISOString();
    else if (value !== null && typeof value === 'object')
      out[key] = JSON.parse(JSON.stringify(value, jsonReplacer)) as unknown;
    else out[key] = value;
  }
  return out;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? String(value) : value;
}
