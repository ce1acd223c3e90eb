import { StrataError, causeMessage } from '../../errors/strata-error.ts';

/**
 * Driver errors, with credentials scrubbed: a password never reaches a message, a log or the
 * audit tables, whatever the driver or the server put in the text.
 */
export class PostgresDriverError extends Error {
  /** SQLSTATE, or the Node error code (ECONNRESET, ...). */
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, code?: string, detail?: string, hint?: string) {
    super(message);
    this.name = 'PostgresDriverError';
    this.code = code;
    this.detail = detail;
    this.hint = hint;
  }
}

/** Replaces the password of URLs in a text, and a known password wherever it appears. */
export function scrubber(password: string | undefined): (text: string) => string {
  return (text: string) => {
    let out = text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
    out = out.replace(/(password\s*=\s*)\S+/gi, '$1***');
    if (password && password.length >= 3) out = out.split(password).join('***');
    return out;
  };
}

/** The driver's error, with its SQLSTATE kept and its texts scrubbed. */
export function driverError(error: unknown, scrub: (text: string) => string): PostgresDriverError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    detail?: unknown;
    hint?: unknown;
  };
  const text = (value: unknown) => (typeof value === 'string' ? scrub(value) : undefined);
  return new PostgresDriverError(
    scrub(causeMessage(error) ?? 'unknown PostgreSQL error'),
    typeof e.code === 'string' ? e.code : undefined,
    text(e.detail),
    text(e.hint),
  );
}

/** SQLSTATEs a retry may cure: serialization failures, deadlocks, lost connections, shutdowns. */
const TRANSIENT_STATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300', '53400']);
const TRANSIENT_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /connection.*(closed|lost)/i,
  /terminating connection/i,
];

export function isTransientPostgres(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof StrataError && current.transient) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TRANSIENT_STATES.has(code) || code.startsWith('08') || TRANSIENT_NODE_CODES.has(code)) return true;
    }
    const message = causeMessage(current) ?? '';
    if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A failed statement as strata reports it: the SQL, the scrubbed driver error, retryable or not. */
export function sqlError(sql: string, error: unknown, scrub: (text: string) => string): StrataError {
  if (error instanceof StrataError) return error;
  const cause = driverError(error, scrub);
  const cancelled = cause.code === '57014';
  const detail = cause.detail ? ` (${cause.detail})` : '';
  return new StrataError(
    cancelled ? 'QUERY_CANCELLED' : 'SQL_FAILED',
    `${firstLine(cause.message)}${detail}`,
    {
      // The statement too: a URL or password typed into a query must not come back in its error.
      sql: scrub(sql),
      cause,
      transient: isTransientPostgres(cause),
      ...(cause.hint ? { hint: cause.hint } : {}),
    },
  );
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
