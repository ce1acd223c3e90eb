import { randomBytes } from 'node:crypto';

/** Sortable by start time, unique across machines: r20250314T020000Z-9f3a1c. */
export function newRunId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `r${stamp}-${randomBytes(3).toString('hex')}`;
}
