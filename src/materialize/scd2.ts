import type { ColumnInfo, Dialect, TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { ModelNode } from '../models/types.ts';
import { addDays, dateLiteral } from '../time/dates.ts';
import { keyJoin, uniqueKeyGuards } from './key-guards.ts';
import { type MaterializationPlan, type RenderInput, type Step, dropExisting, stagedRef } from './plan.ts';
import { subquery } from './render-select.ts';
import { assertHasColumns, assertSameColumns } from './schema-change.ts';

/** Columns strata adds to an SCD2 table besides the surrogate key. */
export const SCD2_COLUMNS = ['valid_from', 'valid_to', 'is_current', 'strata_load_date'] as const;
const SNAPSHOT = 'strata_snapshot_rows';
const VERSIONS = 'strata_snapshot_versions';
/** The load date a snapshot row belongs to (a column name no model uses). */
const SNAPSHOT_DATE = 'strata_snapshot_date';

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
 *
 * The dates are applied set-based, not one replay per date: the model's SELECT is read once for
 * all of them, and each key's rows line up behind its current version in load-date order. A row
 * opens a version exactly when its tracked columns differ from the row before it (that row is
 * either the version in force or was itself compared with it and found equal), and a version ends
 * where the key's next one begins — the same table the date-by-date replay builds.
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
  steps.push(...applyDates(input, table, tracked, dates));
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

/**
 * Applies the dates (ascending) in one pass. The snapshot holds every row of those dates with the
 * date it belongs to; the versions table lines each touched key's current version (from = 0) up with
 * its rows (from = 1) in load-date order and keeps the rows that open a version, each with the
 * valid_from of the key's next opening (its valid_to). Then the current versions that a later one
 * follows are closed, and the new versions of every date are inserted, each with its date.
 */
function applyDates(input: RenderInput, table: TableRef, tracked: string[], dates: string[]): Step[] {
  const { model, selectSql, facts, dialect } = input;
  const first = dates[0];
  const last = dates.at(-1);
  if (!first || !last) return [];
  const q = (name: string) => dialect.quoteIdentifier(name);
  const target = dialect.qualify(table);
  const snapshot = q(SNAPSHOT);
  const versions = q(VERSIONS);
  const timestamp = dialect.type('timestamp');
  const loadDate = model.config.loadDateColumn;
  // A load-date column counts by its day; without one, the whole SELECT is the run date's snapshot.
  const rows = loadDate
    ? `SELECT model.*, CAST(model.${q(loadDate)} AS ${dialect.type('date')}) AS ${q(SNAPSHOT_DATE)}
FROM ${subquery(selectSql, 'model')}
WHERE model.${q(loadDate)} >= ${dateLiteral(first)} AND model.${q(loadDate)} < ${dateLiteral(addDays(last, 1))}`
    : `SELECT model.*, ${dateLiteral(first)} AS ${q(SNAPSHOT_DATE)} FROM ${subquery(selectSql, 'model')}`;
  const validFrom = model.config.validFromColumn
    ? `coalesce(CAST(s.${q(model.config.validFromColumn)} AS ${timestamp}), CAST(s.${q(SNAPSHOT_DATE)} AS ${timestamp}))`
    : `CAST(s.${q(SNAPSHOT_DATE)} AS ${timestamp})`;
  const columns = facts.modelColumns.map((c) => q(c.name));
  const keys = model.config.uniqueKey.map(q);
  const byKey = `PARTITION BY ${keys.join(', ')} ORDER BY ${q(SNAPSHOT_DATE)}, strata_from`;
  const opens = [
    `row_number() OVER (${byKey}) = 1`,
    ...tracked.map((c) => `lag(${q(c)}) OVER (${byKey}) IS DISTINCT FROM ${q(c)}`),
  ].join('\n      OR ');
  const keyExpressions = [...keys.map((k) => `v.${k}`), 'v.valid_from'];
  return [
    {
      kind: 'exec',
      sql: `CREATE TEMPORARY TABLE ${snapshot} AS
${rows}`,
    },
    // No null key, and one row per key and date (a key may recur across dates).
    ...uniqueKeyGuards(dialect, model, snapshot, { column: SNAPSHOT_DATE, name: 'load date' }),
    {
      kind: 'exec',
      sql: `CREATE TEMPORARY TABLE ${versions} AS
WITH lined_up AS (
  SELECT ${columns.map((c) => `t.${c}`).join(', ')}, t.valid_from, t.strata_load_date AS ${q(SNAPSHOT_DATE)}, 0 AS strata_from
  FROM ${target} AS t
  WHERE t.is_current AND EXISTS (SELECT 1 FROM ${snapshot} AS s WHERE ${keyJoin(dialect, model, 's', 't')})
  UNION ALL
  SELECT ${columns.map((c) => `s.${c}`).join(', ')}, ${validFrom}, s.${q(SNAPSHOT_DATE)}, 1
  FROM ${snapshot} AS s
),
opening AS (
  SELECT * FROM (
    SELECT lined_up.*, CASE WHEN ${opens} THEN 1 ELSE 0 END AS strata_opens
    FROM lined_up
  ) AS compared
  WHERE strata_opens = 1
)
SELECT opening.*, lead(valid_from) OVER (${byKey}) AS strata_next_from
FROM opening`,
    },
    {
      kind: 'exec',
      sql: `UPDATE ${target} AS t SET valid_to = v.strata_next_from, is_current = FALSE
FROM ${versions} AS v
WHERE t.is_current AND v.strata_from = 0 AND v.strata_next_from IS NOT NULL AND ${keyJoin(dialect, model, 't', 'v')}`,
      counts: 'updated',
    },
    // Every date's new versions at once, each recording the date that opened it (every row of
    // the snapshot belongs to one of the dates applied).
    {
      kind: 'exec',
      sql: `INSERT INTO ${target} (${q(surrogateKeyName(model))}, ${columns.join(', ')}, valid_from, valid_to, is_current, strata_load_date)
SELECT ${dialect.hashKey(keyExpressions)}, ${columns.map((c) => `v.${c}`).join(', ')}, v.valid_from, v.strata_next_from, v.strata_next_from IS NULL, v.${q(SNAPSHOT_DATE)}
FROM ${versions} AS v
WHERE v.strata_from = 1`,
      counts: 'inserted',
    },
    { kind: 'exec', sql: `DROP TABLE ${versions}` },
    { kind: 'exec', sql: `DROP TABLE ${snapshot}` },
  ];
}
