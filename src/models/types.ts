import type { TableRef } from '../engine/types.ts';
import type { CheckSpec } from '../config/check-spec.ts';
import type { SourceConfig } from '../config/source-schema.ts';

export const MATERIALIZATIONS = ['view', 'table', 'incremental', 'upsert', 'scd2'] as const;
export type Materialization = (typeof MATERIALIZATIONS)[number];

export interface ColumnDoc {
  description?: string;
  checks?: CheckSpec[];
}

export interface ModelConfig {
  materialized: Materialization;
  schema?: string;
  description?: string;
  /**
   * Columns that identify a row (upsert, scd2); for incremental by key, the grain whose rows a run
   * replaces (several rows may share it).
   */
  uniqueKey: string[];
  /** The partition column of an incremental model: a run replaces exactly its dates. */
  loadDateColumn?: string;
  /**
   * incremental by key: a SELECT returning the unique_key values a run's dates touched, as written
   * in the header, and the line its text starts on. parse-model.ts parses it into `ModelNode.touched`.
   */
  touched?: { sql: string; line: number };
  /** scd2: a change in one of these opens a new version; empty means every non-key column. */
  trackedColumns: string[];
  /** scd2: take valid_from from this column instead of the load date. */
  validFromColumn?: string;
  /** scd2: name of the surrogate key column. */
  surrogateKey?: string;
  /**
   * incremental: partition the table by month of its load_date_column (declarative partitioning,
   * a partition created for each month as rows arrive) where the engine partitions; else a plain table.
   */
  partitionBy?: 'month';
  /**
   * The column a distributed engine (Citus) distributes the table on; elsewhere it gets an index
   * where the engine indexes keys, and nothing on DuckDB.
   */
  distributionColumn?: string;
  columns: Record<string, ColumnDoc>;
  checks: CheckSpec[];
  tags: string[];
  retries?: number;
  timeoutSeconds?: number;
}

/** A piece of a model's SQL body: literal text or a template expression to render. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; name: string; line: number }
  | { kind: 'this' }
  | { kind: 'date_from' }
  | { kind: 'date_to' }
  /** incremental by key: the relation of the keys a run touched (see ModelNode.touched). */
  | { kind: 'touched' };

export interface Reference {
  name: string;
  line: number;
  column: number;
}

export interface ModelNode {
  kind: 'model';
  name: string;
  target: TableRef;
  /** Path relative to the project root, for messages. */
  file: string;
  config: ModelConfig;
  segments: Segment[];
  refs: Reference[];
  /** 1-based line where the SQL body starts (after the header). */
  bodyLine: number;
  /**
   * incremental by key: the header's `touched` SELECT, parsed (its refs are among `refs`, so they
   * are edges of the DAG). `{{ touched }}` in the body stands for the distinct keys it returns.
   */
  touched?: Segment[];
}

export interface SeedNode {
  kind: 'seed';
  name: string;
  target: TableRef;
  file: string;
  /** Absolute path of the CSV file. */
  path: string;
}

/** A source declared in the config: files → raw (as received) → staging (typed, validated). */
export interface SourceNode {
  kind: 'source';
  name: string;
  /** The staging table of validated, typed records. */
  target: TableRef;
  /** The raw table, append-only, as received. */
  raw: TableRef;
  /** The config file that declares it, for messages. */
  file: string;
  /** Further tables it builds (one per nested array), referable like models: `<source>__<field>`. */
  provides: { name: string; target: TableRef }[];
  config: SourceConfig;
}

export type ProjectNode = ModelNode | SeedNode | SourceNode;

/** An incremental model that replaces the keys its `touched` SELECT returns, not load dates. */
export function isIncrementalByKey(node: ProjectNode): node is ModelNode & { touched: Segment[] } {
  return node.kind === 'model' && node.config.materialized === 'incremental' && node.touched !== undefined;
}

/** 'seed' for a seed, else the model's materialisation. */
export function materializationOf(node: ProjectNode): Materialization | 'seed' | 'source' {
  return node.kind === 'model' ? node.config.materialized : node.kind;
}
