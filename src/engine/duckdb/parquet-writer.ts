import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface ParquetColumn {
  name: string;
  /** A DuckDB type name, e.g. VARCHAR, DECIMAL(12,2), TIMESTAMP. */
  type: string;
}

/**
 * Writes Parquet files with DuckDB's own writer, for code outside the engines that produces files
 * (the data generator). One thread and one conversion at a time, so that a file's bytes depend on
 * its input alone; the driver is loaded on first use.
 */
export class ParquetWriter {
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** Converts a CSV file with a header row and `columns` in that order into a Parquet file. */
  fromCsv(csvPath: string, columns: readonly ParquetColumn[], target: string): Promise<void> {
    const types = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
    const sql =
      `COPY (SELECT * FROM read_csv(${sqlString(csvPath)}, header = true, auto_detect = false, delim = ',', ` +
      `quote = '"', escape = '"', columns = {${types}})) ` +
      `TO ${sqlString(target)} (FORMAT parquet, COMPRESSION snappy)`;
    const next = this.queue.then(async () => {
      await (await this.connect()).run(sql);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
  }

  private async connect(): Promise<DuckDBConnection> {
    if (!this.connection) {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      this.instance = await DuckDBInstance.create(':memory:', { threads: '1' });
      this.connection = await this.instance.connect();
    }
    return this.connection;
  }
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
