import { dateLiteral } from '../time/dates.ts';
import { type MaterializationPlan, type RenderInput, type Step, dropExisting, stagedRef } from './plan.ts';
import { subquery } from './render-select.ts';
import { assertHasColumns, assertSameColumns } from './schema-change.ts';
import { buildAsideAndSwap } from './table.ts';

/** The temporary table holding a partitioned model's rows before they are inserted. */
const PARTITION_ROWS = 'strata_partition_rows';

const execs = (sqls: string[]): Step[] => sqls.map((sql) => ({ kind: 'exec' as const, sql }));

/**
 * A table partitioned by month of its load date (`partition_by: month`, where the engine
 * partitions): the rows go to a temporary table, an empty partitioned table shaped like them is
 * swapped in, the months the rows hold get their partitions (named after the target, so they are
 * made after the swap that dropped the old ones), and the rows are inserted — all in one transaction.
 */
function buildPartitioned(input: RenderInput, build: string, loadDate: string): Step[] {
  const { model, dialect, facts } = input;
  const rows = dialect.quoteIdentifier(PARTITION_ROWS);
  const staged = stagedRef(model.target);
  return [
    { kind: 'exec', sql: `CREATE TEMPORARY TABLE ${rows} AS\n${build}` },
    { kind: 'exec', sql: `DROP TABLE IF EXISTS ${dialect.qualify(staged)}` },
    ...execs(dialect.createPartitionedTable(staged, rows, loadDate)),
    { kind: 'count', sql: `SELECT count(*) AS n FROM ${rows}` },
    ...(facts.existing?.kind === 'view' ? dropExisting(dialect, model.target, facts.existing) : []),
    ...execs(dialect.swapTable(staged, model.target)),
    ...execs(dialect.ensureMonthPartitions(model.target, rows, loadDate)),
    { kind: 'exec', sql: `INSERT INTO ${dialect.qualify(model.target)} SELECT * FROM ${rows}` },
    { kind: 'exec', sql: `DROP TABLE ${rows}` },
  ];
}

/**
 * Incremental by load date: a run replaces exactly its dates (delete, then insert, in one
 * transaction), so running a date twice gives the same table. A run without dates refreshes the
 * newest loaded date and everything after it.
 */
export function renderIncremental(input: RenderInput): MaterializationPlan {
  const { model, selectSql, facts, dialect } = input;
  const loadDate = model.config.loadDateColumn as string;
  assertHasColumns(model, facts.modelColumns, [loadDate], 'load_date_column');
  const column = dialect.quoteIdentifier(loadDate);
  const from = facts.window.from ?? facts.latestLoadedDate;
  const to = facts.window.to;
  const predicate = [
    from ? `${column} >= ${dateLiteral(from)}` : '',
    to ? `${column} <= ${dateLiteral(to)}` : '',
  ]
    .filter(Boolean)
    .join(' AND ');
  const filtered = `SELECT * FROM ${subquery(selectSql, 'model')}${predicate ? `\nWHERE ${predicate}` : ''}`;

  const partitioned = model.config.partitionBy === 'month' && input.capabilities.partitioning;
  if (!facts.existing || facts.existing.kind === 'view' || facts.fullRefresh) {
    // A full refresh rebuilds every date the model yields; a first build only the run's dates.
    const build = facts.fullRefresh ? `SELECT * FROM ${subquery(selectSql, 'model')}` : filtered;
    if (partitioned) return { steps: buildPartitioned(input, build, loadDate) };
    return { steps: buildAsideAndSwap(dialect, model.target, build, facts) };
  }
  assertSameColumns(model, facts.modelColumns, facts.existing.columns);
  const target = dialect.qualify(model.target);
  const columns = facts.modelColumns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  if (partitioned) {
    // The rows first, so the months they need get their partitions before they are inserted.
    const rows = dialect.quoteIdentifier(PARTITION_ROWS);
    return {
      steps: [
        { kind: 'exec', sql: `CREATE TEMPORARY TABLE ${rows} AS\n${filtered}` },
        ...execs(dialect.ensureMonthPartitions(model.target, rows, loadDate)),
        {
          kind: 'exec',
          sql: `DELETE FROM ${target}${predicate ? ` WHERE ${predicate}` : ''}`,
          counts: 'deleted',
        },
        {
          kind: 'exec',
          sql: `INSERT INTO ${target} (${columns})\nSELECT ${columns} FROM ${rows}`,
          counts: 'inserted',
        },
        { kind: 'exec', sql: `DROP TABLE ${rows}` },
      ],
    };
  }
  return {
    steps: [
      {
        kind: 'exec',
        sql: `DELETE FROM ${target}${predicate ? ` WHERE ${predicate}` : ''}`,
        counts: 'deleted',
      },
      {
        kind: 'exec',
        sql: `INSERT INTO ${target} (${columns})\nSELECT ${columns} FROM ${subquery(filtered, 'partition')}`,
        counts: 'inserted',
      },
    ],
  };
}
