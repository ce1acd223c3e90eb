/**
 * The PostgreSQL adapter on a real server (the `postgres` test project only): credentials, the run
 * lock, cancelling, transient errors, the dialect's record-validation SQL, view-preserving swaps,
 * streaming, and raw loading compared record for record with the DuckDB engine.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDuckDb } from '../../src/engine/duckdb/duckdb-engine.ts';
import type { CopySession } from '../../src/engine/postgres/bulk.ts';
import { copyCsvLines } from '../../src/engine/postgres/csv-copy.ts';
import { createPostgresDialect } from '../../src/engine/postgres/dialect.ts';
import { openPostgres } from '../../src/engine/postgres/postgres-engine.ts';
import type { BulkFormat, Engine, RawLoadRequest, Row } from '../../src/engine/types.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { createRawTable } from '../../src/sources/raw-table.ts';
import { type TestDatabase, createTestDatabase } from '../support/postgres.ts';

let database: TestDatabase;
let engine: Engine;
let password: string;

beforeAll(async () => {
  database = await createTestDatabase(inject('strataPgAdminUrl'));
  password = decodeURIComponent(new URL(database.url).password);
  engine = await openPostgres({ url: database.url, urlEnv: 'STRATA_DATABASE_URL' });
});
afterAll(async () => {
  await engine?.close();
  await database?.drop();
});

const open = () => openPostgres({ url: database.url, urlEnv: 'STRATA_DATABASE_URL' });

async function failure(promise: Promise<unknown>): Promise<StrataError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StrataError);
    return error as StrataError;
  }
  throw new Error('expected a failure');
}

/** Everything a failure would show a person or write to the audit tables. */
const shown = (error: StrataError) => JSON.stringify(error.toJSON());

describe('credentials', () => {
  it('never appear in the description', () => {
    expect(password.length).toBeGreaterThan(5);
    expect(engine.description).not.toContain(password);
    expect(engine.description).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/strata_test_/);
  });

  it('never appear in errors: a wrong password, a missing database, a value in the SQL', async () => {
    const wrong = new URL(database.url);
    wrong.password = 'not-the-password-1234';
    const refused = await failure(openPostgres({ url: wrong.toString(), urlEnv: 'SHOP_DB' }));
    expect(refused.code).toBe('ENGINE_OPEN_FAILED');
    expect(shown(refused)).not.toContain('not-the-password-1234');
    expect(refused.hint).toContain('SHOP_DB');

    const missing = new URL(database.url);
    missing.pathname = '/no_such_database';
    const absent = await failure(openPostgres({ url: missing.toString(), urlEnv: 'SHOP_DB' }));
    expect(absent.code).toBe('ENGINE_OPEN_FAILED');
    expect(shown(absent)).not.toContain(password);

    const echoed = await failure(engine.query(`SELECT CAST($1 AS INTEGER)`, [`${database.url} ${password}`]));
    expect(echoed.code).toBe('SQL_FAILED');
    expect(shown(echoed)).not.toContain(password);
  });
});

describe('a role that may only read', () => {
  it('opens a warehouse whose helper functions it may not create', async (context) => {
    const admin = new pg.Client({ connectionString: inject('strataPgAdminUrl') });
    await admin.connect();
    const fresh = await createTestDatabase(inject('strataPgAdminUrl'));
    const role = `strata_reader_${process.pid}`;
    try {
      try {
        await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-secret'`);
      } catch {
        context.skip(); // the test server's role may not create roles
      }
      const url = new URL(fresh.url);
      url.username = role;
      url.password = 'reader-secret';
      const reader = await openPostgres({ url: url.toString(), urlEnv: 'READER' });
      try {
        expect((await reader.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        expect(await reader.listSchemas()).toEqual(['public']);
      } finally {
        await reader.close();
      }
    } finally {
      await fresh.drop();
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end();
    }
  });
});

describe('the run lock', () => {
  it('is refused with RUN_LOCKED while another engine holds it, and free again once released', async () => {
    const other = await open();
    try {
      const lock = await engine.acquireRunLock();
      expect((await failure(other.acquireRunLock())).code).toBe('RUN_LOCKED');
      await lock.release();
      const again = await other.acquireRunLock();
      await again.release();
    } finally {
      await other.close();
    }
  });

  it('is released when the connection holding it goes away', async () => {
    const other = await open();
    await other.acquireRunLock();
    await other.close(); // the lock's own connection stays open until released...
    expect((await failure(engine.acquireRunLock())).code).toBe('RUN_LOCKED');
    // ...so end it the way a dying process would: the server drops the session.
    await engine.execute(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`,
    );
    const lock = await engine.acquireRunLock();
    await lock.release();
  });
});

describe('sessions', () => {
  it('cancel the running statement: QUERY_CANCELLED, and the session goes on', async () => {
    await engine.withSession(async (session) => {
      const started = Date.now();
      const running = failure(session.query('SELECT pg_sleep(30)'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await session.cancel();
      expect((await running).code).toBe('QUERY_CANCELLED');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });

  it('roll back DDL and data together when the transaction fails', async () => {
    await engine.execute('CREATE SCHEMA IF NOT EXISTS txn');
    await engine.withSession(async (session) => {
      await expect(
        session.transaction(async (tx) => {
          await tx.execute('CREATE TABLE txn.t AS SELECT 1 AS x');
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
    });
    expect(await engine.listTables('txn')).toEqual([]);
  });

  it('stream in batches through a cursor; an empty result still tells its columns', async () => {
    const sizes: number[] = [];
    for await (const batch of engine.stream('SELECT g AS n FROM generate_series(1, 7) AS g', [], 3)) {
      sizes.push(batch.rows.length);
    }
    expect(sizes).toEqual([3, 3, 1]);
    const empty: { columns: string[]; rows: number }[] = [];
    for await (const batch of engine.stream('SELECT 1 AS a, 2 AS b WHERE false')) {
      empty.push({ columns: batch.columns.map((c) => c.name), rows: batch.rows.length });
    }
    expect(empty).toEqual([{ columns: ['a', 'b'], rows: 0 }]);
    await engine.withSession(async (session) => {
      for await (const batch of session.stream('SELECT g FROM generate_series(1, 100) AS g', [], 10)) {
        expect(batch.rows).toHaveLength(10);
        break; // leaving early closes the cursor and its transaction
      }
      expect((await session.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    });
  });

  it('run in UTC with ISO dates, and join without nested loops where another join can run', async () => {
    const { rows } = await engine.query(
      `SELECT current_setting('TimeZone') AS zone, current_setting('DateStyle') AS style,
         current_setting('enable_nestloop') AS nestloop`,
    );
    expect(rows).toEqual([{ zone: 'UTC', style: 'ISO, YMD', nestloop: 'off' }]);
    // A join only a nested loop can run (no equality to hash or merge on) still runs.
    expect(
      (
        await engine.query(
          'SELECT count(*) AS n FROM generate_series(1, 50) AS a(x) JOIN generate_series(1, 50) AS b(y) ON a.x < b.y',
        )
      ).rows,
    ).toEqual([{ n: 1225 }]);
  });

  it('keep the settings a URL’s options give, except those strata sets itself', async () => {
    const url = new URL(database.url);
    url.searchParams.set('options', '-c work_mem=77MB -c TimeZone=Europe/Berlin');
    const tuned = await openPostgres({ url: url.toString(), urlEnv: 'STRATA_DATABASE_URL' });
    try {
      const { rows } = await tuned.query(
        `SELECT current_setting('work_mem') AS work_mem, current_setting('TimeZone') AS zone`,
      );
      expect(rows).toEqual([{ work_mem: '77MB', zone: 'UTC' }]);
    } finally {
      await tuned.close();
    }
  });

  it('return values in the DuckDB adapter’s shapes', async () => {
    const { rows, columns } = await engine.query(
      `SELECT CAST(12 AS BIGINT) AS big, CAST('12.50' AS NUMERIC(10, 2)) AS amount, count(*) AS n,
         DATE '2025-03-14' AS d, TIMESTAMP '2025-03-14 10:11:12.5' AS ts, CAST('{"a": 1}' AS JSONB) AS j,
         CAST(9007199254740993 AS BIGINT) AS huge, 1.5::float8 AS f, true AS b`,
    );
    expect(rows).toEqual([
      {
        big: 12,
        amount: 12.5,
        n: 1,
        d: '2025-03-14',
        ts: '2025-03-14 10:11:12.5',
        j: '{"a": 1}',
        huge: '9007199254740993',
        f: 1.5,
        b: true,
      },
    ]);
    expect(columns.map((c) => c.type)).toEqual([
      'BIGINT',
      'NUMERIC(10,2)',
      'BIGINT',
      'DATE',
      'TIMESTAMP WITHOUT TIME ZONE',
      'JSONB',
      'BIGINT',
      'DOUBLE PRECISION',
      'BOOLEAN',
    ]);
  });

  it('tell transient failures (serialization, deadlock) from the rest', async () => {
    const raise = (state: string) =>
      failure(engine.execute(`DO $$ BEGIN RAISE EXCEPTION 'boom' USING ERRCODE = '${state}'; END $$`));
    for (const state of ['40001', '40P01']) {
      const error = await raise(state);
      expect(error.transient, state).toBe(true);
      expect(engine.isTransient(error), state).toBe(true);
    }
    const permanent = await raise('22P02');
    expect(permanent.transient).toBe(false);
    expect(engine.isTransient(permanent)).toBe(false);
  });
});

describe('the dialect', () => {
  const one = async (sql: string): Promise<Row> => (await engine.query(sql)).rows[0] as Row;

  it.each([
    ['current servers (pg_input_is_valid)', 180000],
    ['servers before 16 (the helper function)', 150000],
  ])('tryCast yields null instead of failing, on %s', async (_label, serverVersion) => {
    const d = createPostgresDialect({ serverVersion });
    // Texts come from a table, as record fields do: the planner folds a cast of a constant (or of
    // a parameter in a subquery it flattens) before the CASE can guard it.
    const cases: [string | null, string, unknown][] = [
      ['12', 'BIGINT', 12],
      ['x', 'BIGINT', null],
      ['1.5', 'BIGINT', null],
      ['12.345', 'DECIMAL(10, 2)', 12.35],
      ['2025-02-30', 'DATE', null],
      ['2025-02-28', 'DATE', '2025-02-28'],
      [null, 'DOUBLE PRECISION', null],
    ];
    const { rows } = await engine.withSession(async (s) => {
      await s.execute(
        `CREATE TEMPORARY TABLE texts AS SELECT ${cases.map((_, i) => `CAST($${i + 1} AS TEXT) AS c${i}`).join(', ')}`,
        cases.map(([text]) => text),
      );
      return s.query(
        `SELECT ${cases.map(([, type], i) => `${d.tryCast(`t.c${i}`, type)} AS v${i}`).join(', ')} FROM texts AS t`,
      );
    });
    expect(rows).toEqual([Object.fromEntries(cases.map(([, , value], i) => [`v${i}`, value]))]);
  });

  it('tryParseTimestamp reads strptime formats strictly and yields null for what does not parse', async () => {
    const d = engine.dialect;
    const parse = (text: string, format: string) => d.tryParseTimestamp(d.stringLiteral(text), format);
    expect(
      await one(`SELECT
        ${parse('2025-03-14T10:11:12Z', '%Y-%m-%dT%H:%M:%SZ')} AS iso,
        ${parse('2025-03-14 10:11:12', '%Y-%m-%dT%H:%M:%SZ')} AS iso_without_t,
        ${parse('3/14/2025', '%m/%d/%Y')} AS us,
        ${parse('14/3/2025', '%m/%d/%Y')} AS us_swapped,
        ${parse('2/30/2025', '%m/%d/%Y')} AS impossible,
        ${parse('14/03/2025 09:30', '%d/%m/%Y %H:%M')} AS eu,
        ${parse('14/03/2025 9:30 extra', '%d/%m/%Y %H:%M')} AS trailing,
        ${parse('20250314', '%Y%m%d')} AS compact,
        ${parse('14 Mar 2025', '%d %b %Y')} AS month_name,
        ${parse('', '%Y-%m-%d')} AS empty`),
    ).toEqual({
      iso: '2025-03-14 10:11:12',
      iso_without_t: null,
      us: '2025-03-14 00:00:00',
      us_swapped: null,
      impossible: null,
      eu: '2025-03-14 09:30:00',
      trailing: null,
      compact: '2025-03-14 00:00:00',
      month_name: '2025-03-14 00:00:00',
      empty: null,
    });
  });

  it('reads JSON records: texts, values, keys, types and array elements', async () => {
    const d = engine.dialect;
    const record = `CAST(${d.stringLiteral('{"id": "7", "n": 2.50, "tags": ["a", "b"], "none": null, "o": {"k": 1}, "s": ["x, y: z", "q\\"r"]}')} AS JSONB)`;
    // Arrays and objects as DuckDB gives them: compact JSON, strings untouched.
    expect(
      await one(`SELECT ${d.jsonText(record, 'tags')} AS tags, ${d.jsonText(record, 's')} AS s`),
    ).toEqual({
      tags: '["a","b"]',
      s: '["x, y: z","q\\"r"]',
    });
    expect(
      await one(`SELECT ${d.jsonText(record, 'id')} AS id, ${d.jsonText(record, 'n')} AS n, ${d.jsonText(record, 'none')} AS none,
        ${d.jsonText(record, 'absent')} AS absent, ${d.jsonTypeOf(record, 'tags')} AS tags_type,
        ${d.jsonTypeOf(record, 'none')} AS none_type, ${d.jsonTypeOf(record, 'absent')} AS absent_type,
        CAST(${d.jsonValue(record, 'o')} AS TEXT) AS o, ${d.regexFullMatch(d.stringLiteral('AB-12'), '[A-Z]{2}-[0-9]+')} AS full_match,
        ${d.regexFullMatch(d.stringLiteral('xAB-12'), '[A-Z]{2}-[0-9]+')} AS partial_match`),
    ).toEqual({
      id: '7',
      n: '2.50',
      none: null,
      absent: null,
      tags_type: 'ARRAY',
      none_type: 'NULL',
      absent_type: null,
      o: '{"k": 1}',
      full_match: true,
      partial_match: false,
    });
    const texts = d.jsonTexts('r.record', ['id', 'n'], 'texts');
    expect(
      (
        await engine.query(
          `SELECT ${[0, 1].map((i) => `${texts.text(i)} AS k${i}`).join(', ')}
           FROM (SELECT ${texts.select.join(', ')} FROM (SELECT ${record} AS record) AS r) AS e`,
        )
      ).rows,
    ).toEqual([{ k0: '7', k1: '2.50' }]);
    const keys = await engine.query(
      `${d.jsonKeys(`(SELECT ${record} AS record UNION ALL SELECT CAST('{"x": 1}' AS JSONB)) AS rel`, 'record')} ORDER BY key`,
    );
    expect(keys.rows.map((r) => r.key)).toEqual(['id', 'n', 'none', 'o', 's', 'tags', 'x']);
    const items = await engine.query(
      `SELECT id, CAST(strata_item AS TEXT) AS item, strata_item_position AS position FROM (${d.unnestJsonArray(
        `SELECT 1 AS id, ${record} AS record UNION ALL SELECT 2, CAST('{"tags": "not an array"}' AS JSONB)`,
        d.jsonValue('src.record', 'tags'),
      )}) AS u ORDER BY id, position`,
    );
    expect(items.rows).toEqual([
      { id: 1, item: '"a"', position: 1 },
      { id: 1, item: '"b"', position: 2 },
    ]);
  });

  it('swaps a table under views built on it, keeping them (and the views on those views)', async () => {
    const d = engine.dialect;
    await engine.execute('CREATE SCHEMA IF NOT EXISTS swap');
    await engine.execute('CREATE TABLE swap.t AS SELECT 1 AS id, 10 AS v');
    await engine.execute('CREATE VIEW swap.on_t AS SELECT id, v FROM swap.t');
    await engine.execute('CREATE VIEW swap.on_on_t AS SELECT id FROM swap.on_t');
    await engine.execute('CREATE TABLE swap.t__new AS SELECT 2 AS id, 20 AS v, 200 AS extra');
    await engine.withSession((s) =>
      s.transaction(async (tx) => {
        for (const sql of d.swapTable({ schema: 'swap', name: 't__new' }, { schema: 'swap', name: 't' })) {
          await tx.execute(sql);
        }
      }),
    );
    expect((await engine.query('SELECT * FROM swap.on_on_t')).rows).toEqual([{ id: 2 }]);
    expect((await engine.query('SELECT * FROM swap.on_t')).rows).toEqual([{ id: 2, v: 20 }]);
    // A view that no longer fits (its column is gone) is left to its own model to create again.
    await engine.execute('CREATE TABLE swap.t__new AS SELECT 3 AS id');
    await engine.withSession((s) =>
      s.transaction(async (tx) => {
        for (const sql of d.swapTable({ schema: 'swap', name: 't__new' }, { schema: 'swap', name: 't' })) {
          await tx.execute(sql);
        }
      }),
    );
    expect((await engine.listTables('swap')).map((t) => `${t.name}:${t.kind}`)).toEqual(['t:table']);
  });

  it('replaces a view whose columns change, keeping the views built on it', async () => {
    const d = engine.dialect;
    await engine.execute('CREATE SCHEMA IF NOT EXISTS views');
    await engine.execute('CREATE VIEW views.base AS SELECT 1 AS a');
    await engine.execute('CREATE VIEW views.top AS SELECT a FROM views.base');
    await engine.withSession((s) =>
      s.transaction(async (tx) => {
        for (const sql of d.replaceView({ schema: 'views', name: 'base' }, 'SELECT 2 AS b, 5 AS a')) {
          await tx.execute(sql);
        }
      }),
    );
    expect((await engine.query('SELECT * FROM views.top')).rows).toEqual([{ a: 5 }]);
    expect((await engine.query('SELECT * FROM views.base')).rows).toEqual([{ b: 2, a: 5 }]);
  });
});

describe('raw loading', () => {
  let dir: string;
  let duck: Engine;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-pg-raw-'));
    duck = await openDuckDb({ path: join(dir, 'reference.duckdb') });
    for (const e of [engine, duck]) {
      await e.execute('CREATE SCHEMA IF NOT EXISTS raw');
      await e.execute(createRawTable(e.dialect, { schema: 'raw', name: 'files' }));
    }
  });
  afterAll(async () => {
    await duck?.close();
    await rm(dir, { recursive: true, force: true });
  });

  let loads = 0;
  /** Loads a file into both engines' raw tables and returns both results and rows. */
  async function loadBoth(name: string, content: string | Buffer, format: BulkFormat, gzip = false) {
    const path = join(dir, name);
    await writeFile(path, gzip ? gzipSync(content) : content);
    const request: RawLoadRequest = {
      target: { schema: 'raw', name: 'files' },
      path,
      format,
      compression: gzip ? 'gzip' : 'none',
      lineage: {
        ingestionId: `ing_${++loads}`,
        runId: 'run_1',
        loadDate: '2025-03-14',
        sourceFile: name,
        ingestedAt: '2025-03-14 10:11:12.345',
      },
    };
    const read = async (e: Engine) => {
      const result = await e.withSession((s) => s.transaction((tx) => e.loadRaw(request, tx)));
      const { rows } = await e.query(
        `SELECT *, CAST(load_date AS ${e.dialect.type('text')}) AS load_date,
           CAST(ingested_at AS ${e.dialect.type('text')}) AS ingested_at, CAST(record AS ${e.dialect.type('text')}) AS record
         FROM raw.files WHERE ingestion_id = $1 ORDER BY record_position, source_line`,
        [request.lineage.ingestionId],
      );
      // JSON texts differ in spacing between engines; their values must not.
      return {
        result,
        rows: rows.map((r) => ({ ...r, record: r.record === null ? null : JSON.parse(String(r.record)) })),
      };
    };
    return { postgres: await read(engine), duckdb: await read(duck) };
  }

  it.each([
    [
      'CSV with a stray quote and a bad column count',
      'orders.csv',
      'id,amount,note\n1,10.50,fine\n2,"3.00,oops\n3,7,"quoted, with comma"\n4,5\n',
      'csv' as const,
    ],
    // Plain files (no quote anywhere) go straight into COPY; the others are read by DuckDB first.
    [
      'a plain CSV file',
      'plain.csv',
      'id,amount,note\n1,10.50,fine\n2,,a b\\c\n3,7, padded \n',
      'csv' as const,
    ],
    ['a plain CSV file with a BOM and CRLF', 'bom.csv', '\uFEFFid,note\r\n1,x\r\n2,y', 'csv' as const],
    ['a plain CSV file with a short line', 'short.csv', 'id,amount\n1,2\n3\n4,5\n', 'csv' as const],
    ['a plain CSV file with a blank line', 'blank.csv', 'id,amount\n1,2\n\n4,5\n\n', 'csv' as const],
    ['a one-column plain CSV file with a blank line', 'one.csv', 'id\n1\n\n2\n', 'csv' as const],
    [
      'a plain CSV file holding a line that reads \\.',
      'end.csv',
      'id,amount\n1,2\n\\.\n4,5\n',
      'csv' as const,
    ],
    ['a plain CSV file with a stray carriage return', 'cr.csv', 'id,amount\n1,2\r\n4,5\n', 'csv' as const],
    ['a JSON array', 'orders.json', '[{"id": 1, "n": 1.50}, {"id": 2, "tags": ["a"]}, 3]', 'json' as const],
    [
      // The hand-over file quotes with U+0001: a value holding one, or quotes and commas, survives.
      'CSV values holding control characters, quotes and commas',
      'notes.csv',
      'id,note\n1,"say ""hi"", then go"\n2,a\u0001b\u0001\u0001c\n3,tab\there\n4,\n',
      'csv' as const,
    ],
    [
      'NDJSON whose strings hold escaped and raw control characters',
      'notes.ndjson',
      '{"id": 1, "s": "a\\u0001b\\"q\\""}\n{"id": 3, "s": "\u0001raw"}\n',
      'ndjson' as const,
    ],
    [
      'NDJSON with a broken line',
      'orders.ndjson',
      '{"id": 1}\n{"id": 2\n\n{"id": 3, "s": "é"}\n[1]\n',
      'ndjson' as const,
    ],
  ])('lands %s exactly as the DuckDB engine does', async (_label, name, content, format) => {
    const both = await loadBoth(name, content, format);
    expect(both.postgres).toEqual(both.duckdb);
    expect(both.postgres.result.records).toBeGreaterThan(0);
  });

  it('copies CSV files of one record a line straight into raw, and leaves nothing behind when one is not', async () => {
    const attempt = (name: string, content: string) =>
      engine.withSession((s) =>
        s.transaction(async (tx) => {
          const path = join(dir, name);
          await writeFile(path, content);
          const request: RawLoadRequest = {
            target: { schema: 'raw', name: 'files' },
            path,
            format: 'csv',
            compression: 'none',
            lineage: {
              ingestionId: name,
              runId: 'run_2',
              loadDate: '2025-03-15',
              sourceFile: name,
              ingestedAt: '2025-03-15 00:00:00',
            },
          };
          return copyCsvLines(request, tx as CopySession, engine.dialect, { header: true });
        }),
      );
    expect(await attempt('direct.csv', 'id,amount\n1,2\n3,4\n')).toEqual({ records: 2, malformed: 0 });
    expect(await attempt('quoted.csv', 'id,amount\n1,"2, or 3"\n')).toEqual({ records: 1, malformed: 0 });
    expect(await attempt('stray.csv', 'id,amount\n1,"2\n3,4\n')).toBeUndefined();
    expect(await attempt('spanning.csv', 'id,amount\n1,"2\n3"\n')).toBeUndefined();
    expect(await attempt('blank.csv', 'id,amount\n1,2\n\n3,4\n')).toBeUndefined();
    expect(await attempt('separator.csv', 'id,amount\n1,2\u001e\n')).toBeUndefined();
    const rows = await engine.query(
      `SELECT source_file, record_position, source_line, raw_text, record FROM raw.files WHERE run_id = 'run_2' ORDER BY 1, 2`,
    );
    expect(rows.rows).toEqual([
      { source_file: 'direct.csv', record_position: 1, source_line: 2, raw_text: '1,2', record: null },
      { source_file: 'direct.csv', record_position: 2, source_line: 3, raw_text: '3,4', record: null },
      {
        source_file: 'quoted.csv',
        record_position: 1,
        source_line: 2,
        raw_text: '1,"2, or 3"',
        record: null,
      },
    ]);
    // The per-file defaults were dropped again, whichever way the attempt ended.
    const defaults = await engine.query(
      `SELECT count(*) AS n FROM pg_catalog.pg_attrdef WHERE adrelid = to_regclass('raw.files')`,
    );
    expect(defaults.rows).toEqual([{ n: 0 }]);
  });

  it('stores a NUL in a CSV line as U+FFFD', async () => {
    const both = await loadBoth('nul.csv', 'id,note\n1,"a\u0000b"\n2,x\u0000y\n', 'csv');
    expect(both.duckdb.rows.map((r: Record<string, unknown>) => r['raw_text'])).toEqual([
      '1,"a\u0000b"',
      '2,x\u0000y',
    ]);
    expect(both.postgres.rows.map((r: Record<string, unknown>) => [r['raw_text'], r['record']])).toEqual([
      ['1,"a\uFFFDb"', null],
      ['2,x\uFFFDy', null],
    ]);
  });

  it('keeps a record with an escaped NUL, which jsonb cannot hold, as malformed text with the reason', async () => {
    const both = await loadBoth('nul.ndjson', '{"id": 1}\n{"id": 2, "s": "nul\\u0000here"}\n', 'ndjson');
    expect(both.duckdb.result).toMatchObject({ records: 2, malformed: 0 });
    expect(both.postgres.result).toMatchObject({ records: 2, malformed: 1 });
    expect(both.postgres.rows[1]).toMatchObject({
      record: null,
      raw_text: '{"id": 2, "s": "nul\\u0000here"}',
      parse_error: 'the record holds an escaped NUL character (\\u0000), which PostgreSQL cannot store',
    });
    expect(both.postgres.rows[0]).toEqual(both.duckdb.rows[0]);
  });

  it('reads gzip-compressed NDJSON and Parquet the same way', async () => {
    const gz = await loadBoth('events.ndjson.gz', '{"id": 1}\n{"id": 2}\nnot json\n', 'ndjson', true);
    expect(gz.postgres).toEqual(gz.duckdb);
    expect(gz.postgres.result).toMatchObject({ records: 3, malformed: 1 });
    const parquet = join(dir, 'products.parquet');
    await duck.execute(
      `COPY (SELECT 1 AS id, 'lamp' AS name, 9.99 AS price UNION ALL SELECT 2, 'desk', 120) TO '${parquet}' (FORMAT parquet)`,
    );
    const { readFile } = await import('node:fs/promises');
    const both = await loadBoth('products-copy.parquet', await readFile(parquet), 'parquet');
    expect(both.postgres).toEqual(both.duckdb);
    expect(both.postgres.result.records).toBe(2);
  });

  it('fails a truncated JSON array with FILE_UNREADABLE, loading none of it', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '[{"id": 1}, {"id": 2');
    const error = await failure(
      engine.withSession((s) =>
        engine.loadRaw(
          {
            target: { schema: 'raw', name: 'files' },
            path,
            format: 'json',
            compression: 'none',
            lineage: {
              ingestionId: 'broken',
              runId: 'run_1',
              loadDate: '2025-03-14',
              sourceFile: 'broken.json',
              ingestedAt: '2025-03-14 10:11:12',
            },
          },
          s,
        ),
      ),
    );
    expect(error.code).toBe('FILE_UNREADABLE');
    expect(
      (await engine.query(`SELECT count(*) AS n FROM raw.files WHERE ingestion_id = 'broken'`)).rows,
    ).toEqual([{ n: 0 }]);
  });
});
