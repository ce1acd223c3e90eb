import type { ColumnInfo, Engine, TableInfo, TableRef } from '../engine/types.ts';

/**
 * The warehouse's tables and their columns as the run found them, each read once for the whole
 * run (one statement each) instead of once per model. A task only asks about its own tables (a
 * model its target and the keys captured beside it before the run, touched-keys.ts; a source its
 * raw and staging tables), which no other task of the run writes, so an answer read before that
 * task started stays true until it runs — the columns included, though they are read when the
 * first task asks. A task that creates a table and keeps it even when it fails (a source's raw
 * table) tells the catalogue (`learn`), so its next attempt finds it.
 */
export class RunCatalogue implements WarehouseLookup {
  private listed: Promise<TableInfo[]> | undefined;
  private columnsListed: Promise<Map<string, ColumnInfo[]>> | undefined;
  /** Tables created during the run: their columns are asked of the warehouse. */
  private readonly learnt = new Set<string>();

  constructor(private readonly engine: Pick<Engine, 'listTables' | 'listAllColumns' | 'listColumns'>) {}

  /** Every table and view of the warehouse (one statement per run). */
  tables(): Promise<TableInfo[]> {
    this.listed ??= this.engine.listTables();
    return this.listed;
  }

  /** The table or view of that name, as the run started. */
  async find(schema: string, name: string): Promise<TableInfo | undefined> {
    return (await this.tables()).find((t) => t.schema === schema && t.name === name);
  }

  async tablesIn(schema: string): Promise<TableInfo[]> {
    return (await this.tables()).filter((t) => t.schema === schema);
  }

  /** A table a task created during the run: later questions find it. */
  learn(table: TableInfo): void {
    const listed = this.tables();
    this.learnt.add(tableKey(table));
    this.listed = listed.then((tables) =>
      tables.some((t) => t.schema === table.schema && t.name === table.name) ? tables : [...tables, table],
    );
  }

  /** A table's columns in order (none for a table the run did not find). */
  async columns(table: TableRef): Promise<ColumnInfo[]> {
    if (this.learnt.has(tableKey(table))) return this.engine.listColumns(table);
    this.columnsListed ??= this.engine
      .listAllColumns()
      .then((all) => new Map(all.map((t) => [tableKey(t), t.columns])));
    return (await this.columnsListed).get(tableKey(table)) ?? [];
  }
}

/** What a task asks of the warehouse's catalogue: the run's, or the engine directly outside a run. */
export interface WarehouseLookup {
  find(schema: string, name: string): Promise<TableInfo | undefined>;
  tablesIn(schema: string): Promise<TableInfo[]>;
  columns(table: TableRef): Promise<ColumnInfo[]>;
}

/** The run's catalogue when there is one, otherwise the engine asked each time. */
export function warehouseLookup(engine: Engine, catalogue?: RunCatalogue): WarehouseLookup {
  if (catalogue) return catalogue;
  return {
    find: async (schema, name) => (await engine.listTables(schema)).find((t) => t.name === name),
    tablesIn: (schema) => engine.listTables(schema),
    columns: (table) => engine.listColumns(table),
  };
}

function tableKey(table: TableRef): string {
  return JSON.stringify([table.schema, table.name]);
}
