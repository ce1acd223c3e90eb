import { describe, expect, it } from 'vitest';
import type { ColumnInfo, TableColumns, TableInfo, TableRef } from '../engine/types.ts';
import { RunCatalogue } from './run-catalogue.ts';

/** A warehouse that counts what it is asked. */
function warehouse(tables: TableInfo[], columns: TableColumns[]) {
  const asked = { listTables: 0, listAllColumns: 0, listColumns: [] as TableRef[] };
  return {
    asked,
    engine: {
      listTables: () => {
        asked.listTables += 1;
        return Promise.resolve(tables);
      },
      listAllColumns: () => {
        asked.listAllColumns += 1;
        return Promise.resolve(columns);
      },
      listColumns: (table: TableRef): Promise<ColumnInfo[]> => {
        asked.listColumns.push(table);
        return Promise.resolve([{ name: 'id', type: 'BIGINT' }]);
      },
    },
  };
}

describe('RunCatalogue', () => {
  it('lists the tables and their columns once for the run', async () => {
    const { engine, asked } = warehouse(
      [{ schema: 'raw', name: 'orders', kind: 'table' }],
      [{ schema: 'raw', name: 'orders', columns: [{ name: 'record', type: 'JSON' }] }],
    );
    const catalogue = new RunCatalogue(engine);
    expect(await catalogue.find('raw', 'orders')).toEqual({ schema: 'raw', name: 'orders', kind: 'table' });
    expect(await catalogue.find('raw', 'customers')).toBeUndefined();
    expect(await catalogue.columns({ schema: 'raw', name: 'orders' })).toEqual([
      { name: 'record', type: 'JSON' },
    ]);
    expect(await catalogue.columns({ schema: 'raw', name: 'customers' })).toEqual([]);
    expect(asked).toEqual({ listTables: 1, listAllColumns: 1, listColumns: [] });
  });

  it('finds a table a task created during the run, and asks the warehouse for its columns', async () => {
    const { engine, asked } = warehouse([{ schema: 'raw', name: 'orders', kind: 'table' }], []);
    const catalogue = new RunCatalogue(engine);
    expect(await catalogue.find('staging', 'orders')).toBeUndefined();
    catalogue.learn({ schema: 'staging', name: 'orders', kind: 'table' });
    catalogue.learn({ schema: 'raw', name: 'orders', kind: 'table' });
    expect(await catalogue.find('staging', 'orders')).toEqual({
      schema: 'staging',
      name: 'orders',
      kind: 'table',
    });
    expect(await catalogue.tablesIn('raw')).toHaveLength(1);
    expect(await catalogue.columns({ schema: 'staging', name: 'orders' })).toEqual([
      { name: 'id', type: 'BIGINT' },
    ]);
    expect(asked.listTables).toBe(1);
    expect(asked.listColumns).toEqual([{ schema: 'staging', name: 'orders' }]);
  });
});
