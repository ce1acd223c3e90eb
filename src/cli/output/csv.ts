import { textValue } from './values.ts';

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
