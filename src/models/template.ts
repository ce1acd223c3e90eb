import { StrataError } from '../errors/strata-error.ts';
import type { Reference, Segment } from './types.ts';

/**
 * The template language of a model body is deliberately tiny — SQL stays SQL:
 *   {{ ref('model') }}   another model or seed (gives the DAG edge)
 *   {{ this }}           the model's own table
 *   {{ date_from }}      first load date of the run, as a DATE parameter
 *   {{ date_to }}        last load date of the run, as a DATE parameter
 */
const EXPRESSION = /\{\{\s*([\s\S]*?)\s*\}\}/g;
const REF = /^ref\(\s*(?:'([^']*)'|"([^"]*)")\s*\)$/;

export interface ParsedTemplate {
  segments: Segment[];
  refs: Reference[];
  problems: StrataError[];
}

export function parseTemplate(body: string, bodyLine: number, file: string): ParsedTemplate {
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
