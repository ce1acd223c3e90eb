import type { SerializedError } from '../../index.ts';
import { StrataError, serializeError } from '../../index.ts';
import { toJsonLine } from './json.ts';

/**
 * An error as the terminal shows it:
 *
 *   error[REF_UNKNOWN]: ref('nope') names no model, seed or source
 *     --> models/marts/a.sql:3:8
 *     hint: ...
 *     cause: ...
 *
 * An aggregate lists each of its problems the same way, indented. Anything that is not a
 * StrataError is a bug in strata and is shown with its stack.
 */
export function formatError(error: unknown): string {
  if (error instanceof StrataError) {
    const text = formatSerialized(serializeError(error), '');
    // An unexpected error wrapped as INTERNAL still deserves its stack.
    const stack = error.code === 'INTERNAL' && error.cause instanceof Error ? error.cause.stack : undefined;
    return stack ? `${text}${indent(stack, '  ')}\n` : text;
  }
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return (
    `error[INTERNAL]: an unexpected internal error — this is a bug in strata\n` +
    `${indent(stack, '  ')}\n` +
    `  hint: Please report it with the command you ran and the output above.\n`
  );
}

/** The one JSON line an error becomes with --log-format json. */
export function formatErrorJson(error: unknown): string {
  if (error instanceof StrataError) return toJsonLine(serializeError(error));
  const serialized = serializeError(error);
  return toJsonLine(
    error instanceof Error && error.stack ? { ...serialized, stack: error.stack } : serialized,
  );
}

function formatSerialized(error: SerializedError, prefix: string): string {
  let out = `${prefix}error[${error.code}]: ${error.message}\n`;
  const where = locationText(error);
  if (where) out += `${prefix}  --> ${where}\n`;
  for (const problem of error.problems ?? []) out += formatSerialized(problem, `${prefix}  `);
  if (error.hint) out += `${prefix}  hint: ${error.hint}\n`;
  out += causeText(error, `${prefix}  `);
  if (error.sql) out += `${prefix}  sql: ${oneLine(error.sql)}\n`;
  return out;
}

/**
 * The cause, unless it only repeats the message. Drivers often put the message first and the
 * detail after it (DuckDB's "LINE 1: ... ^"); then only the detail is shown, its layout kept.
 */
function causeText(error: SerializedError, prefix: string): string {
  const cause = error.cause?.trimEnd();
  if (!cause || cause === error.message) return '';
  const detail = cause.startsWith(error.message)
    ? cause.slice(error.message.length).replace(/^\s*\n/, '')
    : '';
  if (detail)
    return detail
      .split('\n')
      .map((line) => `${prefix}${line}`.trimEnd() + '\n')
      .join('');
  const [first, ...rest] = cause.split('\n');
  return (
    [`${prefix}cause: ${first}`, ...rest.map((line) => `${prefix}  ${line}`.trimEnd())].join('\n') + '\n'
  );
}

/** file:line:column, else the model or field it concerns. */
export function locationText(error: Pick<SerializedError, 'location'>): string {
  const { file, line, column, model, field } = error.location ?? {};
  if (file) {
    const position = `${file}${line ? `:${line}` : ''}${line && column ? `:${column}` : ''}`;
    return field ? `${position} (${field})` : position;
  }
  if (model) return field ? `${model}.${field}` : model;
  return field ?? '';
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}
