import { StrataError } from '../errors/strata-error.ts';
import { addDays, assertIsoDate } from '../time/dates.ts';
import { newRunId } from './run-id.ts';

/** The longest range one backfill takes: ten years of days. */
export const MAX_BACKFILL_DAYS = 3660;

/** One chunk of a backfill: consecutive load dates run as one pipeline run. */
export interface ChunkRange {
  from: string;
  to: string;
}

/** What starts a new backfill, or takes one up again. */
export interface BackfillOptions {
  from?: string;
  to?: string;
  /** Consecutive dates per chunk (default 1). */
  chunkDays?: number;
  select?: string[];
  /** true: the newest backfill that did not succeed; a string: that backfill. */
  resume?: string | boolean;
}

/**
 * A new backfill's range checked: both ends given and valid, in order, and not longer than
 * MAX_BACKFILL_DAYS; or, with `resume`, none of the options that define a backfill (its range,
 * chunks and selection come from the ledger).
 */
export function validateBackfill(options: BackfillOptions): void {
  if (options.resume !== undefined && options.resume !== false) {
    const given = [
      options.from !== undefined && '--from',
      options.to !== undefined && '--to',
      options.chunkDays !== undefined && '--chunk',
      options.select !== undefined && options.select.length > 0 && '--select',
    ].filter((o): o is string => o !== false);
    if (given.length > 0) {
      throw new StrataError('USAGE', `--resume cannot be combined with ${given.join(', ')}`, {
        hint: 'A resumed backfill keeps the range, chunks and selection it was started with; pass --resume alone (--concurrency may be given).',
      });
    }
    return;
  }
  if (options.from === undefined || options.to === undefined) {
    throw new StrataError('USAGE', 'strata backfill needs --from and --to (or --resume)', {
      hint: 'For example: strata backfill --from 2025-01-01 --to 2025-01-31',
    });
  }
  const from = assertIsoDate(options.from, '--from');
  const to = assertIsoDate(options.to, '--to');
  if (from > to) {
    throw new StrataError('DATE_INVALID', `--from ${from} is after --to ${to}`, {
      hint: 'Swap the two dates.',
    });
  }
  const days = daysBetween(from, to) + 1;
  if (days > MAX_BACKFILL_DAYS) {
    throw new StrataError(
      'BACKFILL_RANGE_TOO_LONG',
      `${from}..${to} spans ${days} days; a backfill takes at most ${MAX_BACKFILL_DAYS}`,
      {
        hint: `Backfill it in parts: first --from ${from} --to ${addDays(from, MAX_BACKFILL_DAYS - 1)}, then from ${addDays(from, MAX_BACKFILL_DAYS)}.`,
      },
    );
  }
  if (options.chunkDays !== undefined && (!Number.isInteger(options.chunkDays) || options.chunkDays < 1)) {
    throw new StrataError(
      'USAGE',
      `--chunk must be a whole number of days, 1 or more (got ${options.chunkDays})`,
      {
        hint: 'For example --chunk 7 runs a week per run.',
      },
    );
  }
}

/** from..to as chunks of `days` consecutive dates, in date order; the last may be shorter. */
export function chunkRange(from: string, to: string, days: number): ChunkRange[] {
  const chunks: ChunkRange[] = [];
  // Bounded by MAX_BACKFILL_DAYS (validateBackfill): at most that many chunks.
  for (let start = from; start <= to; start = addDays(start, days)) {
    const end = addDays(start, days - 1);
    chunks.push({ from: start, to: end < to ? end : to });
  }
  return chunks;
}

/** Sortable by start time like a run id: b20250314T020000Z-9f3a1c. */
export function newBackfillId(now: Date): string {
  return `b${newRunId(now).slice(1)}`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
