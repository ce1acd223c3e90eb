import type { Dialect, TableRef } from '../engine/types.ts';
import type { ModelNode, Segment } from '../models/types.ts';
import { dateLiteral } from '../time/dates.ts';

/** The run's load dates as seen by {{ date_from }} and {{ date_to }}; open ends use the extremes. */
export interface DateWindow {
  from?: string;
  to?: string;
}

export const OPEN_FROM = '0001-01-01';
export const OPEN_TO = '9999-12-31';

export interface SelectContext {
  dialect: Dialect;
  /** Where a referenced model or seed lives. */
  resolve: (name: string) => TableRef;
  dates: DateWindow;
  /**
   * What `{{ touched }}` renders as (incremental by key): a relation of the touched keys. Unset, it
   * is the distinct keys of the model's touched SELECT over `dates` (checks, docs, lineage,
   * describing the columns).
   */
  touched?: string;
}

/** Renders a model's body to a plain SELECT that can be nested as a subquery. */
export function renderSelect(model: ModelNode, context: SelectContext): string {
  const touched = context.touched ?? (model.touched ? touchedRelation(model, context) : undefined);
  return renderSegments(model.segments, { ...context, touched }, model.target);
}

/**
 * `{{ touched }}` as the touched SELECT over the context's dates: its distinct keys, the same
 * relation the temporary table of keys is in an incremental run.
 */
export function touchedRelation(model: ModelNode, context: SelectContext): string {
  const keys = model.config.uniqueKey.map((k) => context.dialect.quoteIdentifier(k)).join(', ');
  return `(SELECT DISTINCT ${keys} FROM (\n${renderTouched(model, context)}\n) AS strata_touched)`;
}

/** An incremental-by-key model's touched SELECT over the context's dates (empty for other models). */
export function renderTouched(model: ModelNode, context: SelectContext): string {
  return renderSegments(model.touched ?? [], context, model.target);
}

/** Renders template segments (a model's body, a check's SQL); `self` is what {{ this }} means. */
export function renderSegments(segments: readonly Segment[], context: SelectContext, self: TableRef): string {
  const { dialect, resolve, dates } = context;
  const sql = segments
    .map((segment) => {
      switch (segment.kind) {
        case 'text':
          return segment.text;
        case 'ref':
          return dialect.qualify(resolve(segment.name));
        case 'this':
          return dialect.qualify(self);
        case 'date_from':
          return dateLiteral(dates.from ?? OPEN_FROM);
        case 'date_to':
          return dateLiteral(dates.to ?? OPEN_TO);
        case 'touched':
          // The parser allows {{ touched }} only where a touched SELECT is declared.
          if (context.touched === undefined) throw new Error('{{ touched }} rendered without its keys');
          return context.touched;
      }
    })
    .join('');
  return stripTrailingSemicolons(sql);
}

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** `(select) AS alias`, with the closing parenthesis on its own line so a trailing -- comment cannot swallow it. */
export function subquery(selectSql: string, alias: string): string {
  return `(\n${selectSql}\n) AS ${alias}`;
}
