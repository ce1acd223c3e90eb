import { StrataError } from '../errors/strata-error.ts';
import type { Reference, Segment } from './types.ts';

/**
 * The template language of a model body is deliberately tiny — SQL stays SQL:
 *   {{ ref('model') }}   another model or seed (gives the DAG edge)
 *   {{ this }}           the model's own table
 *   {{ date_from }}      first load date of the run, as a DATE parameter
 *   {{ date_to }}        last load date of the run, as a DATE parameter
 *   {{ touched }}        incremental by key: the distinct keys the run touched, a relation to alias
 *                        (only in a model whose header declares `touched`)
 */
const EXPRESSION = /\{\{\s*([\s\S]*?)\s*\}\}/g;
const REF = /^ref\(\s*(?:'([^']*)'|"([^"]*)")\s*\)$/;

export interface ParsedTemplate {
  segments: Segment[];
  refs: Reference[];
  problems: StrataError[];
}

/**
 * Where `{{ touched }}` may appear: in the body of a model that declares `touched` ('allowed'),
 * not in any other model or check ('undeclared'), nor in the touched SELECT itself ('inside').
 */
export type TouchedUse = 'allowed' | 'undeclared' | 'inside';

export function parseTemplate(
  body: string,
  bodyLine: number,
  file: string,
  touched: TouchedUse = 'undeclared',
): ParsedTemplate {
  const segments: Segment[] = [];
  const refs: Reference[] = [];
  const problems: StrataError[] = [];
  let last = 0;
  for (const match of body.matchAll(EXPRESSION)) {
    const start = match.index;
    if (start > last) segments.push({ kind: 'text', text: body.slice(last, start) });
    last = start + match[0].length;
    const { line, column } = positionOf(body, start, bodyLine);
    const expression = (match[1] ?? '').trim();
    const ref = REF.exec(expression);
    if (ref) {
      const name = ref[1] ?? ref[2] ?? '';
      refs.push({ name, line, column });
      segments.push({ kind: 'ref', name, line });
    } else if (expression === 'this' || expression === 'date_from' || expression === 'date_to') {
      segments.push({ kind: expression });
    } else if (expression === 'touched' && touched === 'allowed') {
      segments.push({ kind: 'touched' });
    } else if (expression === 'touched') {
      problems.push(
        new StrataError(
          'TEMPLATE_UNKNOWN',
          touched === 'inside'
            ? '{{ touched }} cannot be used inside the touched SELECT itself'
            : '{{ touched }} needs a touched SELECT in the model header',
          {
            file,
            line,
            column,
            hint:
              touched === 'inside'
                ? 'The touched SELECT returns the keys; read the upstream tables with {{ ref(...) }}.'
                : 'Declare materialized: incremental with unique_key and touched: <a SELECT of the keys a run touched>.',
          },
        ),
      );
    } else {
      problems.push(
        new StrataError('TEMPLATE_UNKNOWN', `unknown template expression {{ ${expression} }}`, {
          file,
          line,
          column,
          hint: "Use {{ ref('model') }}, {{ this }}, {{ date_from }} or {{ date_to }}.",
        }),
      );
    }
  }
  if (last < body.length) segments.push({ kind: 'text', text: body.slice(last) });
  return { segments, refs, problems };
}

function positionOf(text: string, offset: number, firstLine: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: firstLine + lines.length - 1, column: (lines.at(-1)?.length ?? 0) + 1 };
}
