import { StrataError } from '../errors/strata-error.ts';
import type { InputPart, QuerySegment } from './types.ts';

/**
 * A page query's template language, as small as a model's:
 *   {{ ref('model') }}                 a model or seed (the page follows the DAG)
 *   {{ inputs.channel }}               a dropdown's value, a bound text parameter
 *   {{ inputs.period.from }}           a date range's bound (from, to, previous_from, previous_to)
 */
const EXPRESSION = /\{\{\s*([\s\S]*?)\s*\}\}/g;
const REF = /^ref\(\s*(?:'([^']*)'|"([^"]*)")\s*\)$/;
const INPUT = /^inputs\.([A-Za-z_][A-Za-z0-9_]*)(?:\.([a-z_]+))?$/;
const PARTS: readonly InputPart[] = ['from', 'to', 'previous_from', 'previous_to'];

export function parseQueryTemplate(
  sql: string,
  firstLine: number,
  file: string,
): { segments: QuerySegment[]; problems: StrataError[] } {
  const segments: QuerySegment[] = [];
  const problems: StrataError[] = [];
  let last = 0;
  for (const match of sql.matchAll(EXPRESSION)) {
    if (match.index > last) segments.push({ kind: 'text', text: sql.slice(last, match.index) });
    last = match.index + match[0].length;
    const line = firstLine + countNewlines(sql.slice(0, match.index));
    const expression = (match[1] ?? '').trim();
    const ref = REF.exec(expression);
    const input = INPUT.exec(expression);
    if (ref) {
      segments.push({ kind: 'ref', name: ref[1] ?? ref[2] ?? '', line });
    } else if (input && (input[2] === undefined || isPart(input[2]))) {
      segments.push({
        kind: 'input',
        input: input[1] ?? '',
        ...(input[2] === undefined ? {} : { part: input[2] }),
        line,
      });
    } else {
      problems.push(
        new StrataError('TEMPLATE_UNKNOWN', `unknown template expression {{ ${expression} }}`, {
          file,
          line,
          hint: "Use {{ ref('model') }}, {{ inputs.<name> }} or {{ inputs.<name>.from|to|previous_from|previous_to }}.",
        }),
      );
    }
  }
  if (last < sql.length) segments.push({ kind: 'text', text: sql.slice(last) });
  return { segments, problems };
}

function isPart(value: string): value is InputPart {
  return (PARTS as readonly string[]).includes(value);
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count += 1;
  return count;
}
