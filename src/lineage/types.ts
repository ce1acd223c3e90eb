/**
 * Column-level lineage of one model, derived from its SQL by a parser: for each column the model
 * returns, the upstream columns it is computed from — or why that could not be told.
 */

/** A column of a relation the model reads: a project node (source, seed, model) and a column. */
export interface ColumnRef {
  /** The project node's name (`stg_orders`, `orders`, `orders__items`). */
  node: string;
  column: string;
}

/** How an output column relates to its inputs. */
export type ColumnDerivation =
  /** The same value, perhaps renamed or cast (`o.order_id`, `CAST(o.amount AS DECIMAL)`). */
  | 'copy'
  /** Computed from the inputs (an expression, a CASE, a window function). */
  | 'transform'
  /** An aggregate over the inputs (`sum(amount)`). */
  | 'aggregate'
  /** No input column: a literal, `now()`, a template value such as the load date. */
  | 'constant';

export interface ColumnLineage {
  /** The output column's name, as the model returns it. */
  column: string;
  derivation: ColumnDerivation | null;
  /** The upstream columns it is computed from, by node then column; empty for a constant. */
  inputs: ColumnRef[];
  /**
   * Why the inputs are incomplete or unknown, in words a reader understands (e.g. "`x.*` of a
   * subquery the parser could not expand", "function `my_macro` is not known"); null when resolved.
   */
  unresolved: string | null;
}

/** A model's column lineage, or why its SQL could not be parsed at all. */
export interface ModelColumnLineage {
  model: string;
  columns: ColumnLineage[];
  /** Set when the parser refused the SQL: its message, with the line when it gives one. */
  parseError: string | null;
}

/** What the lineage deriver is given about one relation the model reads. */
export interface LineageRelation {
  /** The project node's name, used in the result's ColumnRefs. */
  node: string;
  /** The relation as it appears in the compiled SQL: `"schema"."name"` or `schema.name`. */
  schema: string;
  name: string;
  /** Its columns in order (from the warehouse, or the model's own lineage when not built yet). */
  columns: string[];
  /**
   * Set when its columns are not known (not built, and no lineage of its own to list them): why,
   * in a reader's words. Its `columns` are then ignored and what the model reads of it is unresolved.
   */
  columnsUnknown?: string;
}
