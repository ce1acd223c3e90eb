import { StrataError } from '../errors/strata-error.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export function assertIsoDate(value: string, what = 'date'): string {
  if (!isIsoDate(value)) {
    throw new StrataError('DATE_INVALID', `${what} ${JSON.stringify(value)} is not a valid date`, {
      hint: 'Write dates as YYYY-MM-DD, e.g. 2025-03-14.',
    });
  }
  return value;
}

/**
 * Dates reach SQL as typed literals, not parameters, because they also appear in view definitions,
 * which cannot take parameters. The strict calendar check above is what makes this safe.
 */
export function dateLiteral(value: string): string {
  return `DATE '${assertIsoDate(value)}'`;
}

export function addDays(iso: string, days: number): string {
  const date = new Date(`${assertIsoDate(iso)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A window of load dates as strata writes it: 2025-07-01, 2025-07-01..2025-07-03, an open end (2025-07-01..), or latest. */
export function windowText(from: string | null | undefined, to: string | null | undefined): string {
  if (!from && !to) return 'latest';
  if (from && to) return from === to ? from : `${from}..${to}`;
  return from ? `${from}..` : `..${to}`;
}
