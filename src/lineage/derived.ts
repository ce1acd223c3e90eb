import type { ColumnDerivation, ColumnRef } from './types.ts';

/**
 * What is known of one column while the deriver walks a query: how it is computed (composed
 * through every CTE and subquery it passes), the upstream columns, and what could not be told.
 */
export interface Derived {
  kind: ColumnDerivation;
  inputs: Map<string, ColumnRef>;
  unresolved: string[];
}

/** A column a query (a CTE, a subquery, a relation) returns. */
export interface OutColumn {
  name: string;
  derived: Derived;
}

/** A relation's column, as the deriver finds it: the column itself. */
export function baseColumn(node: string, column: string): Derived {
  return { kind: 'copy', inputs: new Map([[refKey({ node, column }), { node, column }]]), unresolved: [] };
}

export function unknownColumn(reason: string): Derived {
  return { kind: 'copy', inputs: new Map(), unresolved: [reason] };
}

export function refKey(ref: ColumnRef): string {
  return `${ref.node}\u0000${ref.column}`;
}

type Computed = Exclude<ColumnDerivation, 'constant'>;

const RANK: Record<Computed, number> = { copy: 0, transform: 1, aggregate: 2 };

/**
 * How an expression's own kind composes with the kinds of the columns it reads: the strongest of
 * them (copy < transform < aggregate), so a copy of a CTE's aggregate is an aggregate and a CASE
 * over a copy is a transform. Columns that are constants raise nothing. Without any input column,
 * nor a column computed from rows (`count(*)`, `row_number()`: `fromRows`), it is a constant.
 */
export function compose(
  self: Computed,
  refs: readonly Derived[],
  options: { fromRows?: boolean; unresolved?: readonly string[] } = {},
): Derived {
  const inputs = new Map<string, ColumnRef>();
  const unresolved: string[] = [];
  for (const ref of refs) {
    for (const [key, input] of ref.inputs) inputs.set(key, input);
    unresolved.push(...ref.unresolved);
  }
  unresolved.push(...(options.unresolved ?? []));
  const computed = refs.flatMap((ref) => (ref.kind === 'constant' ? [] : [ref.kind]));
  const constant =
    inputs.size === 0 &&
    unresolved.length === 0 &&
    computed.length === 0 &&
    self !== 'aggregate' &&
    !options.fromRows;
  let kind: ColumnDerivation = self;
  for (const refKind of computed) if (RANK[refKind] > RANK[kind]) kind = refKind;
  return { kind: constant ? 'constant' : kind, inputs, unresolved: [...new Set(unresolved)] };
}

/**
 * One output position of a UNION: the inputs of every branch. Branches of one kind keep it; a
 * literal in one branch next to a column in another is a transform (the value is not the same
 * column's everywhere); otherwise the strongest kind.
 */
export function unionOf(branches: readonly Derived[]): Derived {
  const kinds = new Set(branches.map((branch) => branch.kind));
  const merged = compose('copy', branches);
  if (kinds.size === 1) return { ...merged, kind: [...kinds][0] as ColumnDerivation };
  if (kinds.has('constant') && merged.kind === 'copy') return { ...merged, kind: 'transform' };
  return merged;
}

/** The same column seen through a wrapper that changes its value (`t.struct_col.field`). */
export function transformed(derived: Derived): Derived {
  return compose('transform', [derived]);
}
