/**
 * What kind of value a result column holds, from its type name as either engine spells it
 * (`ColumnInfo.type`: DuckDB's DECIMAL(18,2), TIMESTAMP WITH TIME ZONE; PostgreSQL's NUMERIC(18,2),
 * TIMESTAMP WITHOUT TIME ZONE), for writers that type their cells (an XLSX export). Pure.
 */
export type ColumnKind = 'integer' | 'decimal' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text';

const INTEGER =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT[248])$/;
const DECIMAL = /^(DECIMAL|NUMERIC)(\(\s*\d+\s*,\s*\d+\s*\))?$/;
const FLOAT = /^(DOUBLE|DOUBLE PRECISION|FLOAT|REAL|FLOAT[48])$/;
const TIMESTAMP =
  /^(TIMESTAMP(\(\d\))?( WITH(OUT)? TIME ZONE)?|TIMESTAMPTZ|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|DATETIME)$/;

export function columnKind(type: string): ColumnKind {
  const t = type.trim().toUpperCase();
  if (INTEGER.test(t)) return 'integer';
  if (DECIMAL.test(t)) return 'decimal';
  if (FLOAT.test(t)) return 'float';
  if (t === 'BOOLEAN' || t === 'BOOL') return 'boolean';
  if (t === 'DATE') return 'date';
  if (TIMESTAMP.test(t)) return 'timestamp';
  return 'text';
}
