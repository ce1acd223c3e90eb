/**
 * Audit values as JavaScript sees them from either engine: DuckDB gives numbers (or strings when
 * above 2^53), PostgreSQL's driver gives bigint and numeric columns as strings.
 */
export function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function toText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** Numbers as people read them in a message: thousands separated, at most one decimal. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}
