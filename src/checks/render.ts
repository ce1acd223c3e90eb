import type { Dialect, TableRef } from '../engine/types.ts';
import { newestSourceLoadsSql } from '../audit/source-loads.ts';
import { dateLiteral } from '../time/dates.ts';
import { OPEN_FROM, OPEN_TO, renderSegments } from '../materialize/render-select.ts';
import type { CheckRule } from '../config/check-spec.ts';
import type { CheckDefinition, CheckScope } from './types.ts';

export interface CheckRenderContext {
  dialect: Dialect;
  resolve: (name: string) => TableRef;
  scope: CheckScope;
  /** The run's clock, for freshness. */
  now: Date;
}

export interface RenderedCheck {
  /** A SELECT returning one row per failing row (or key, or date): the check's definition. */
  failingSql: string;
  /** A SELECT returning `n`, the rows the check looked at; only for checks that test rows one by one. */
  checkedSql?: string;
}

/**
 * Renders a check to plain SQL both engines run unchanged. Values from the project's definitions
 * (accepted values, bounds) become escaped literals, so the stored SQL can be rerun as it is.
 */
export function renderCheck(check: CheckDefinition, context: CheckRenderContext): RenderedCheck {
  const { dialect: d } = context;
  const table = d.qualify(check.table);
  const q = (column: string) => `t.${d.quoteIdentifier(column)}`;
  const inScope = scopePredicate(check.partitionColumn, context.scope, 't', d);
  const rowCheck = (failing: string) => ({
    failingSql: `SELECT t.* FROM ${table} AS t WHERE ${inScope} AND (${failing})`,
    checkedSql: `SELECT count(*) AS n FROM ${table} AS t WHERE ${inScope}`,
  });
  const rule: CheckRule = check.rule;

  switch (rule.type) {
    case 'not_null':
      return rowCheck(`${q(rule.columns[0] as string)} IS NULL`);
    case 'accepted_values':
      return rowCheck(
        `${q(rule.column as string)} IS NOT NULL AND ${q(rule.column as string)} NOT IN (${rule.values.map((v) => literal(v, d)).join(', ')})`,
      );
    case 'range': {
      const column = q(rule.column as string);
      const bounds = [
        rule.min === undefined ? undefined : `${column} < ${literal(rule.min, d)}`,
        rule.max === undefined ? undefined : `${column} > ${literal(rule.max, d)}`,
      ].filter(Boolean);
      return rowCheck(bounds.join(' OR '));
    }
    case 'relationships': {
      const parent = d.qualify(context.resolve(rule.to));
      const column = q(rule.column as string);
      return rowCheck(
        `${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${parent} AS p WHERE p.${d.quoteIdentifier(rule.field ?? (rule.column as string))} = ${column})`,
      );
    }
    case 'expression':
      // NULL is not TRUE: a condition that cannot be evaluated fails, as a gate should.
      return rowCheck(`(${rule.expression}) IS NOT TRUE`);
    case 'unique': {
      const keys = rule.columns.map(q);
      const sameKey = rule.columns
        .map((c) => `s.${d.quoteIdentifier(c)} = t.${d.quoteIdentifier(c)}`)
        .join(' AND ');
      // Keys of the run's dates, counted over the whole table: a key loaded today that already
      // exists from an earlier date is a duplicate too.
      const keysInScope =
        context.scope.kind === 'all' || !check.partitionColumn
          ? 'TRUE'
          : `EXISTS (SELECT 1 FROM ${table} AS s WHERE ${scopePredicate(check.partitionColumn, context.scope, 's', d)} AND ${sameKey})`;
      return {
        failingSql: `SELECT ${keys.join(', ')}, count(*) AS duplicate_rows FROM ${table} AS t
WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')} AND ${keysInScope}
GROUP BY ${keys.join(', ')} HAVING count(*) > 1`,
      };
    }
    case 'freshness': {
      const limit = new Date(context.now.getTime() - rule.maxAgeMs);
      const limitLiteral = `CAST('${limit.toISOString().slice(0, 19).replace('T', ' ')}' AS ${d.type('timestamp')})`;
      const newest = `max(${q(rule.column as string)})`;
      return {
        failingSql: `SELECT ${newest} AS newest, ${limitLiteral} AS expected_after FROM ${table} AS t
HAVING ${newest} IS NULL OR CAST(${newest} AS ${d.type('timestamp')}) < ${limitLiteral}`,
      };
    }
    case 'volume':
      return { failingSql: volumeSql(check, rule, table, context) };
    case 'reconciliation':
      return { failingSql: reconciliationSql(check, rule, table, context) };
    case 'quarantine_share':
      // The source's ledger: the newest record of each date, failing where too much was quarantined
      // (a share of records, and enough of them for the share to mean something).
      return {
        failingSql: newestSourceLoadsSql(
          d,
          check.target,
          scopePredicate('load_date', context.scope, 'l', d),
          `l.quarantined >= ${rule.minQuarantined} AND l.quarantined * 100.0 > l.received * ${rule.maxPercent}`,
        ),
      };
    case 'sql': {
      const dates = context.scope.kind === 'dates' ? context.scope : {};
      const body = renderSegments(
        check.segments ?? [],
        { dialect: d, resolve: context.resolve, dates },
        check.table,
      );
      return { failingSql: body };
    }
  }
}

/** Each checked date's row count against the average of the `days` loaded dates before it. */
function volumeSql(
  check: CheckDefinition,
  rule: Extract<CheckRule, { type: 'volume' }>,
  table: string,
  context: CheckRenderContext,
): string {
  const d = context.dialect;
  const column = `t.${d.quoteIdentifier(rule.column as string)}`;
  const trailing = `OVER (ORDER BY load_date ROWS BETWEEN ${rule.days} PRECEDING AND 1 PRECEDING)`;
  // The whole table: the newest date is "today". The run's dates: each of them.
  const checked =
    context.scope.kind === 'dates' && check.partitionColumn
      ? scopePredicate('load_date', context.scope, 'c', d)
      : 'c.load_date = (SELECT max(load_date) FROM per_date)';
  return `WITH per_date AS (
  SELECT CAST(${column} AS DATE) AS load_date, count(*) AS row_count FROM ${table} AS t
  WHERE ${column} IS NOT NULL GROUP BY CAST(${column} AS DATE)
), compared AS (
  SELECT load_date, row_count, avg(row_count) ${trailing} AS trailing_average, count(*) ${trailing} AS trailing_dates
  FROM per_date
)
SELECT c.load_date, c.row_count, c.trailing_average, c.trailing_dates FROM compared AS c
WHERE ${checked} AND c.trailing_dates > 0
  AND abs(c.row_count - c.trailing_average) > c.trailing_average * ${rule.tolerancePercent} / 100.0`;
}

/** Rows per load date against another table's (or a source's received records). */
function reconciliationSql(
  check: CheckDefinition,
  rule: Extract<CheckRule, { type: 'reconciliation' }>,
  table: string,
  context: CheckRenderContext,
): string {
  const d = context.dialect;
  const tolerance = (actual: string, expected: string) =>
    `abs(${actual} - ${expected}) > ${expected} * ${rule.tolerancePercent} / 100.0`;
  if (rule.with === 'raw') {
    // The source's own ledger: the newest record of each date it loaded.
    const dates = scopePredicate('load_date', context.scope, 'l', d);
    return newestSourceLoadsSql(
      d,
      check.target,
      dates,
      tolerance('l.staged + l.quarantined + l.duplicates', 'l.received'),
    );
  }
  const other = d.qualify(context.resolve(rule.with));
  if (!rule.column || !rule.withColumn) {
    return `SELECT c.row_count, c.expected_rows FROM (
  SELECT (SELECT count(*) FROM ${table}) AS row_count, (SELECT count(*) FROM ${other}) AS expected_rows
) AS c WHERE ${tolerance('c.row_count', 'c.expected_rows')}`;
  }
  const mine = d.quoteIdentifier(rule.column);
  const theirs = d.quoteIdentifier(rule.withColumn);
  return `WITH actual AS (
  SELECT t.${mine} AS load_date, count(*) AS row_count FROM ${table} AS t
  WHERE ${scopePredicate(rule.column, context.scope, 't', d)} GROUP BY t.${mine}
), expected AS (
  SELECT w.${theirs} AS load_date, count(*) AS row_count FROM ${other} AS w
  WHERE ${scopePredicate(rule.withColumn, context.scope, 'w', d)} GROUP BY w.${theirs}
)
SELECT coalesce(a.load_date, e.load_date) AS load_date, coalesce(a.row_count, 0) AS row_count,
       coalesce(e.row_count, 0) AS expected_rows
FROM actual AS a FULL OUTER JOIN expected AS e ON a.load_date = e.load_date
WHERE ${tolerance('coalesce(a.row_count, 0)', 'coalesce(e.row_count, 0)')}`;
}

function scopePredicate(column: string | undefined, scope: CheckScope, alias: string, d: Dialect): string {
  if (!column || scope.kind === 'all') return 'TRUE';
  return `${alias}.${d.quoteIdentifier(column)} BETWEEN ${dateLiteral(scope.from ?? OPEN_FROM)} AND ${dateLiteral(scope.to ?? OPEN_TO)}`;
}

function literal(value: string | number | boolean, d: Dialect): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return d.stringLiteral(value);
}
