/** UTC wall-clock time as 'YYYY-MM-DD HH:MM:SS.mmm', which both engines cast to TIMESTAMP. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
