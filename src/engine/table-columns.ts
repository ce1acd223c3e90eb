import type { Row, TableColumns } from './types.ts';

/**
 * `listAllColumns`' rows grouped into tables: each row one column (table_schema, table_name,
 * column_name, data_type), ordered by table and then by the column's place. `typeName` turns the
 * engine's type name into the one `listColumns` gives.
 */
export function groupColumns(
  rows: readonly Row[],
  typeName: (type: string) => string = (type) => type,
): TableColumns[] {
  const tables = new Map<string, TableColumns>();
  for (const r of rows) {
    const key = JSON.stringify([r.table_schema, r.table_name]);
    let table = tables.get(key);
    if (!table) {
      table = { schema: String(r.table_schema), name: String(r.table_name), columns: [] };
      tables.set(key, table);
    }
    table.columns.push({ name: String(r.column_name), type: typeName(String(r.data_type)) });
  }
  return [...tables.values()];
}
