/**
 * How one warehouse value leaves strata: as JSON (the CLI's json output, the dashboards' API)
 * and as CSV text. Numbers stay numbers, strings stay strings, lists and structs become JSON
 * text outside JSON.
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

/**
 * CSV with RFC 4180 quoting: a field is quoted when it holds a comma, a double quote, a CR or an LF
 * (or starts/ends with a space), and quotes inside are doubled. Null is an empty field. Records
 * end with LF, which every CSV reader accepts.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = textValue(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
