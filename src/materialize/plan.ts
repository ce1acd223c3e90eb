import type { Capabilities, ColumnInfo, Dialect, TableRef } from '../engine/types.ts';
import type { DiagnosticCode } from '../errors/codes.ts';
import type { ModelNode } from '../models/types.ts';
import type { DateWindow } from './render-select.ts';

/**
 * A materialisation is rendered into steps — plain data, no driver — that the runner executes in
 * order inside ONE transaction, so a failure at any step leaves the previous state intact.
 */
export type Step =
  /** A statement; `counts` says which row counter its affected rows add to. */
  | { kind: 'exec'; sql: string; counts?: 'inserted' | 'deleted' | 'updated' }
  /** A SELECT returning one row with column n: rows written (for CREATE TABLE AS, which reports none). */
  | { kind: 'count'; sql: string }
  /** A SELECT returning offending rows: any row fails the task with this code. */
  | { kind: 'guard'; sql: string; code: DiagnosticCode; message: string; hint: string }
  /**
   * Refreshes planner statistics after the steps before it wrote rows: its statement takes those
   * rows as its one parameter (Dialect.analyzeAfterWrite); skipped when they wrote none.
   */
  | { kind: 'analyze'; sql: string };

export interface MaterializationPlan {
  steps: Step[];
}

/** What the runner learned about the warehouse before rendering, so rendering stays pure. */
export interface MaterializationFacts {
  /** The model's target as it exists now, if it does. */
  existing?: { kind: 'table' | 'view'; columns: ColumnInfo[] };
  /** The columns the model's SELECT returns. */
  modelColumns: ColumnInfo[];
  fullRefresh: boolean;
  /** The run's load dates; undefined ends mean "everything newer/older". */
  window: DateWindow;
  /** incremental without explicit dates: the newest load date already in the table. */
  latestLoadedDate?: string;
  /** scd2: the load dates to apply, in order (from the source, or the run date). */
  snapshotDates?: string[];
  /** scd2: the newest load date already applied. */
  latestSnapshotDate?: string;
  /** The date a run without dates stands for (today, UTC). */
  runDate: string;
}

export interface RenderInput {
  model: ModelNode;
  /** The model's SELECT, already rendered for this run. */
  selectSql: string;
  facts: MaterializationFacts;
  dialect: Dialect;
  /** What the engine offers beyond SQL both share: key indexes, ANALYZE, partitions, distribution. */
  capabilities: Capabilities;
  /** incremental by key: the model's SQL in the forms its run needs (incremental-by-key.ts). */
  byKey?: ByKeyInput;
}

/** What an incremental-by-key model's rendering needs beyond `selectSql` (see incremental-by-key.ts). */
export interface ByKeyInput {
  /** The touched SELECT over the run's dates: the unique_key values the dates touched. */
  touchedSql: string;
  /** The body with `{{ touched }}` as the temporary table of touched keys. */
  selectOverKeys: string;
  /** The body with `{{ touched }}` as the touched SELECT over every date: the whole table. */
  selectAll: string;
  /**
   * The keys captured before the run started (runner/capture-touched.ts), when their table exists;
   * `fullBuild` when capturing them failed, so the run must rebuild the whole table.
   */
  prior?: { table: TableRef; fullBuild: boolean };
}

/** A sibling name in the target's schema for building a table before swapping it in. */
export function stagedRef(target: TableRef, suffix = 'strata_new'): TableRef {
  const name = `${target.name}__${suffix}`;
  return {
    schema: target.schema,
    name: name.length <= 63 ? name : `${target.name.slice(0, 63 - suffix.length - 2)}__${suffix}`,
  };
}

export function dropExisting(
  dialect: Dialect,
  target: TableRef,
  existing: MaterializationFacts['existing'],
): Step[] {
  if (!existing) return [];
  return dialect.dropRelation(target, existing.kind).map((sql) => ({ kind: 'exec' as const, sql }));
}
