import { type DiagnosticCode, diagnosticCodes } from './codes.ts';

/** Where a problem is: any subset of file, line, model and field. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  model?: string;
  field?: string;
}

export interface StrataErrorOptions extends Location {
  hint?: string;
  sql?: string;
  cause?: unknown;
  /** A transient failure may succeed when retried (lock conflicts, dropped connections). */
  transient?: boolean;
}

/** The one error type strata raises on purpose. Anything else reaching the CLI is a bug. */
export class StrataError extends Error {
  readonly code: DiagnosticCode;
  readonly hint: string | undefined;
  readonly sql: string | undefined;
  readonly transient: boolean;
  readonly location: Location;

  constructor(code: DiagnosticCode, message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.hint = options.hint;
    this.sql = options.sql;
    this.transient = options.transient ?? false;
    const { file, line, column, model, field } = options;
    this.location = stripUndefined({ file, line, column, model, field });
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** Several problems found together — a project's definitions are checked in one pass. */
export class StrataAggregateError extends StrataError {
  readonly problems: readonly StrataError[];

  constructor(code: DiagnosticCode, problems: readonly StrataError[], summary?: string) {
    const count = problems.length;
    super(code, summary ?? `${count} problem${count === 1 ? '' : 's'} in the project definition`, {
      hint: 'Fix every problem listed; they were all found in one pass.',
    });
    this.problems = problems;
  }
}

export interface SerializedError {
  code: string;
  message: string;
  description?: string;
  location?: Location;
  hint?: string;
  sql?: string;
  cause?: string;
  problems?: SerializedError[];
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof StrataError) {
    const out: SerializedError = {
      code: error.code,
      message: error.message,
      description: diagnosticCodes[error.code],
    };
    if (Object.keys(error.location).length > 0) out.location = error.location;
    if (error.hint) out.hint = error.hint;
    if (error.sql) out.sql = error.sql;
    const cause = causeMessage(error.cause);
    if (cause) out.cause = cause;
    if (error instanceof StrataAggregateError) out.problems = error.problems.map(serializeError);
    return out;
  }
  return { code: 'INTERNAL', message: causeMessage(error) ?? 'unknown error' };
}

export function causeMessage(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/** Wraps anything thrown into a StrataError, keeping a StrataError as it is. */
export function toStrataError(error: unknown, fallback: DiagnosticCode = 'INTERNAL'): StrataError {
  if (error instanceof StrataError) return error;
  return new StrataError(fallback, causeMessage(error) ?? 'unknown error', { cause: error });
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
