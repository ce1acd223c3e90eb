/** Human formatting of durations, counts and times, shared by summaries, tables and progress. */

/** 0.12s, 12.34s, 2m 05s, 1h 02m; a dash when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m ${pad2(totalSeconds % 60)}s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h ${pad2(totalMinutes % 60)}m`;
}

/** 1,234,567; a dash when unknown. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US');
}

/** "1 row", "1,234 rows". */
export function formatRows(n: number | null): string {
  if (n === null) return ''; // a view holds no rows
  return `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;
}

/** "1 task", "3 tasks". */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** HH:MM:SS in local time, the prefix of progress lines. */
export function clockTime(date: Date): string {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** An audit timestamp ("2025-01-02 03:04:05.678") shortened to the second. */
export function shortTimestamp(value: string | null | undefined): string {
  if (!value) return '–';
  return value
    .replace('T', ' ')
    .replace(/\.\d+/, '')
    .replace(/(\+00(:00)?|Z)$/, '');
}

/** A load-date window: one date, a range, an open end, or "latest" when none was given. */
export { windowText as formatWindow } from '../../index.ts';

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
