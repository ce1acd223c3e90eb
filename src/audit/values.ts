import type { Engine, Session } from '../engine/types.ts';

/**
 * What the audit functions run their statements on: an `Engine` (each statement on its own) or a
 * `Session` (a caller's connection or transaction, when a statement belongs to its work).
 */
export type AuditConnection = Pick<Session, 'execute' | 'query'>;

/** What a read of the audit tables needs: a warehouse to query, and its dialect for casts. */
export type AuditReader = Pick<Engine, 'query' | 'dialect'>;

/** What a write to the audit tables needs: a warehouse to write to, and its dialect for casts. */
export type AuditWriter = Pick<Engine, 'execute' | 'dialect'>;

/** Audit timestamps are UTC without a zone; callers get ISO 8601 with Z. */
export function utcIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).replace(' ', 'T');
  return /[Zz]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
}

export function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
