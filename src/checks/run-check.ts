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
  const prepared = prepareCheck(check, context);
  const clock = Date.now();
  try {
    const counted = await session.query(
      `SELECT count(*) AS n FROM ${subquery(prepared.failingSql, 'failing')}`,
    );
    const failingRows = Number(counted.rows[0]?.n ?? 0);
    const checkedRows =
      prepared.checkedSql !== undefined
        ? Number((await session.query(prepared.checkedSql)).rows[0]?.n ?? 0)
        : null;
    return await finishCheck(session, prepared, failingRows, checkedRows, clock);
  } catch (error) {
    return couldNotRun(prepared, error, clock);
  }
}

/**
 * Runs a node's checks with as few statements as it takes: every check's counts in one query
 * (one scan per check still, but one round trip and one plan), then a sample of each check that
 * found failing rows. When that one query fails (a check whose SQL does not run), each check is
 * run on its own, so only the broken one ends `error`. Results are in the checks' order; never
 * throws for a check's SQL.
 */
export async function runChecks(
  session: Session,
  checks: readonly CheckDefinition[],
  context: CheckRenderContext,
): Promise<CheckResult[]> {
  if (checks.length <= 1) return Promise.all(checks.map((check) => runCheck(session, check, context)));
  const prepared = checks.map((check) => prepareCheck(check, context));
  const columns = prepared.flatMap(({ failingSql, checkedSql }, i) => [
    `(SELECT count(*) FROM ${subquery(failingSql, `failing_${i}`)}) AS failing_${i}`,
    ...(checkedSql === undefined
      ? []
      : [`(SELECT n FROM ${subquery(checkedSql, `checked_${i}`)}) AS checked_${i}`]),
  ]);
  const clock = Date.now();
  let counts: Row | undefined;
  try {
    counts = (await session.query(`SELECT ${columns.join(',\n  ')}`)).rows[0];
  } catch {
    counts = undefined;
  }
  if (!counts) {
    const results: CheckResult[] = [];
    for (const check of checks) results.push(await runCheck(session, check, context));
    return results;
  }
  // The one query's time is shared by its checks; a sample's time is its own check's.
  const shared = Math.round((Date.now() - clock) / checks.length);
  const results: CheckResult[] = [];
  for (const [i, check] of prepared.entries()) {
    const started = Date.now() - shared;
    const failingRows = Number(counts[`failing_${i}`] ?? 0);
    const checkedRows = check.checkedSql === undefined ? null : Number(counts[`checked_${i}`] ?? 0);
    try {
      results.push(await finishCheck(session, check, failingRows, checkedRows, started));
    } catch (error) {
      results.push(couldNotRun(check, error, started));
    }
  }
  return results;
}

/** A check rendered for its scope, with the fields every result of it carries. */
interface PreparedCheck {
  check: CheckDefinition;
  failingSql: string;
  checkedSql: string | undefined;
  base: Omit<CheckResult, 'status' | 'failingRows' | 'checkedRows' | 'sample' | 'message' | 'durationMs'>;
}

function prepareCheck(check: CheckDefinition, context: CheckRenderContext): PreparedCheck {
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
    startedAt: context.now,
  };
  return { check, failingSql, checkedSql, base };
}

/** The result from a check's counts: a sample when rows fail, the threshold applied. */
async function finishCheck(
  session: Session,
  prepared: PreparedCheck,
  failingRows: number,
  checkedRows: number | null,
  clock: number,
): Promise<CheckResult> {
  const { check, failingSql, base } = prepared;
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
}

function couldNotRun(prepared: PreparedCheck, error: unknown, clock: number): CheckResult {
  const reason = toStrataError(error);
  return {
    ...prepared.base,
    status: 'error',
    failingRows: null,
    checkedRows: null,
    sample: [],
    message: `${prepared.check.id} could not run: ${reason.message}`,
    durationMs: Date.now() - clock,
  };
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
