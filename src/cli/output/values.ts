/**
 * How one warehouse value is shown in each output format. Numbers stay numbers, strings stay
 * strings, lists and structs become JSON text outside JSON output.
 */

/** A value as JSON can carry it: bigints become numbers when exact, strings otherwise. */
export function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** Text of a value for CSV and tables; null is left to the caller (empty or NULL). */
export function textValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_key, v: unknown) => jsonValue(v));
}

/** A table cell: NULL for null, control characters made visible so rows stay on one line. */
export function tableCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return textValue(value).replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

export function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint';
}
