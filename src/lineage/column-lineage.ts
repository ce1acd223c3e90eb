/**
 * Column-level lineage of one model from its compiled SQL: for each column it returns, the
 * upstream columns (of the relations given) it is computed from, and how. Pure: the parser runs
 * in-process (WebAssembly), nothing is read from the warehouse or the disk.
 */
import type { OutColumn } from './derived.ts';
import { queryColumns } from './query-lineage.ts';
import { type SqlDialect, asNode, parseSql } from './sql-ast.ts';
import type { ColumnLineage, ColumnRef, LineageRelation, ModelColumnLineage } from './types.ts';

/**
 * The name of the entry listed when the model's columns are not all known (a `*` over a relation
 * whose columns are not known): it stands for the columns that could not be listed, its
 * `unresolved` says why. Callers that know the model's real columns replace it with them.
 */
export const UNKNOWN_COLUMNS = '*';

export function deriveColumnLineage(
  model: string,
  sql: string,
  dialect: SqlDialect,
  relations: readonly LineageRelation[],
): ModelColumnLineage {
  const parsed = parseSql(sql, dialect);
  if (!parsed.ok) return { model, columns: [], parseError: parsed.message };
  const statements = parsed.statements.filter((statement) => asNode(statement) !== null);
  const first = statements[0];
  if (statements.length !== 1 || first === undefined) {
    return { model, columns: [], parseError: `expected one SELECT statement, found ${statements.length}` };
  }
  let query;
  try {
    query = queryColumns(first, new Map(), null, { dialect, relations });
  } catch (error) {
    // An AST shape the walk does not expect must not take the whole project's lineage down with it.
    const message = error instanceof Error ? error.message : String(error);
    return { model, columns: [], parseError: `the lineage could not read the parsed SQL: ${message}` };
  }
  const columns = query.columns.map(columnLineage);
  if (query.incomplete) {
    columns.push({ column: UNKNOWN_COLUMNS, derivation: null, inputs: [], unresolved: query.incomplete });
  }
  return { model, columns, parseError: null };
}

function columnLineage(column: OutColumn): ColumnLineage {
  const { kind, inputs, unresolved } = column.derived;
  const refs: ColumnRef[] = [...inputs.values()].sort(
    (a, b) => compareText(a.node, b.node) || compareText(a.column, b.column),
  );
  return {
    column: column.name,
    // Nothing known of the inputs: no derivation to claim either.
    derivation: unresolved.length > 0 && refs.length === 0 ? null : kind,
    inputs: refs,
    unresolved: unresolved.length > 0 ? unresolved.join('; ') : null,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
