import type { TableRef } from '../engine/types.ts';
import type { Segment } from '../models/types.ts';
import type { CheckOptions, CheckRule } from '../config/check-spec.ts';

/** A check as the project declares it, resolved against the DAG: what it reads and where it came from. */
export interface CheckDefinition {
  /** Unique in the project and stable across runs: `<target>:<name>`, e.g. `fact_orders:not_null(customer_sk)`. */
  id: string;
  /** The model, seed, source or source table (`orders__items`) checked. */
  target: string;
  table: TableRef;
  /** The DAG node that builds the table: the check gates what depends on it. */
  node: string;
  rule: CheckRule;
  severity: CheckOptions['severity'];
  failAbove?: CheckOptions['failAbove'];
  /** The column holding the load date, when the check is scoped to the dates of the run. */
  partitionColumn?: string;
  /** Other nodes the check reads (relationships, reconciliation, custom SQL): it runs after them. */
  reads: string[];
  /** Custom SQL, parsed into literal text and template expressions. */
  segments?: Segment[];
  /** Where the check is declared, for messages. */
  file: string;
}

/** The dates a check looks at: the run's load dates, or the whole table. */
export type { CheckScope } from '../audit/check-result.ts';
