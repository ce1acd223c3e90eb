import type { Dialect, SqlValue, Statement, TableRef } from '../engine/types.ts';
import type { DashboardQuery, InputPart } from './types.ts';

/** An input's values for one request; the dates are YYYY-MM-DD. */
export type InputValue =
  | { kind: 'date_range'; from: string; to: string; previous_from: string; previous_to: string }
  | { kind: 'dropdown'; value: string | null };

export interface QueryContext {
  dialect: Dialect;
  /** Where a referenced model or seed lives. */
  resolve: (name: string) => TableRef;
  inputs: ReadonlyMap<string, InputValue>;
}

/**
 * A page query as one statement: refs become qualified names, and every input a typed, bound
 * parameter (`CAST($1 AS DATE)`), so an input's value never becomes SQL. The same input used twice
 * binds one parameter.
 */
export function renderQuery(query: DashboardQuery, context: QueryContext): Statement {
  const params: SqlValue[] = [];
  const placeholders = new Map<string, string>();
  const placeholder = (key: string, value: SqlValue, type: string) => {
    const known = placeholders.get(key);
    if (known) return known;
    params.push(value);
    const text = `CAST($${params.length} AS ${type})`;
    placeholders.set(key, text);
    return text;
  };
  const sql = query.segments
    .map((segment) => {
      switch (segment.kind) {
        case 'text':
          return segment.text;
        case 'ref':
          return context.dialect.qualify(context.resolve(segment.name));
        case 'input': {
          const value = context.inputs.get(segment.input);
          if (!value)
            throw new Error(`input ${segment.input} has no value (validated pages bind every input)`);
          if (value.kind === 'dropdown') {
            return placeholder(segment.input, value.value, context.dialect.type('text'));
          }
          const part: InputPart = segment.part ?? 'from';
          return placeholder(`${segment.input}.${part}`, value[part], context.dialect.type('date'));
        }
      }
    })
    .join('');
  return { sql: sql.replace(/[\s;]+$/, ''), params };
}

/** A page query's result, paged and sorted by one of its columns, as a SELECT around it. */
export function pagedQuery(
  statement: Statement,
  dialect: Dialect,
  page: { limit: number; offset: number; sort?: { column: string; descending: boolean } },
): Statement {
  const order = page.sort
    ? ` ORDER BY ${dialect.quoteIdentifier(page.sort.column)} ${page.sort.descending ? 'DESC' : 'ASC'} NULLS LAST`
    : '';
  return {
    sql: `SELECT * FROM (\n${statement.sql}\n) AS page_query${order} LIMIT ${page.limit} OFFSET ${page.offset}`,
    ...(statement.params ? { params: statement.params } : {}),
  };
}

/** The number of rows a page query gives. */
export function countQuery(statement: Statement): Statement {
  return {
    sql: `SELECT count(*) AS total FROM (\n${statement.sql}\n) AS page_query`,
    ...(statement.params ? { params: statement.params } : {}),
  };
}
