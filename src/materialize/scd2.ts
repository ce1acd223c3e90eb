import type { ColumnInfo, Dialect, TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { ModelNode } from '../models/types.ts';
import { dateLiteral } from '../time/dates.ts';
import { keyJoin, uniqueKeyGuards } from './key-guards.ts';
import { type MaterializationPlan, type RenderInput, type Step, dropExisting, stagedRef } from './plan.ts';
import { subquery } from './render-select.ts';
import { assertHasColumns, assertSameColumns } from './schema-change.ts';

/** Columns strata adds to an SCD2 table besides the surrogate key. */
export const SCD2_COLUMNS = ['valid_from', 'valid_to', 'is_current', 'strata_load_date'] as const;
const SNAPSHOT = 'strata_snapshot_rows';

export function surrogateKeyName(model: ModelNode): string {
  return model.config.surrogateKey ?? `${model.name.replace(/^dim_/, '')}_sk`;
}

/**
 * SCD type 2 snapshot. Each load date's rows are compared with the current versions: a key whose
 * tracked columns changed gets its current version closed (valid_to, is_current = false) and a new
 * one opened; a new key gets its first version; an unchanged key is left alone.
 *
 * Idempotence: every version records the load date that created it (strata_load_date). A run from
 * date D first undoes what D and later dates did (delete their versions, reopen the versions they
 * closed), then applies D and every later date in order — so re-running a date, or backfilling an
 * earlier one, gives the same table as applying the dates once in order.
 */
export function renderScd2(input: RenderInput): MaterializationPlan {
  const { model, facts, dialect } = input;
  const { uniqueKey, loadDateColumn } = model.config;
  assertHasColumns(model, facts.modelColumns, uniqueKey, 'unique_key');
  if (loadDateColumn) assertHasColumns(model, facts.modelColumns, [loadDateColumn], 'load_date_column');
  const tracked = trackedColumns(
    model,
    facts.modelColumns.map((c) => c.name),
  );
  assertHasColumns(model, facts.modelColumns, tracked, 'tracked_columns');
  const dates = facts.snapshotDates ?? [];

  const rebuild = !facts.existing || facts.existing.kind === 'view' || facts.fullRefresh;
  if (!rebuild) {
    const bookkeeping = [surrogateKeyName(model).toLowerCase(), ...SCD2_COLUMNS];
    assertScd2Table(model, facts.existing?.columns ?? [], bookkeeping);
    assertSameColumns(model, facts.modelColumns, facts.existing?.columns ?? [], bookkeeping);
    const earliest = dates[0];
    if (!loadDateColumn && earliest && facts.latestSnapshotDate && earliest < facts.latestSnapshotDate) {
      throw new StrataError(
        'SCD2_OUT_OF_ORDER',
        `${model.name} was last snapshotted on ${facts.latestSnapshotDate}; a snapshot for ${earliest} cannot be replayed`,
        {
          file: model.file,
          model: model.name,
          hint: 'Give the model a load_date_column so past dates can be replayed, or run it for today.',
        },
      );
    }
  }
  const table = rebuild ? stagedRef(model.target) : model.target;
  const steps: Step[] = [];
  if (rebuild) {
    steps.push({ kind: 'exec', sql: `DROP TABLE IF EXISTS ${dialect.qualify(table)}` });
    steps.push({ kind: 'exec', sql: createEmpty(input, table) });
  } else if (dates[0]) {
    steps.push(...undoFrom(dialect, model, table, dates[0]));
  }
  for (const date of dates) steps.push(...applyDate(input, table, tracked, date));
  if (rebuild) {
    steps.push({ kind: 'count', sql: `SELECT count(*) AS n FROM ${dialect.qualify(table)}` });
    steps.push(
      ...(facts.existing?.kind === 'view' ? dropExisting(dialect, model.target, facts.existing) : []),
    );
    steps.push(...dialect.swapTable(table, model.target).map((sql) => ({ kind: 'exec' as const, sql })));
  }
  return { steps };
}

/** A table that was not built as an SCD2 snapshot (e.g. the model was incremental) cannot be versioned in place. */
function assertScd2Table(
  model: ModelNode,
  columns: readonly ColumnInfo[],
  bookkeeping: readonly string[],
): void {
  const have = new Set(columns.map((c) => c.name.toLowerCase()));
  const absent = bookkeeping.filter((name) => !have.has(name));
  if (absent.length === 0) return;
  throw new StrataError(
    'SCHEMA_CHANGED',
    `${model.name}: its table has no SCD2 column(s) ${absent.join(', ')}; it was not built as an scd2 snapshot`,
    {
      file: model.file,
      model: model.name,
      hint: `Rebuild it from its sources: strata run --full-refresh --select ${model.name}+`,
    },
  );
}

function trackedColumns(model: ModelNode, columns: string[]): string[] {
  if (model.config.trackedColumns.length > 0) return model.config.trackedColumns;
  const skip = new Set([
    ...model.config.uniqueKey,
    model.config.loadDateColumn,
    model.config.validFromColumn,
  ]);
  return columns.filter((c) => !skip.has(c));
}

function createEmpty({ model, selectSql, dialect }: RenderInput, table: TableRef): string {
  return `CREATE TABLE ${dialect.qualify(table)} AS
SELECT CAST(NULL AS ${dialect.type('text')}) AS ${dialect.quoteIdentifier(surrogateKeyName(model))}, model.*,
  CAST(NULL AS ${dialect.type('timestamp')}) AS valid_from,
  CAST(NULL AS ${dialect.type('timestamp')}) AS valid_to,
  CAST(NULL AS ${dialect.type('boolean')}) AS is_current,
  CAST(NULL AS ${dialect.type('date')}) AS strata_load_date
FROM ${subquery(selectSql, 'model')}
WHERE 1 = 0`;
}

function undoFrom(dialect: Dialect, model: ModelNode, table: TableRef, date: string): Step[] {
  const target = dialect.qualify(table);
  return [
    {
      kind: 'exec',
      sql: `DELETE FROM ${target} WHERE strata_load_date >= ${dateLiteral(date)}`,
      counts: 'deleted',
    },
    {
      kind: 'exec',
      sql: `UPDATE ${target} AS t SET valid_to = NULL, is_current = TRUE
WHERE NOT t.is_current AND NOT EXISTS (
  SELECT 1 FROM ${target} AS later WHERE ${keyJoin(dialect, model, 'later', 't')} AND later.valid_from > t.valid_from
)`,
    },
  ];
}

function applyDate(input: RenderInput, table: TableRef, tracked: string[], date: string): Step[] {
  const { model, selectSql, facts, dialect } = input;
  const target = dialect.qualify(table);
  const snapshot = dialect.quoteIdentifier(SNAPSHOT);
  const loadDate = model.config.loadDateColumn;
  const rows = loadDate
    ? `SELECT * FROM ${subquery(selectSql, 'model')} WHERE ${dialect.quoteIdentifier(loadDate)} = ${dateLiteral(date)}`
    : `SELECT * FROM ${subquery(selectSql, 'model')}`;
  const validFrom = model.config.validFromColumn
    ? `coalesce(CAST(s.${dialect.quoteIdentifier(model.config.validFromColumn)} AS ${dialect.type('timestamp')}), CAST(${dateLiteral(date)} AS ${dialect.type('timestamp')}))`
    : `CAST(${dateLiteral(date)} AS ${dialect.type('timestamp')})`;
  const changed = tracked
    .map((c) => `t.${dialect.quoteIdentifier(c)} IS DISTINCT FROM s.${dialect.quoteIdentifier(c)}`)
    .join(' OR ');
  const columns = facts.modelColumns.map((c) => dialect.quoteIdentifier(c.name));
  const keyExpressions = [...model.config.uniqueKey.map((k) => `s.${dialect.quoteIdentifier(k)}`), validFrom];
  return [
    { kind: 'exec', sql: `DROP TABLE IF EXISTS ${snapshot}` },
    { kind: 'exec', sql: `CREATE TEMPORARY TABLE ${snapshot} AS\n${rows}` },
    ...uniqueKeyGuards(dialect, model, snapshot),
    {
      kind: 'exec',
      sql: `UPDATE ${target} AS t SET valid_to = ${validFrom}, is_current = FALSE
FROM ${snapshot} AS s
WHERE t.is_current AND ${keyJoin(dialect, model, 't', 's')}${changed ? ` AND (${changed})` : ' AND FALSE'}`,
      counts: 'updated',
    },
    {
      kind: 'exec',
      sql: `INSERT INTO ${target} (${dialect.quoteIdentifier(surrogateKeyName(model))}, ${columns.join(', ')}, valid_from, valid_to, is_current, strata_load_date)
SELECT ${dialect.hashKey(keyExpressions)}, ${columns.map((c) => `s.${c}`).join(', ')}, ${validFrom}, NULL, TRUE, ${dateLiteral(date)}
FROM ${snapshot} AS s
WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE t.is_current AND ${keyJoin(dialect, model, 't', 's')})`,
      counts: 'inserted',
    },
    { kind: 'exec', sql: `DROP TABLE ${snapshot}` },
  ];
}
