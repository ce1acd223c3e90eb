/**
 * The engine interface: everything strata asks of a database. Every difference between DuckDB and
 * PostgreSQL lives behind it — in an adapter (drivers, connections, bulk loading) or in its
 * Dialect (pure SQL rendering, importable by the planner without a driver).
 */
import type { CsvDialect } from './csv-grammar.ts';

export type SqlValue = string | number | boolean | bigint | null;

/** One SQL statement with positional parameters ($1, $2, ...). */
export interface Statement {
  sql: string;
  params?: readonly SqlValue[];
}

export type Row = Record<string, unknown>;

export interface ColumnInfo {
  name: string;
  /** The engine's own type name, upper-case (e.g. VARCHAR, BIGINT, TIMESTAMP WITH TIME ZONE). */
  type: string;
}

export interface QueryResult {
  columns: ColumnInfo[];
  rows: Row[];
}

export interface ExecResult {
  /** Rows inserted, updated or deleted; 0 for statements that change no rows. */
  rowsAffected: number;
}

export interface TableRef {
  schema: string;
  name: string;
}

export interface TableInfo extends TableRef {
  kind: 'table' | 'view';
}

/** A table's or view's columns, in their order, as `listColumns` gives them. */
export interface TableColumns extends TableRef {
  columns: ColumnInfo[];
}

/** The statements an engine ran since it was opened, on every session, and their summed time. */
export interface StatementStats {
  statements: number;
  ms: number;
}

/** What differs between engines, so callers branch on a capability, never on an engine name. */
export interface Capabilities {
  /** DDL (CREATE/DROP/ALTER) takes part in transactions and rolls back with them. */
  transactionalDdl: boolean;
  /** Several processes may write at once (a server), or only one process may open the file. */
  multiProcessWriters: boolean;
  /** Native MERGE statement usable for upserts. */
  merge: boolean;
  /** Queries can be cancelled from another async context (used by task timeouts). */
  cancelQueries: boolean;
  /** Database roles and privileges (`strata grant`): the engine then has `roles`. */
  roles: boolean;
  /**
   * Indexes on models' keys pay off (a server planner joining and deleting by key): upsert keys,
   * SCD2 surrogate and natural keys, distribution columns. DuckDB scans columns and needs none.
   */
  keyIndexes: boolean;
  /**
   * Planner statistics are refreshed with ANALYZE after a task writes a meaningful share of a
   * table's rows (DuckDB keeps its own).
   */
  analyze: boolean;
  /** Declarative partitioning: incremental models with `partition_by: month` get a partition per month. */
  partitioning: boolean;
  /** Distributed tables (Citus): a model's `distribution_column` distributes its table. */
  distributedTables: boolean;
}

/** Logical column types that strata itself creates (audit tables, SCD2 bookkeeping). */
export type LogicalType =
  'text' | 'json' | 'integer' | 'bigint' | 'double' | 'boolean' | 'date' | 'timestamp';

/** Pure SQL rendering for one engine. Must not import a driver or node:fs. */
export interface Dialect {
  readonly name: 'duckdb' | 'postgres';
  quoteIdentifier(name: string): string;
  /** "schema"."name", both parts validated. */
  qualify(table: TableRef): string;
  type(logical: LogicalType): string;
  /** A deterministic text hash of the given SQL expressions (surrogate keys). */
  hashKey(expressions: readonly string[]): string;
  /** Statements that replace `target` with the already-built `staged` table, inside a transaction. */
  swapTable(staged: TableRef, target: TableRef): string[];
  /** Statements that replace a view atomically. */
  replaceView(target: TableRef, selectSql: string): string[];
  /**
   * Statements that drop a table or view that another kind of relation replaces next, inside the
   * same transaction (followed by swapTable or replaceView, which restore what an engine had to
   * drop along with it: PostgreSQL's views built on the relation).
   */
  dropRelation(target: TableRef, kind: 'table' | 'view'): string[];
  /** A SELECT returning one row, column `checksum`: a hash of the table's rows, independent of row order. */
  tableChecksum(table: TableRef): string;

  // Server features; each is used only where its capability is set (an engine without it renders nothing).
  /**
   * Creates an index on the table's columns unless one of that name exists (capabilities.keyIndexes).
   * `summary`: a block-range summary (PostgreSQL's BRIN) instead of a tree, for a column whose
   * values follow the order rows were appended in (raw's load_date): tiny, nearly free to keep up;
   * the statements also summarise the ranges appended since (a new range is not summarised by
   * itself, and is read by every query until it is).
   */
  createIndex(
    table: TableRef,
    columns: readonly string[],
    options: { name: string; unique: boolean; summary?: boolean },
  ): string[];
  /**
   * After a task wrote rows to a table: statements that refresh the planner's statistics of it (or
   * of some of its columns) when they are worth refreshing (capabilities.analyze). Each takes one
   * parameter, the rows the task wrote; the server decides by the rule its autovacuum applies.
   */
  analyzeAfterWrite(table: TableRef, columns?: readonly string[]): string[];
  /**
   * An empty table shaped like `like` (a relation's SQL), partitioned by range on a DATE column
   * (capabilities.partitioning).
   */
  createPartitionedTable(table: TableRef, like: string, column: string): string[];
  /**
   * Creates the month partitions `table` lacks for the dates in `column` of `rows` (a relation's
   * SQL), named after the table (capabilities.partitioning).
   */
  ensureMonthPartitions(table: TableRef, rows: string, column: string): string[];
  /** Distributes a table on a column (capabilities.distributedTables: Citus). */
  distributeTable(table: TableRef, column: string): string[];

  // Record validation (contracts compile to these)
  /** A constant from the project's definitions (never from data) as an escaped string literal. */
  stringLiteral(value: string): string;
  /** The text of a top-level key of a JSON value; null when absent or JSON null. */
  jsonText(json: string, key: string): string;
  /**
   * Several top-level keys' texts read in one pass over each JSON value: `select` are items for an
   * inner SELECT over the relation holding `json`; `text(i)` reads key i in the SELECT around it.
   * (Parsing a record once rather than once per field is most of the cost of typing raw rows.)
   * `valueKeys` are keys whose JSON values (as `jsonValue` gives them) are read in the same pass
   * where the engine can, `value(j)` reading key j of them in the SELECT around it.
   */
  jsonTexts(
    json: string,
    keys: readonly string[],
    alias: string,
    valueKeys?: readonly string[],
  ): { select: string[]; text: (index: number) => string; value: (index: number) => string };
  /** The JSON value of a top-level key (for nested arrays and objects). */
  jsonValue(json: string, key: string): string;
  /** A SELECT of the distinct top-level keys (column `key`) of the JSON objects in `column` of `relation`. */
  jsonKeys(relation: string, column: string): string;
  /**
   * The JSON type name of a top-level key's value ('ARRAY', 'OBJECT', ...; null when absent), or
   * without a key of the JSON value itself (null for SQL null).
   */
  jsonTypeOf(json: string, key?: string): string;
  /** A cast that yields null instead of failing. */
  tryCast(expression: string, type: string): string;
  /** Text parsed with a strptime format (%Y-%m-%d ...) into a timestamp, null when it does not parse. */
  tryParseTimestamp(expression: string, format: string): string;
  /** True when the whole text matches the regular expression. */
  regexFullMatch(expression: string, pattern: string): string;
  /**
   * A subquery's body, computed once per row before the query around it reads its columns. A
   * planner that inlines subqueries (PostgreSQL) would otherwise evaluate an expression again
   * wherever an outer level uses its column; one that shares common expressions (DuckDB) needs
   * nothing.
   */
  computedOnce(selectSql: string): string;
  /**
   * One row per element of a JSON array held in `arrayColumn` of `source`: every column of source,
   * plus `strata_item` (the element, JSON) and `strata_item_position` (1-based).
   */
  unnestJsonArray(source: string, arrayExpression: string): string;
  /** A text cut at every occurrence of a delimiter (SQL of a text), as an array of texts. */
  splitText(text: string, delimiter: string): string;
  /** The elements of a JSON array as an array of texts (JSON null elements are null). */
  jsonArrayTexts(json: string): string;
  /** The 1-based position of a value in an array of texts, null when it is not there. */
  arrayPosition(array: string, value: string): string;
  /** The number of elements of an array (0 for an empty one). */
  arrayLength(array: string): string;
  /**
   * The values of a text holding one CSV record (csv-grammar.ts), as an array of texts: unquoted,
   * escapes undone, and null when empty, quoted or not (what DuckDB's reader gives). A text that is
   * not one record gives what its values-so-far are; check it with the record pattern first.
   */
  csvValues(text: string, csv: CsvDialect): string;
}

export type BulkFormat = 'csv' | 'json' | 'ndjson' | 'parquet';

/** The formats an engine writes itself (`Engine.exportQuery`); XLSX is written from `stream`'s rows. */
export type ExportFileFormat = 'csv' | 'parquet' | 'json' | 'ndjson';

export interface ExportTarget {
  format: ExportFileFormat;
  /**
   * Absolute path of the file to write, or with `partitionBy` of the folder: it must not exist yet
   * (the caller writes to a temporary name and renames it).
   */
  path: string;
  /** Parquet only: a hive-partitioned folder, `path/<column>=<value>/*.parquet`. */
  partitionBy?: string;
}

export interface BulkLoadRequest {
  target: TableRef;
  /** Absolute path of the file to load. */
  path: string;
  format: BulkFormat;
  /** replace: the table becomes exactly the file; append: rows are added. */
  mode: 'replace' | 'append';
  csv?: { delimiter?: string; header?: boolean };
}

/** The lineage every raw row carries. */
export interface RawLineage {
  ingestionId: string;
  runId: string;
  loadDate: string;
  /** The file as the project names it (relative path) or the URL it came from. */
  sourceFile: string;
  /** 'YYYY-MM-DD HH:MM:SS.mmm' UTC. */
  ingestedAt: string;
}

export interface RawLoadRequest {
  /** The raw table: ingestion_id, run_id, load_date, source_file, record_position, source_line,
   *  ingested_at, record (JSON or null), raw_text, parse_error (raw-columns.ts). */
  target: TableRef;
  path: string;
  format: BulkFormat;
  compression: 'none' | 'gzip';
  csv?: { delimiter: string; quote: string; escape: string; header: boolean };
  lineage: RawLineage;
}

export interface RawLoadResult {
  records: number;
  malformed: number;
  /**
   * The keys every parsed record carries, when the file's layout states them (a CSV header, a
   * Parquet schema): schema drift is then known without scanning the records. For CSV they are the
   * header's fields in file order, which staging needs to find a field in a line.
   */
  keys?: string[];
}

/** The raw loads of one transaction, read ahead of it (see Engine.prepareRawLoads). */
export interface PreparedRawLoads {
  /** Appends every file to its raw table, in the caller's transaction: results in request order. */
  load(session: Session): Promise<RawLoadResult[]>;
  /** Drops what the read ahead made; safe after a failure, and needed after one. */
  dispose(): Promise<void>;
}

/** One connection. Statements on a session run in order; a transaction belongs to one session. */
export interface Session {
  execute(sql: string, params?: readonly SqlValue[]): Promise<ExecResult>;
  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult>;
  /** Streams rows in batches, so results larger than memory never materialise in Node. */
  stream(sql: string, params?: readonly SqlValue[], batchRows?: number): AsyncIterable<RowBatch>;
  /** Runs fn inside BEGIN/COMMIT; rolls back and rethrows when fn throws. Not nestable. */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Cancels the statement running on this session, if any. */
  cancel(): Promise<void>;
}

export interface RowBatch {
  columns: ColumnInfo[];
  rows: Row[];
}

/** Held while a run writes to the warehouse; released when the run ends or the process dies. */
export interface RunLock {
  release(): Promise<void>;
}

/** What a read-only role found it could still do, which `grant` did not give and cannot take away. */
export interface WritablePrivilege {
  /** e.g. `CREATE on schema public (granted to PUBLIC)`. */
  what: string;
}

/**
 * Roles and privileges, on an engine that has them (capabilities.roles). Every method runs on the
 * given session, so `strata grant` does its work in one transaction.
 */
export interface RoleAdmin {
  /**
   * Creates the role when it does not exist: LOGIN with the password when one is given, NOLOGIN
   * otherwise. An existing role gets LOGIN and the password when one is given and is otherwise left
   * as it is. Refuses a role that could write anyway (a superuser, the role running this).
   */
  ensureRole(session: Session, role: string, password?: string): Promise<{ created: boolean }>;
  /** USAGE on the schema (created if missing), SELECT on its tables and views, now and later. */
  grantSchemaRead(session: Session, role: string, schema: string): Promise<void>;
  /**
   * A view `view` selecting everything of `source`, readable by the role: created, or replaced
   * (its other grants kept where the engine can); 'conflict' when a table holds the name.
   */
  readerView(
    session: Session,
    role: string,
    source: TableRef,
    view: TableRef,
  ): Promise<'created' | 'replaced' | 'conflict'>;
  /** Privileges the role holds beyond reading (should be none). */
  writablePrivileges(session: Session, role: string): Promise<WritablePrivilege[]>;
}

export interface Engine {
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  /** Present exactly when capabilities.roles. */
  readonly roles?: RoleAdmin;
  /** Where the warehouse is, without credentials: safe to log and show. */
  readonly description: string;

  /** Borrows a session for the duration of fn. */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  execute(sql: string, params?: readonly SqlValue[]): Promise<ExecResult>;
  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult>;
  stream(sql: string, params?: readonly SqlValue[], batchRows?: number): AsyncIterable<RowBatch>;

  /** Loads a file into a table inside the engine (never row by row through Node). */
  bulkLoad(request: BulkLoadRequest, session?: Session): Promise<{ rows: number }>;
  /**
   * Appends a file's records to a raw table as received: one row per record with its position,
   * parsed records as JSON, records that do not parse as their text with the reason. Throws
   * (FILE_UNREADABLE) only when the format allows no recovery, e.g. a truncated JSON array.
   */
  loadRaw(request: RawLoadRequest, session: Session): Promise<RawLoadResult>;
  /**
   * The same for the files one transaction appends, read on the session before the transaction
   * begins. DuckDB reads a batch of CSV files in one parallel scan there and appends them in one
   * statement: it scans a table made inside a transaction on one thread, and many small appends cost
   * twice one large one. An engine without such a path loads the files one by one with loadRaw.
   */
  prepareRawLoads(requests: readonly RawLoadRequest[], session: Session): Promise<PreparedRawLoads>;

  listSchemas(): Promise<string[]>;
  listTables(schema?: string): Promise<TableInfo[]>;
  listColumns(table: TableRef): Promise<ColumnInfo[]>;
  /** Every table's and view's columns in one statement (a run's catalogue, instead of one per table). */
  listAllColumns(): Promise<TableColumns[]>;
  /** Statements run so far (counted by the adapter, sessions included): a run's fixed costs, measured. */
  statementStats(): StatementStats;
  /** The columns a SELECT would return, without running it to completion. */
  describeQuery(sql: string, params?: readonly SqlValue[]): Promise<ColumnInfo[]>;

  /**
   * Refuses (EXPORT_SQL_NOT_READ_ONLY) a text that is not exactly one query, by the engine's own
   * parser: a second statement, or a statement other than a SELECT (DML, DDL, COPY, PRAGMA...).
   */
  assertSingleQuery(sql: string): Promise<void>;
  /**
   * Writes a query's rows to a file with the engine's own writers, streamed (never held in Node or
   * in memory whole), read-only: DuckDB's COPY ... TO; PostgreSQL's COPY ... TO STDOUT for CSV, and
   * for the other formats that CSV handed to a scratch DuckDB with the query's exact column types.
   * CSV has a header row, NULL as an empty field; JSON is one array, NDJSON one object a line, dates
   * and timestamps as ISO text, decimals and integers as numbers; the same bytes on both engines.
   * An aborted `signal` cancels the statement.
   */
  exportQuery(query: Statement, target: ExportTarget, signal?: AbortSignal): Promise<{ rows: number }>;

  /** Refuses (RUN_LOCKED) when another run holds the warehouse. */
  acquireRunLock(): Promise<RunLock>;
  /** An error from this engine that a retry may cure (conflicts, dropped connections). */
  isTransient(error: unknown): boolean;
  close(): Promise<void>;
}
