/** How one warehouse value is shown in a table on a terminal (JSON and CSV: api/result-values.ts). */
import { textValue } from '../../api/result-values.ts';

/** A table cell: NULL for null, control characters made visible so rows stay on one line. */
export function tableCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return textValue(value).replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

export function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint';
}
