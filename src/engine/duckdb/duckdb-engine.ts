import { groupColumns } from '../table-columns.ts';
import { TransactionState } from '../transaction.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance, type DuckDBMaterializedResult, StatementType } from '@duckdb/node-api';
import { StrataError, causeMessage } from '../../errors/strata-error.ts';
import type {
  BulkLoadRequest,
  Capabilities,
  ColumnInfo,
  Engine,
  ExecResult,
  ExportTarget,
  QueryResult,
  PreparedRawLoads,
  RawLoadRequest,
  RawLoadResult,
  RowBatch,
  RunLock,
  Session,
  SqlValue,
  Statement,
  StatementStats,
  TableColumns,
  TableInfo,
  TableRef,
} from '../types.ts';
import { duckDbMemorySettings } from './memory-budget.ts';
import { duckdbDialect } from './dialect.ts';
import { copyTo } from './file-writer.ts';
import { prepareRawLoadsDuckDb } from './raw-batch.ts';
import { loadRawDuckDb } from './raw-reader.ts';
import { duckDbAttachOptions } from './row-groups.ts';
import { normaliseRows } from './values.ts';

export interface DuckDbOptions {
  /** A file path, or ':memory:' (each open of which is a database of its own). */
  path: string;
  memoryLimit?: string;
  threads?: number;
}

const capabilities: Capabilities = {
  transactionalDdl: true,
  multiProcessWriters: false,
  merge: false,
  cancelQueries: true,
  roles: false,
  keyIndexes: false,
  analyze: false,
  partitioning: false,
  distributedTables: false,
};

/**
 * The warehouse file is attached under this fixed catalog name rather than opened directly: DuckDB
 * names a database after its file, and a file called warehouse.duckdb would make "warehouse"."x"
 * ambiguous between the catalog and strata's warehouse schema.
 */
export const DUCKDB_CATALOG = 'strata_db';

/** DuckDB allows one instance per file per process; every engine on a path shares it. */
const sharedInstances = new Map<string, { instance: DuckDBInstance; users: number }>();
let inMemoryCount = 0;
/** Runs in this process that hold a warehouse; other processes are kept out by DuckDB's file lock. */
const heldRunLocks = new Set<string>();

const TRANSIENT = [/write-write conflict/i, /Conflict on tuple/i, /TransactionContext Error/i];

export async function openDuckDb(options: DuckDbOptions): Promise<Engine> {
  // Files are shared by path; an in-memory database is never shared, so it gets a key of its own.
  const key = options.path === ':memory:' ? `:memory:#${++inMemoryCount}` : options.path;
  const instance = await acquireInstance(key, options);
  return new DuckDbEngine(key, instance);
}

async function acquireInstance(key: string, options: DuckDbOptions): Promise<DuckDBInstance> {
  const shared = sharedInstances.get(key);
  if (shared) {
    shared.users += 1;
    return shared.instance;
  }
  // DuckDB's default, stated because raw record numbers rest on it: a table made by one statement
  // holds rows in the order they were read (see csv-batch.ts and line-reader.ts).
  const settings: Record<string, string> = { preserve_insertion_order: 'true' };
  if (options.memoryLimit) Object.assign(settings, duckDbMemorySettings(options.memoryLimit));
  if (options.threads) settings.threads = String(options.threads);
  const instance = await DuckDBInstance.create(':memory:', settings);
  const connection = await instance.connect();
  try {
    await connection.run(`ATTACH ${sqlString(options.path)} AS ${DUCKDB_CATALOG} ${duckDbAttachOptions()}`);
  } catch (error) {
    instance.closeSync();
    throw translateOpenError(options.path, error);
  } finally {
    connection.closeSync();
  }
  sharedInstances.set(key, { instance, users: 1 });
  return instance;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function translateOpenError(path: string, error: unknown): StrataError {
  const message = causeMessage(error) ?? '';
  const pid = /PID (\d+)/.exec(message)?.[1];
  if (/Could not set lock/i.test(message)) {
    return new StrataError(
      'ENGINE_LOCKED',
      `The warehouse ${path} is in use by another process${pid ? ` (pid ${pid})` : ''}; nothing was changed.`,
      {
        hint: 'Wait for the other strata command (a `strata serve` holds the file until it is stopped; or a program such as the DuckDB shell or a notebook) to close the file, then try again. DuckDB lets one process open a warehouse file at a time.',
        cause: error,
      },
    );
  }
  return new StrataError('ENGINE_OPEN_FAILED', `Could not open the DuckDB warehouse ${path}: ${message}`, {
    hint: 'Check that the folder exists and is writable, and that the file is a DuckDB database.',
    cause: error,
  });
}

class DuckDbEngine implements Engine {
  readonly dialect = duckdbDialect;
  readonly capabilities = capabilities;
  readonly description: string;
  private closed = false;
  private readonly stats: StatementStats = { statements: 0, ms: 0 };

  constructor(
    private readonly path: string,
    private readonly instance: DuckDBInstance,
  ) {
    this.description = `duckdb:${path.startsWith(':memory:') ? ':memory:' : path}`;
  }

  async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await fn(new DuckDbSession(connection, this.stats));
    } finally {
      connection.closeSync();
    }
  }

  private async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    await connection.run(`USE ${DUCKDB_CATALOG}`);
    return connection;
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<ExecResult> {
    return this.withSession((s) => s.execute(sql, params));
  }

  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult> {
    return this.withSession((s) => s.query(sql, params));
  }

  async *stream(sql: string, params?: readonly SqlValue[], batchRows?: number): AsyncIterable<RowBatch> {
    const connection = await this.connect();
    try {
      yield* new DuckDbSession(connection, this.stats).stream(sql, params, batchRows);
    } finally {
      connection.closeSync();
    }
  }

  async bulkLoad(request: BulkLoadRequest, session?: Session): Promise<{ rows: number }> {
    const target = this.dialect.qualify(request.target);
    const reader = readerFor(request);
    const load = async (s: Session) => {
      if (request.mode === 'replace') {
        await s.execute(`CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${reader}`, [request.path]);
        const { rows } = await s.query(`SELECT count(*) AS n FROM ${target}`);
        return { rows: Number(rows[0]?.n ?? 0) };
      }
      const result = await s.execute(`INSERT INTO ${target} BY NAME SELECT * FROM ${reader}`, [request.path]);
      return { rows: result.rowsAffected };
    };
    return session ? load(session) : this.withSession(load);
  }

  loadRaw(request: RawLoadRequest, session: Session): Promise<RawLoadResult> {
    return loadRawDuckDb(request, session);
  }

  prepareRawLoads(requests: readonly RawLoadRequest[], session: Session): Promise<PreparedRawLoads> {
    return prepareRawLoadsDuckDb(requests, session);
  }

  async listSchemas(): Promise<string[]> {
    const { rows } = await this.query(
      `SELECT schema_name FROM information_schema.schemata
       WHERE catalog_name = current_database() ORDER BY schema_name`,
    );
    return rows.map((r) => String(r.schema_name));
  }

  async listTables(schema?: string): Promise<TableInfo[]> {
    const { rows } = await this.query(
      `SELECT table_schema, table_name, table_type FROM information_schema.tables
       WHERE table_catalog = current_database() AND ($1::VARCHAR IS NULL OR table_schema = $1::VARCHAR)
       ORDER BY table_schema, table_name`,
      [schema ?? null],
    );
    return rows.map((r) => ({
      schema: String(r.table_schema),
      name: String(r.table_name),
      kind: r.table_type === 'VIEW' ? 'view' : 'table',
    }));
  }

  async listColumns(table: TableRef): Promise<ColumnInfo[]> {
    const { rows } = await this.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2
       ORDER BY ordinal_position`,
      [table.schema, table.name],
    );
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type).toUpperCase() }));
  }

  async listAllColumns(): Promise<TableColumns[]> {
    // duckdb_columns() rather than information_schema.columns: the same names and types, read
    // without the view's joins (half the time on a warehouse of a few hundred columns).
    const { rows } = await this.query(
      `SELECT schema_name AS table_schema, table_name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index`,
    );
    return groupColumns(rows, (type) => type.toUpperCase());
  }

  statementStats(): StatementStats {
    return { ...this.stats };
  }

  async describeQuery(sql: string, params?: readonly SqlValue[]): Promise<ColumnInfo[]> {
    const { columns } = await this.query(`SELECT * FROM (${sql}\n) AS strata_described LIMIT 0`, params);
    return columns;
  }

  async assertSingleQuery(sql: string): Promise<void> {
    const connection = await this.connect();
    try {
      // DuckDB's parser counts the statements and names the one there is; preparing runs nothing.
      const type = await this.guardParse(sql, async () => {
        const extracted = await connection.extractStatements(sql);
        return extracted.count === 1 ? (await extracted.prepare(0)).statementType : undefined;
      });
      if (type !== StatementType.SELECT) throw notOneQuery();
      await this.guardParse(sql, () => connection.extractStatements(exportedQuery(sql)));
    } finally {
      connection.closeSync();
    }
  }

  private async guardParse<T>(sql: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw sqlError(sql, error);
    }
  }

  async exportQuery(query: Statement, target: ExportTarget, signal?: AbortSignal): Promise<{ rows: number }> {
    const connection = await this.connect();
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const session = new DuckDbSession(connection, this.stats);
      // Keeping the table's order makes COPY hold rows back for the slowest thread: peak memory
      // then grows with the table (186 MiB for 1M rows against 107 MiB for 100k, CSV). Without it
      // memory stays flat; an ORDER BY in the query is still kept. The setting is this
      // connection's alone, and the connection is the export's.
      await session.execute('SET SESSION preserve_insertion_order = false');
      const result = await session.execute(copyTo(exportedQuery(query.sql), target), query.params);
      return { rows: result.rowsAffected };
    } finally {
      signal?.removeEventListener('abort', interrupt);
      connection.closeSync();
    }
  }

  async acquireRunLock(): Promise<RunLock> {
    if (heldRunLocks.has(this.path)) {
      throw new StrataError('RUN_LOCKED', `Another run in this process is writing to ${this.path}.`, {
        hint: 'Wait for it to finish; strata never lets two runs write one warehouse at once.',
      });
    }
    heldRunLocks.add(this.path);
    return { release: async () => void heldRunLocks.delete(this.path) };
  }

  isTransient(error: unknown): boolean {
    const message = causeMessage(error) ?? '';
    return TRANSIENT.some((pattern) => pattern.test(message));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const shared = sharedInstances.get(this.path);
    if (!shared) return;
    shared.users -= 1;
    if (shared.users === 0) {
      sharedInstances.delete(this.path);
      shared.instance.closeSync();
    }
  }
}

/**
 * The query an export reads, as a subquery: a statement that is not a SELECT cannot stand there, and
 * the line break ends a trailing `--` comment.
 */
function exportedQuery(sql: string): string {
  return `SELECT * FROM (${sql}\n) AS strata_export`;
}

function notOneQuery(): StrataError {
  return new StrataError('EXPORT_SQL_NOT_READ_ONLY', 'the SQL to export is not one query that only reads', {
    hint: 'Give one SELECT (or WITH ... SELECT) statement, without a semicolon between statements; strata export only reads.',
  });
}

/** DuckDB's reader of a file to bulk load; `path` is SQL for its path (a parameter by default). */
export function readerFor(request: BulkLoadRequest, path = '$1'): string {
  switch (request.format) {
    case 'csv': {
      const delimiter = request.csv?.delimiter ?? ',';
      if (!/^[^'\\]{1,4}$/.test(delimiter)) {
        throw new StrataError('CONFIG_INVALID', `CSV delimiter ${JSON.stringify(delimiter)} is not allowed`, {
          hint: 'Use one to four characters, without quotes or backslashes.',
        });
      }
      const header = request.csv?.header ?? true;
      return `read_csv(${path}, header = ${header}, delim = '${delimiter}')`;
    }
    case 'json':
      return `read_json(${path}, format = 'auto')`;
    case 'ndjson':
      return `read_json(${path}, format = 'newline_delimited')`;
    case 'parquet':
      return `read_parquet(${path})`;
  }
}

class DuckDbSession implements Session {
  private readonly transactionState = new TransactionState();

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly stats: StatementStats,
  ) {}

  async execute(sql: string, params?: readonly SqlValue[]): Promise<ExecResult> {
    const result = await this.run(sql, params);
    return { rowsAffected: result.rowsChanged };
  }

  async query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult> {
    const reader = await this.guard(sql, () => this.connection.runAndReadAll(sql, toParams(params)));
    const names = reader.columnNames();
    const types = reader.columnTypes();
    return {
      columns: names.map((name, i) => ({ name, type: String(types[i]) })),
      rows: normaliseRows(reader.getRowObjectsJson(), names, types),
    };
  }

  async *stream(sql: string, params?: readonly SqlValue[], batchRows = 2048): AsyncIterable<RowBatch> {
    const result = await this.guard(sql, () => this.connection.stream(sql, toParams(params)));
    const names = result.columnNames();
    const types = result.columnTypes();
    const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
    let pending: Record<string, unknown>[] = [];
    let yielded = false;
    for await (const chunk of result.yieldRowObjectJson()) {
      pending.push(...chunk);
      if (pending.length >= batchRows) {
        yield { columns, rows: normaliseRows(pending, names, types) };
        yielded = true;
        pending = [];
      }
    }
    // An empty result still yields one batch, so consumers learn its columns.
    if (pending.length > 0 || !yielded) yield { columns, rows: normaliseRows(pending, names, types) };
  }

  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.transactionState.run(
      {
        begin: () => this.run('BEGIN TRANSACTION'),
        commit: () => this.run('COMMIT'),
        rollback: () => this.connection.run('ROLLBACK'),
      },
      () => fn(this),
    );
  }

  async cancel(): Promise<void> {
    this.connection.interrupt();
  }

  private run(sql: string, params?: readonly SqlValue[]): Promise<DuckDBMaterializedResult> {
    return this.guard(sql, () => this.connection.run(sql, toParams(params)));
  }

  private async guard<T>(sql: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } catch (error) {
      throw sqlError(sql, error);
    } finally {
      this.stats.statements += 1;
      this.stats.ms += performance.now() - started;
    }
  }
}

function toParams(params?: readonly SqlValue[]): SqlValue[] | undefined {
  return params && params.length > 0 ? [...params] : undefined;
}

function sqlError(sql: string, error: unknown): StrataError {
  const message = causeMessage(error) ?? 'unknown DuckDB error';
  const cancelled = /INTERRUPT/i.test(message);
  return new StrataError(cancelled ? 'QUERY_CANCELLED' : 'SQL_FAILED', firstLine(message), {
    sql,
    cause: error,
    transient: TRANSIENT.some((pattern) => pattern.test(message)),
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
