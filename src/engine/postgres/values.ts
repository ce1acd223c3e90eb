import pg from 'pg';

/**
 * How PostgreSQL values come back to Node, aligned with what the DuckDB adapter returns so that
 * callers (and tests) see one shape whatever the engine: 64-bit integers and decimals as numbers
 * when the number is exact (else the text), dates and timestamps as their ISO text
 * ('2025-01-02', '2025-01-02 03:04:05.678'; sessions run in UTC), JSON as its text.
 */
const OID = {
  int8: 20,
  numeric: 1700,
  json: 114,
  jsonb: 3802,
  date: 1082,
  time: 1083,
  timetz: 1266,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
} as const;

const asText = (value: string): string => value;

function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

function parseNumeric(value: string): number | string {
  const n = Number(value);
  return Number.isFinite(n) && String(n) === stripTrailingZeros(value) ? n : value;
}

function stripTrailingZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}

const TEXT_TYPES = new Set<number>([
  OID.json,
  OID.jsonb,
  OID.date,
  OID.time,
  OID.timetz,
  OID.timestamp,
  OID.timestamptz,
  OID.interval,
]);

export const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    if (oid === OID.int8) return parseInt8;
    if (oid === OID.numeric) return parseNumeric;
    if (TEXT_TYPES.has(oid)) return asText;
    return pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
