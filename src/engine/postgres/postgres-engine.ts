import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { StrataError } from '../../errors/strata-error.ts';
import { groupColumns } from '../table-columns.ts';
import { TransactionState } from '../transaction.ts';
import type {
  BulkLoadRequest,
  Capabilities,
  ColumnInfo,
  Dialect,
  Engine,
  ExecResult,
  ExportTarget,
  QueryResult,
  PreparedRawLoads,
  RawLoadRequest,
  RawLoadResult,
  RoleAdmin,
  Row,
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
import { type CopySession, ScratchDuckDb, bulkLoadPostgres, loadRawPostgres } from './bulk.ts';
import { HELPER_SCHEMA, createPostgresDialect } from './dialect.ts';
import { driverError, isTransientPostgres, scrubber, sqlError } from './errors.ts';
import { type CopyOutSession, exportPostgres } from './export.ts';
import { ensureHelpers } from './helpers.ts';
import { postgresRoleAdmin } from './roles.ts';
import { sessionConnection } from './session-options.ts';
import { typeParsers } from './values.ts';
import { oneByOne } from '../raw-loads.ts';

export interface PostgresOptions {
  /** postgres://user[:password]@host[:port]/database[?...] */
  url: string;
  /** The environment variable the URL came from, for messages. */
  urlEnv: string;
  /**
   * Connections in the pool. A task holds one session and asks the engine for facts on another,
   * so this must exceed twice the run's concurrency; a checkout waits at most CHECKOUT_TIMEOUT_MS.
   */
  maxConnections?: number;
}

/** MERGE arrived in PostgreSQL 15. */
const MERGE_SINCE = 150000;

/** The session-level advisory lock a run holds on its database (any constant; the lock is per database). */
const RUN_LOCK_KEY = 0x5374_7261_7461_52n;

/** How long a checkout waits for a free connection before failing rather than hanging. */
const CHECKOUT_TIMEOUT_MS = 120_000;

/** Schemas that hold no warehouse relations. */
const SYSTEM_SCHEMAS = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND n.nspname <> '${HELPER_SCHEMA}'`;

export async function openPostgres(options: PostgresOptions): Promise<Engine> {
  const { description, password } = describeUrl(options);
  const scrub = scrubber(password);
  const connection = {
    ...sessionConnection(options.url),
    application_name: 'strata',
    types: typeParsers,
  };
  const pool = new pg.Pool({
    ...connection,
    max: options.maxConnections ?? 24,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: CHECKOUT_TIMEOUT_MS,
  });
  // An idle connection the server closes must not take the process down; the next checkout reconnects.
  pool.on('error', () => undefined);
  let serverVersion: number;
  let citus = false;
  try {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ version: string; scs: string }>(
        `SELECT current_setting('server_version_num') AS version, current_setting('standard_conforming_strings') AS scs`,
      );
      serverVersion = Number(rows[0]?.version ?? 0);
      if (rows[0]?.scs !== 'on') {
        throw new Error('standard_conforming_strings is off; strata needs it on');
      }
      await ensureHelpers(client);
      const extension = await client.query(`SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus'`);
      citus = (extension.rowCount ?? 0) > 0;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    const cause = driverError(error, scrub);
    throw new StrataError(
      'ENGINE_OPEN_FAILED',
      `Could not open the PostgreSQL warehouse ${description}: ${cause.message}`,
      {
        hint: `Check that the server is running and that ${options.urlEnv} names a database this role may use (the password from the URL, PGPASSWORD or ~/.pgpass).`,
        cause,
        transient: isTransientPostgres(cause),
      },
    );
  }
  return new PostgresEngine(
    pool,
    connection,
    description,
    scrub,
    createPostgresDialect({ serverVersion }),
    serverVersion,
    citus,
  );
}

/** postgres://user@host:port/database — the URL without its password, and the password to scrub. */
function describeUrl(options: PostgresOptions): { description: string; password?: string } {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new StrataError('ENGINE_UNAVAILABLE', `${options.urlEnv} does not hold a valid postgres:// URL`, {
      hint: `Export ${options.urlEnv}=postgres://user@host:5432/db`,
    });
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  const port = url.port ? `:${url.port}` : '';
  const database = url.pathname.replace(/^\//, '') || '(default database)';
  return { description: `postgres://${user}${url.hostname}${port}/${database}`, password };
}

type ConnectionConfig = pg.ClientConfig;

class PostgresEngine implements Engine {
  readonly capabilities: Capabilities;
  readonly roles: RoleAdmin;
  private readonly scratch = new ScratchDuckDb();
  private readonly typeNames = new Map<string, string>();
  private closed = false;
  /** Counted by every session's `run`. */
  readonly stats: StatementStats = { statements: 0, ms: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly connection: ConnectionConfig,
    readonly description: string,
    readonly scrub: (text: string) => string,
    readonly dialect: Dialect,
    serverVersion: number,
    citus: boolean,
  ) {
    this.capabilities = {
      transactionalDdl: true,
      multiProcessWriters: true,
      merge: serverVersion >= MERGE_SINCE,
      cancelQueries: true,
      roles: true,
      keyIndexes: true,
      analyze: true,
      partitioning: true,
      distributedTables: citus,
    };
    this.roles = postgresRoleAdmin(dialect);
  }

  async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const client = await this.checkout();
    const session = new PostgresSession(client, this);
    let broken: Error | undefined;
    try {
      return await fn(session);
    } catch (error) {
      if (session.connectionLost) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // A pooled connection goes back clean: no transaction, no temporary tables.
      if (!broken && session.usedTemporaryTables) {
        await client.query('DISCARD TEMP').catch((error: unknown) => {
          broken = error instanceof Error ? error : new Error(String(error));
        });
      }
      client.release(broken ?? session.connectionLost);
    }
  }

  private async checkout(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw this.connectFailed(error);
    }
  }

  private connectFailed(error: unknown): StrataError {
    const cause = driverError(error, this.scrub);
    return new StrataError(
      'ENGINE_OPEN_FAILED',
      `Could not connect to ${this.description}: ${cause.message}`,
      {
        cause,
        transient: isTransientPostgres(cause),
      },
    );
  }

  /** A connection outside the pool (cancelling, the run lock), closed by the caller. */
  async dedicatedClient(): Promise<pg.Client> {
    const client = new pg.Client(this.connection);
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw this.connectFailed(error);
    }
    return client;
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<ExecResult> {
    return this.withSession((s) => s.execute(sql, params));
  }

  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult> {
    return this.withSession((s) => s.query(sql, params));
  }

  async *stream(sql: string, params?: readonly SqlValue[], batchRows?: number): AsyncIterable<RowBatch> {
    const client = await this.checkout();
    const session = new PostgresSession(client, this);
    try {
      yield* session.stream(sql, params, batchRows);
    } finally {
      if (session.usedTemporaryTables) await client.query('DISCARD TEMP').catch(() => undefined);
      client.release(session.connectionLost);
    }
  }

  bulkLoad(request: BulkLoadRequest, session?: Session): Promise<{ rows: number }> {
    const load = (s: Session) => bulkLoadPostgres(request, this.asOwnSession(s), this.scratch, this.dialect);
    return session ? load(session) : this.withSession(load);
  }

  loadRaw(request: RawLoadRequest, session: Session): Promise<RawLoadResult> {
    return loadRawPostgres(request, this.asOwnSession(session), this.scratch, this.dialect);
  }

  /** COPY is one statement per file already: nothing gains from reading ahead. */
  prepareRawLoads(requests: readonly RawLoadRequest[]): Promise<PreparedRawLoads> {
    return Promise.resolve(oneByOne(requests, (request, session) => this.loadRaw(request, session)));
  }

  private asOwnSession(session: Session): PostgresSession {
    if (session instanceof PostgresSession) return session;
    throw new StrataError('INTERNAL', 'A PostgreSQL load was given a session of another engine');
  }

  async listSchemas(): Promise<string[]> {
    const { rows } = await this.query(
      `SELECT n.nspname AS schema_name FROM pg_catalog.pg_namespace AS n WHERE ${SYSTEM_SCHEMAS} ORDER BY 1`,
    );
    return rows.map((r) => String(r.schema_name));
  }

  async listTables(schema?: string): Promise<TableInfo[]> {
    const { rows } = await this.query(
      `SELECT n.nspname AS table_schema, c.relname AS table_name, c.relkind AS kind
       FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND ${SYSTEM_SCHEMAS}
         AND ($1::text IS NULL OR n.nspname = $1::text)
       ORDER BY 1, 2`,
      [schema ?? null],
    );
    return rows.map((r) => ({
      schema: String(r.table_schema),
      name: String(r.table_name),
      kind: r.kind === 'v' || r.kind === 'm' ? 'view' : 'table',
    }));
  }

  async listColumns(table: TableRef): Promise<ColumnInfo[]> {
    const { rows } = await this.query(
      `SELECT a.attname AS column_name, upper(format_type(a.atttypid, a.atttypmod)) AS data_type
       FROM pg_catalog.pg_attribute AS a
       JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [table.schema, table.name],
    );
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  }

  async listAllColumns(): Promise<TableColumns[]> {
    const { rows } = await this.query(
      `SELECT n.nspname AS table_schema, c.relname AS table_name, a.attname AS column_name,
              upper(format_type(a.atttypid, a.atttypmod)) AS data_type
       FROM pg_catalog.pg_attribute AS a
       JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${SYSTEM_SCHEMAS} AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY 1, 2, a.attnum`,
    );
    return groupColumns(rows);
  }

  statementStats(): StatementStats {
    return { ...this.stats };
  }

  async describeQuery(sql: string, params?: readonly SqlValue[]): Promise<ColumnInfo[]> {
    const { columns } = await this.query(`SELECT * FROM (${sql}\n) AS strata_described LIMIT 0`, params);
    return columns;
  }

  /**
   * One statement, checked by the server's parser: the extended protocol's Parse takes exactly one
   * (a second is an error), and inside a subquery only a SELECT, VALUES or TABLE stands. Described in
   * a READ ONLY transaction that is rolled back, so nothing it calls can write.
   */
  async assertSingleQuery(sql: string): Promise<void> {
    const client = await this.checkout();
    try {
      await client.query('BEGIN READ ONLY');
      try {
        await client.query({
          text: `SELECT * FROM (${sql}\n) AS strata_export LIMIT 0`,
          queryMode: 'extended',
        } as pg.QueryConfig);
      } catch (error) {
        // A second statement, or one that cannot stand in a subquery (DML, DDL): a syntax error there.
        if ((error as { code?: unknown }).code === '42601') {
          const cause = sqlError(sql, error, this.scrub);
          throw new StrataError(
            'EXPORT_SQL_NOT_READ_ONLY',
            `the SQL to export is not one query that only reads (${cause.message})`,
            {
              hint: 'Give one SELECT (or WITH ... SELECT) statement, without a semicolon between statements; strata export only reads.',
              cause,
            },
          );
        }
        throw sqlError(sql, error, this.scrub);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  exportQuery(query: Statement, target: ExportTarget, signal?: AbortSignal): Promise<{ rows: number }> {
    return this.withSession(async (session) => {
      const own = this.asOwnSession(session);
      const cancel = () => void own.cancel().catch(() => undefined);
      signal?.addEventListener('abort', cancel, { once: true });
      try {
        return await exportPostgres(own, query, target, this.scratch, this.dialect);
      } finally {
        signal?.removeEventListener('abort', cancel);
      }
    });
  }

  /** Type names of result fields, as the catalog spells them (upper-case), looked up once per type. */
  async columnsOf(client: pg.ClientBase, fields: readonly pg.FieldDef[]): Promise<ColumnInfo[]> {
    const key = (f: pg.FieldDef) => `${f.dataTypeID}:${f.dataTypeModifier}`;
    const missing = [
      ...new Map(fields.filter((f) => !this.typeNames.has(key(f))).map((f) => [key(f), f])).values(),
    ];
    if (missing.length > 0) {
      const { rows } = await client.query<{ oid: number; mod: number; name: string }>(
        `SELECT t.oid::int AS oid, t.mod AS mod, upper(format_type(t.oid, t.mod)) AS name
         FROM unnest($1::oid[], $2::int[]) AS t(oid, mod)`,
        [missing.map((f) => f.dataTypeID), missing.map((f) => f.dataTypeModifier)],
      );
      for (const row of rows) this.typeNames.set(`${row.oid}:${row.mod}`, row.name);
    }
    return fields.map((f) => ({ name: f.name, type: this.typeNames.get(key(f)) ?? `OID ${f.dataTypeID}` }));
  }

  async acquireRunLock(): Promise<RunLock> {
    const client = await this.dedicatedClient();
    let held = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        RUN_LOCK_KEY.toString(),
      ]);
      held = rows[0]?.locked === true;
    } finally {
      if (!held) await client.end().catch(() => undefined);
    }
    if (!held) {
      throw new StrataError('RUN_LOCKED', `Another run is writing to ${this.description}.`, {
        hint: 'Wait for it to finish; strata never lets two runs write one warehouse at once. The lock is released when that run ends or its connection closes.',
      });
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await client.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK_KEY.toString()]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  isTransient(error: unknown): boolean {
    return isTransientPostgres(error);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.scratch.close();
    await this.pool.end();
  }
}

/** Statements that may create temporary tables, which must not outlive the session in the pool. */
const TEMPORARY = /\bTEMP(ORARY)?\b|strata\.drop_keeping_views/i;

/** Queries a server-side cursor can stream; anything else is read whole. */
const CURSOR_ABLE = /^\s*(\(\s*)*(SELECT|WITH|VALUES|TABLE)\b/i;

let cursorCounter = 0;

class PostgresSession implements CopySession, CopyOutSession {
  private readonly transactionState = new TransactionState();
  usedTemporaryTables = false;
  connectionLost = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly engine: PostgresEngine,
  ) {}

  async execute(sql: string, params?: readonly SqlValue[]): Promise<ExecResult> {
    const result = await this.run(sql, params);
    return { rowsAffected: result.rowCount ?? 0 };
  }

  async query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult> {
    const result = await this.run(sql, params);
    return { columns: await this.engine.columnsOf(this.client, result.fields), rows: result.rows as Row[] };
  }

  async *stream(sql: string, params?: readonly SqlValue[], batchRows = 2048): AsyncIterable<RowBatch> {
    if (!CURSOR_ABLE.test(stripComments(sql))) {
      yield await this.query(sql, params);
      return;
    }
    // A cursor lives in a transaction: the caller's, or one of its own, read-only.
    const own = !this.transactionState.open;
    const cursor = `strata_cursor_${++cursorCounter}`;
    if (own) await this.run('BEGIN READ ONLY');
    let done = false;
    try {
      await this.run(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params);
      let yielded = false;
      for (;;) {
        const result = await this.run(`FETCH FORWARD ${Math.max(1, Math.floor(batchRows))} FROM ${cursor}`);
        const rows = result.rows as Row[];
        if (rows.length > 0 || !yielded) {
          // An empty result still yields one batch, so consumers learn its columns.
          yield { columns: await this.engine.columnsOf(this.client, result.fields), rows };
          yielded = true;
        }
        if (rows.length < batchRows) break;
      }
      await this.run(`CLOSE ${cursor}`);
      if (own) await this.run('COMMIT');
      done = true;
    } finally {
      if (!done) {
        if (own) await this.client.query('ROLLBACK').catch(() => undefined);
        else await this.client.query(`CLOSE ${cursor}`).catch(() => undefined);
      }
    }
  }

  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.transactionState.run(
      {
        begin: () => this.run('BEGIN'),
        commit: () => this.run('COMMIT'),
        rollback: () => this.client.query('ROLLBACK'),
      },
      () => fn(this),
    );
  }

  async cancel(): Promise<void> {
    const pid = (this.client as unknown as { processID?: number }).processID;
    if (!pid) return;
    const canceller = await this.engine.dedicatedClient();
    try {
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  /** COPY ... FROM STDIN on this session's connection, fed from a stream of CSV bytes. */
  async copyFrom(sql: string, source: NodeJS.ReadableStream): Promise<number> {
    const copy = this.client.query(pgCopy.from(sql));
    try {
      await pipeline(source, copy);
    } catch (error) {
      if (isConnectionError(error)) this.connectionLost = true;
      throw sqlError(sql, error, this.engine.scrub);
    }
    return copy.rowCount;
  }

  /** COPY ... TO STDOUT on this session's connection, its bytes written to (or after) a file. */
  async copyToFile(sql: string, path: string, flags: 'w' | 'a'): Promise<number> {
    const copy = this.client.query(pgCopy.to(sql));
    try {
      await pipeline(copy, createWriteStream(path, { flags }));
    } catch (error) {
      if (isConnectionError(error)) this.connectionLost = true;
      throw sqlError(sql, error, this.engine.scrub);
    }
    return copy.rowCount;
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<pg.QueryResult> {
    if (TEMPORARY.test(sql)) this.usedTemporaryTables = true;
    const started = performance.now();
    try {
      const result = await this.client.query(sql, toParams(params));
      // Several statements in one text give one result each: the last one speaks for them.
      return Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
    } catch (error) {
      if (isConnectionError(error)) this.connectionLost = true;
      throw sqlError(sql, error, this.engine.scrub);
    } finally {
      this.engine.stats.statements += 1;
      this.engine.stats.ms += performance.now() - started;
    }
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code.startsWith('E'))) ||
    /Connection terminated|not queryable/i.test(String((error as Error)?.message ?? ''))
  );
}

function toParams(params?: readonly SqlValue[]): unknown[] | undefined {
  if (!params || params.length === 0) return undefined;
  return params.map((value) => (typeof value === 'bigint' ? value.toString() : value));
}

function stripComments(sql: string): string {
  return sql.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '');
}
