import type { Dialect, TableRef } from '../engine/types.ts';
import type { RenderInput, Step } from './plan.ts';
import { stagedRef } from './plan.ts';
import { assertHasColumns } from './schema-change.ts';
import { surrogateKeyName } from './scd2.ts';
import { rebuildsWhole } from './incremental-by-key.ts';

/** An index name next to the table's, within the 63 characters both engines allow. */
export function indexName(target: TableRef, suffix: string): string {
  return stagedRef(target, suffix).name;
}

/**
 * A block-range index (PostgreSQL's BRIN) on the load-date column of a table appended a load date at
 * a time — raw, staging, a model incremental by date — named `<table>__strata_load_date`, created
 * when missing and summarised up to the rows appended so far: a date's rows are then found without
 * reading the history (capabilities.keyIndexes).
 */
export function loadDateIndex(dialect: Dialect, table: TableRef, column: string): string[] {
  return dialect.createIndex(table, [column], {
    name: indexName(table, 'strata_load_date'),
    unique: false,
    summary: true,
  });
}

/**
 * What a server engine adds after a table is built, each behind its capability (DuckDB: nothing):
 * distributing a rebuilt table (Citus), indexes on its keys — the upsert key (unique), an SCD2
 * table's surrogate and natural keys, the distribution column where nothing distributes — and
 * ANALYZE when the task wrote a share of the table that calls for it, so the next task's plans see
 * the new data. Indexes are created after the swap, under names no other table holds, and "IF NOT
 * EXISTS" makes them free on tables that have them.
 */
export function serverSteps(input: RenderInput): Step[] {
  const { model, facts, dialect, capabilities } = input;
  const { materialized, uniqueKey, distributionColumn } = model.config;
  if (materialized === 'view') return [];
  const target = model.target;
  const steps: Step[] = [];
  const exec = (sqls: string[]) => steps.push(...sqls.map((sql) => ({ kind: 'exec' as const, sql })));
  if (distributionColumn) {
    assertHasColumns(model, facts.modelColumns, [distributionColumn], 'distribution_column');
  }
  const byKey = materialized === 'incremental' && model.touched !== undefined;
  const rebuilt =
    materialized === 'table' ||
    !facts.existing ||
    facts.existing.kind === 'view' ||
    facts.fullRefresh ||
    (byKey && rebuildsWhole(input));
  if (distributionColumn && capabilities.distributedTables && rebuilt) {
    exec(dialect.distributeTable(target, distributionColumn));
  }
  if (capabilities.keyIndexes) {
    if (materialized === 'upsert') {
      exec(dialect.createIndex(target, uniqueKey, { name: indexName(target, 'strata_key'), unique: true }));
    }
    // Incremental by load date replaces its dates, and the run's dates are what the models reading
    // it select (a partitioned table has its months for that).
    const partitioned = model.config.partitionBy === 'month' && capabilities.partitioning;
    if (materialized === 'incremental' && !byKey && !partitioned && model.config.loadDateColumn) {
      exec(loadDateIndex(dialect, target, model.config.loadDateColumn));
    }
    // Incremental by key deletes the touched keys' rows: an index finds them (the grain need not be unique).
    if (byKey) {
      exec(dialect.createIndex(target, uniqueKey, { name: indexName(target, 'strata_key'), unique: false }));
    }
    if (materialized === 'scd2') {
      const surrogate = surrogateKeyName(model);
      exec(dialect.createIndex(target, [surrogate], { name: indexName(target, 'strata_sk'), unique: false }));
      exec(dialect.createIndex(target, uniqueKey, { name: indexName(target, 'strata_nk'), unique: false }));
    }
    if (distributionColumn && !capabilities.distributedTables) {
      exec(
        dialect.createIndex(target, [distributionColumn], {
          name: indexName(target, 'strata_dist'),
          unique: false,
        }),
      );
    }
  }
  if (capabilities.analyze) {
    steps.push(...dialect.analyzeAfterWrite(target).map((sql) => ({ kind: 'analyze' as const, sql })));
  }
  return steps;
}
