import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { Row } from '../types.ts';

const INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

/**
 * DuckDB's JSON conversion renders 64-bit integers and decimals as strings so nothing is lost.
 * Callers want numbers where a number is exact, so those become numbers; larger ones stay strings.
 */
export function normaliseValue(value: unknown, type: DuckDBType): unknown {
  if (typeof value !== 'string') return value;
  if (INTEGER_TYPES.has(type.typeId)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (type.typeId === DuckDBTypeId.DECIMAL) {
    const n = Number(value);
    return Number.isFinite(n) && String(n) === stripTrailingZeros(value) ? n : value;
  }
  return value;
}

function stripTrailingZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}

export function normaliseRows(rows: Record<string, unknown>[], names: string[], types: DuckDBType[]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    names.forEach((name, i) => {
      const type = types[i];
      out[name] = type ? normaliseValue(row[name], type) : row[name];
    });
    return out;
  });
}
