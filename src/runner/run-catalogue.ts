import type { Engine, TableInfo } from '../engine/types.ts';

/**
 * The warehouse's tables as the run found them, read once for the whole run instead of once per
 * model. A task only asks about its own target, which no other task of the run writes, so the
 * answer read before the tasks started stays true until that task runs.
 */
export class RunCatalogue {
  private listed: Promise<TableInfo[]> | undefined;

  constructor(private readonly engine: Pick<Engine, 'listTables'>) {}

  /** Every table and view of the warehouse (one statement per run). */
  tables(): Promise<TableInfo[]> {
    this.listed ??= this.engine.listTables();
    return this.listed;
  }

  /** The table or view of that name, as the run started. */
  async find(schema: string, name: string): Promise<TableInfo | undefined> {
    return (await this.tables()).find((t) => t.schema === schema && t.name === name);
  }
}
