/**
 * The contract of the engine interface (src/engine/types.ts), one suite for every adapter: the
 * `duckdb` test project runs it on a DuckDB file, the `postgres` project on a fresh database of the
 * test server. Every expectation is the same literal on both engines — what strata relies on when
 * it renders SQL through a Dialect and calls an Engine without asking which one it has. Where a
 * capability flag says an engine behaves differently, the test checks the behaviour matches the
 * flag.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDuckDb } from '../../src/engine/duckdb/duckdb-engine.ts';
import { openPostgres } from '../../src/engine/postgres/postgres-engine.ts';
import type { Engine, RawLoadRequest, Row, TableRef } from '../../src/engine/types.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { createRawTable } from '../../src/sources/raw-table.ts';
import { type TestDatabase, createTestDatabase, testEngine } from '../support/postgres.ts';

const ENGINE = testEngine();

let dir: string;
let database: TestDatabase | undefined;
let engine: Engine;
/** Another engine on the same warehouse (a second process would see the same). */
let open: () => Promise<Engine>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-contract-'));
  if (ENGINE === 'postgres') {
    const db = await createTestDatabase(inject('strataPgAdminUrl'));
    database = db;
    open = () => openPostgres({ url: db.url, urlEnv: 'STRATA_DATABASE_URL' });
  } else {
    open = () => openDuckDb({ path: join(dir, 'contract.duckdb') });
  }
  engine = await open();
  await engine.execute('CREATE SCHEMA IF NOT EXISTS contract');
});
afterAll(async () => {
  await engine?.close();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

const t = (name: string): TableRef => ({ schema: 'contract', name });
const q = (name: string) => engine.dialect.qualify(t(name));
const type = (logical: Parameters<Engine['dialect']['type']>[0]) => engine.dialect.type(logical);

/** Rows of a query, every value as text (or null): engines return numbers and dates alike then. */
async function texts(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<Row[]> {
  const { rows } = await engine.query(sql, params);
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])),
  );
}

async function failure(promise: Promise<unknown>): Promise<StrataError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StrataError);
    return error as StrataError;
  }
  throw new Error('expected a failure');
}

describe(`the Engine contract (${ENGINE})`, () => {
  it('describes the warehouse, and its dialect is the engine’s', () => {
    expect(engine.description.length).toBeGreaterThan(0);
    expect(engine.dialect.name).toBe(ENGINE);
  });

  describe('queries and statements', () => {
    it('binds $n parameters of every value type, null included, and returns columns in order', async () => {
      const { columns, rows } = await engine.query(
        `SELECT CAST($1 AS ${type('integer')}) + 1 AS next, CAST($2 AS ${type('text')}) AS name,
                CAST($3 AS ${type('boolean')}) AS flag, CAST($4 AS ${type('double')}) * 2 AS twice,
                CAST($5 AS ${type('text')}) AS nothing, CAST($6 AS ${type('bigint')}) AS big`,
        [41, "O'Brien; DROP TABLE x", true, 1.25, null, 9007199254740991n],
      );
      expect(columns.map((c) => c.name)).toEqual(['next', 'name', 'flag', 'twice', 'nothing', 'big']);
      for (const c of columns) expect(c.type).toBe(c.type.toUpperCase());
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(Number(row?.next)).toBe(42);
      expect(row?.name).toBe("O'Brien; DROP TABLE x");
      expect(row?.flag).toBe(true);
      expect(Number(row?.twice)).toBe(2.5);
      expect(row?.nothing).toBeNull();
      expect(BigInt(row?.big as bigint | number | string)).toBe(9007199254740991n);
    });

    it('counts the rows a statement inserted, updated or deleted, and 0 for DDL', async () => {
      expect(
        await engine.execute(`CREATE TABLE ${q('counted')} (id ${type('integer')}, v ${type('text')})`),
      ).toEqual({ rowsAffected: 0 });
      expect(await engine.execute(`INSERT INTO ${q('counted')} VALUES (1, 'a'), (2, 'b'), (3, 'c')`)).toEqual(
        { rowsAffected: 3 },
      );
      expect(await engine.execute(`UPDATE ${q('counted')} SET v = 'z' WHERE id >= $1`, [2])).toEqual({
        rowsAffected: 2,
      });
      expect(await engine.execute(`DELETE FROM ${q('counted')} WHERE id = $1`, [1])).toEqual({
        rowsAffected: 1,
      });
      expect(await texts(`SELECT id, v FROM ${q('counted')} ORDER BY id`)).toEqual([
        { id: '2', v: 'z' },
        { id: '3', v: 'z' },
      ]);
    });

    it('streams a result in batches, every row once, in order', async () => {
      const batches: Row[][] = [];
      for await (const batch of engine.stream(
        `SELECT CAST(n AS ${type('integer')}) AS n FROM (VALUES (1), (2), (3), (4), (5)) AS v(n) WHERE n <= $1 ORDER BY n`,
        [5],
        2,
      )) {
        expect(batch.columns.map((c) => c.name)).toEqual(['n']);
        batches.push(batch.rows);
      }
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.flat().map((r) => Number(r.n))).toEqual([1, 2, 3, 4, 5]);
    });

    it('reports a failing statement as SQL_FAILED with its SQL, and it is not transient', async () => {
      const error = await failure(engine.query(`SELECT * FROM ${q('no_such_table')}`));
      expect(error.code).toBe('SQL_FAILED');
      expect(engine.isTransient(error)).toBe(false);
    });

    it('describes a query’s columns without running it to completion', async () => {
      const columns = await engine.describeQuery(
        `SELECT CAST($1 AS ${type('integer')}) AS a, CAST('x' AS ${type('text')}) AS b FROM ${q('counted')}`,
        [1],
      );
      expect(columns.map((c) => c.name)).toEqual(['a', 'b']);
    });
  });

  describe('sessions and transactions', () => {
    beforeAll(async () => {
      await engine.execute(`CREATE TABLE ${q('ledger')} (id ${type('integer')}, note ${type('text')})`);
    });
    const ids = async () => (await texts(`SELECT id FROM ${q('ledger')} ORDER BY id`)).map((r) => r.id);

    it('commits what the transaction wrote and returns its value', async () => {
      const value = await engine.withSession((session) =>
        session.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${q('ledger')} VALUES ($1, $2)`, [1, 'kept']);
          const { rows } = await tx.query(`SELECT count(*) AS n FROM ${q('ledger')}`);
          return Number(rows[0]?.n);
        }),
      );
      expect(value).toBe(1);
      expect(await ids()).toEqual(['1']);
    });

    it('rolls back everything the transaction wrote when it throws, and rethrows', async () => {
      const thrown = new Error('changed my mind');
      const outcome = await engine
        .withSession((session) =>
          session.transaction(async (tx) => {
            await tx.execute(`INSERT INTO ${q('ledger')} VALUES ($1, $2)`, [2, 'gone']);
            await tx.execute(`DELETE FROM ${q('ledger')} WHERE id = 1`);
            throw thrown;
          }),
        )
        .catch((error: unknown) => error);
      expect(outcome).toBe(thrown);
      expect(await ids()).toEqual(['1']);
    });

    it('rolls back DDL with the transaction exactly when capabilities.transactionalDdl', async () => {
      await engine
        .withSession((session) =>
          session.transaction(async (tx) => {
            await tx.execute(`CREATE TABLE ${q('ddl_in_tx')} (id ${type('integer')})`);
            await tx.execute(`DROP TABLE ${q('ledger')}`);
            throw new Error('roll back');
          }),
        )
        .catch(() => undefined);
      const names = (await engine.listTables('contract')).map((table) => table.name);
      expect(names.includes('ddl_in_tx')).toBe(!engine.capabilities.transactionalDdl);
      expect(names.includes('ledger')).toBe(engine.capabilities.transactionalDdl);
    });

    it('keeps a session’s state between its statements (one connection)', async () => {
      const seen = await engine.withSession(async (session) => {
        await session.execute(`CREATE TEMPORARY TABLE session_scratch (v ${type('integer')})`);
        await session.execute(`INSERT INTO session_scratch VALUES (7)`);
        return (await session.query(`SELECT v FROM session_scratch`)).rows;
      });
      expect(seen.map((r) => Number(r.v))).toEqual([7]);
    });

    it('cancels a running statement from another async context (capabilities.cancelQueries)', async () => {
      expect(engine.capabilities.cancelQueries).toBe(true);
      const error = await engine.withSession(async (session) => {
        // about 10^10 rows: far longer than the test, unless cancelled
        const running = session
          .query(
            `SELECT count(*) AS n FROM generate_series(1, 100000) AS a(x) CROSS JOIN generate_series(1, 100000) AS b(y)
             WHERE a.x + b.y < 0`,
          )
          .catch((e: unknown) => e);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await session.cancel();
        return running;
      });
      expect(error).toBeInstanceOf(StrataError);
      expect((error as StrataError).code).toBe('QUERY_CANCELLED');
      // the engine is still usable afterwards
      expect(await texts('SELECT 1 AS one')).toEqual([{ one: '1' }]);
    });
  });

  describe('identifiers and the catalog', () => {
    it('quotes identifiers so their case is kept, and refuses names that are not identifiers', async () => {
      const d = engine.dialect;
      await engine.execute(
        `CREATE TABLE ${d.qualify(t('Mixed_Case'))} (${d.quoteIdentifier('Amount')} ${type('integer')}, ${d.quoteIdentifier('select')} ${type('text')})`,
      );
      await engine.execute(`INSERT INTO ${d.qualify(t('Mixed_Case'))} VALUES (5, 'keyword')`);
      expect(
        await texts(
          `SELECT ${d.quoteIdentifier('Amount')} AS amount, ${d.quoteIdentifier('select')} AS kw FROM ${d.qualify(t('Mixed_Case'))}`,
        ),
      ).toEqual([{ amount: '5', kw: 'keyword' }]);
      expect((await engine.listColumns(t('Mixed_Case'))).map((c) => c.name)).toEqual(['Amount', 'select']);
      for (const bad of ['a;b', 'x"y', '1abc', 'a b', '', 'x'.repeat(64)]) {
        expect(() => d.quoteIdentifier(bad), bad).toThrow(/not a valid identifier/);
        expect(() => d.qualify({ schema: 'contract', name: bad }), bad).toThrow(StrataError);
        expect(() => d.qualify({ schema: bad, name: 'ok' }), bad).toThrow(StrataError);
      }
    });

    it('lists schemas, tables and views, and columns in order with the logical types’ names', async () => {
      await engine.execute('CREATE SCHEMA IF NOT EXISTS catalog_probe');
      const probe: TableRef = { schema: 'catalog_probe', name: 'typed' };
      const logical = [
        'text',
        'integer',
        'bigint',
        'double',
        'boolean',
        'date',
        'timestamp',
        'json',
      ] as const;
      await engine.execute(
        `CREATE TABLE ${engine.dialect.qualify(probe)} (${logical.map((l) => `c_${l} ${type(l)}`).join(', ')})`,
      );
      await engine.execute(
        `CREATE VIEW ${engine.dialect.qualify({ schema: 'catalog_probe', name: 'typed_view' })} AS SELECT c_text FROM ${engine.dialect.qualify(probe)}`,
      );
      expect(await engine.listSchemas()).toEqual(expect.arrayContaining(['contract', 'catalog_probe']));
      expect(await engine.listTables('catalog_probe')).toEqual([
        { schema: 'catalog_probe', name: 'typed', kind: 'table' },
        { schema: 'catalog_probe', name: 'typed_view', kind: 'view' },
      ]);
      expect((await engine.listTables()).filter((table) => table.schema === 'catalog_probe')).toHaveLength(2);
      const columns = await engine.listColumns(probe);
      expect(columns.map((c) => c.name)).toEqual(logical.map((l) => `c_${l}`));
      for (const c of columns) expect(c.type).toBe(c.type.toUpperCase());
      // Every table's columns in one statement: the same as listColumns gives one table's.
      const before = engine.statementStats();
      const all = await engine.listAllColumns();
      expect(engine.statementStats().statements).toBe(before.statements + 1);
      expect(all.find((t) => t.schema === 'catalog_probe' && t.name === 'typed')?.columns).toEqual(columns);
      expect(all.find((t) => t.schema === 'catalog_probe' && t.name === 'typed_view')?.columns).toEqual(
        await engine.listColumns({ schema: 'catalog_probe', name: 'typed_view' }),
      );
      // describeQuery agrees with the catalog, but for DuckDB's JSON, which it describes as the
      // VARCHAR underneath (DuckDB's JSON type is an alias of VARCHAR)
      const described = await engine.describeQuery(`SELECT * FROM ${engine.dialect.qualify(probe)}`);
      expect(described.map((c) => c.name)).toEqual(columns.map((c) => c.name));
      for (const [i, c] of described.entries()) {
        if (c.name === 'c_json' && c.type !== columns[i]?.type)
          expect([c.type, columns[i]?.type]).toEqual(['VARCHAR', 'JSON']);
        else expect(c).toEqual(columns[i]);
      }
    });
  });

  describe('replacing relations', () => {
    const rows = async (name: string) => (await texts(`SELECT v FROM ${q(name)} ORDER BY v`)).map((r) => r.v);
    const inTransaction = (statements: string[]) =>
      engine.withSession((session) =>
        session.transaction(async (tx) => {
          for (const sql of statements) await tx.execute(sql);
        }),
      );

    it('swapTable replaces a table with a staged one (views built on it keep working)', async () => {
      await engine.execute(`CREATE TABLE ${q('target')} AS SELECT CAST(1 AS ${type('integer')}) AS v`);
      await engine.execute(`CREATE VIEW ${q('on_target')} AS SELECT v FROM ${q('target')}`);
      await engine.execute(
        `CREATE TABLE ${q('target_staged')} AS SELECT CAST(v AS ${type('integer')}) AS v FROM (VALUES (2), (3)) AS x(v)`,
      );
      await inTransaction(engine.dialect.swapTable(t('target_staged'), t('target')));
      expect(await rows('target')).toEqual(['2', '3']);
      expect(await rows('on_target')).toEqual(['2', '3']);
      const names = (await engine.listTables('contract')).map((table) => table.name);
      expect(names).not.toContain('target_staged');
    });

    it('replaceView replaces a view atomically', async () => {
      await inTransaction(
        engine.dialect.replaceView(t('a_view'), `SELECT CAST(1 AS ${type('integer')}) AS v`),
      );
      await inTransaction(
        engine.dialect.replaceView(t('a_view'), `SELECT CAST(9 AS ${type('integer')}) AS v`),
      );
      expect(await rows('a_view')).toEqual(['9']);
    });

    it('dropRelation lets a view take a table’s place and a table a view’s', async () => {
      await engine.execute(`CREATE TABLE ${q('shape')} AS SELECT CAST(1 AS ${type('integer')}) AS v`);
      await inTransaction([
        ...engine.dialect.dropRelation(t('shape'), 'table'),
        ...engine.dialect.replaceView(t('shape'), `SELECT CAST(2 AS ${type('integer')}) AS v`),
      ]);
      expect((await engine.listTables('contract')).find((x) => x.name === 'shape')?.kind).toBe('view');
      expect(await rows('shape')).toEqual(['2']);
      await engine.execute(`CREATE TABLE ${q('shape_staged')} AS SELECT CAST(3 AS ${type('integer')}) AS v`);
      await inTransaction([
        ...engine.dialect.dropRelation(t('shape'), 'view'),
        ...engine.dialect.swapTable(t('shape_staged'), t('shape')),
      ]);
      expect((await engine.listTables('contract')).find((x) => x.name === 'shape')?.kind).toBe('table');
      expect(await rows('shape')).toEqual(['3']);
    });

    it('two sessions swapping the tables one view reads, at once, both commit and keep the view', async () => {
      // a run builds independent models concurrently: here fact_a and fact_b, both read by one view
      const int = type('integer');
      await engine.execute(`CREATE TABLE ${q('fact_a')} AS SELECT CAST(1 AS ${int}) AS v`);
      await engine.execute(`CREATE TABLE ${q('fact_b')} AS SELECT CAST(10 AS ${int}) AS v`);
      await engine.execute(
        `CREATE VIEW ${q('both')} AS SELECT v FROM ${q('fact_a')} UNION ALL SELECT v FROM ${q('fact_b')}`,
      );
      await engine.execute(`CREATE TABLE ${q('fact_a_staged')} AS SELECT CAST(2 AS ${int}) AS v`);
      await engine.execute(`CREATE TABLE ${q('fact_b_staged')} AS SELECT CAST(20 AS ${int}) AS v`);
      let swappedA!: () => void;
      const aSwapped = new Promise<void>((resolve) => (swappedA = resolve));
      let commitA!: () => void;
      const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
      const first = engine.withSession((session) =>
        session.transaction(async (tx) => {
          for (const sql of engine.dialect.swapTable(t('fact_a_staged'), t('fact_a'))) await tx.execute(sql);
          swappedA();
          await aMayCommit;
        }),
      );
      await aSwapped;
      // the second swap starts while the first is not yet committed (on a server it waits for it)
      const second = engine.withSession((session) =>
        session.transaction(async (tx) => {
          for (const sql of engine.dialect.swapTable(t('fact_b_staged'), t('fact_b'))) await tx.execute(sql);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      commitA();
      await first;
      await second;
      expect(await rows('both')).toEqual(['2', '20']);
    });
  });

  describe('the dialect’s SQL: the same results on every engine', () => {
    const one = async (expression: string) => (await texts(`SELECT ${expression} AS v`))[0]?.v ?? null;

    it('hashKey is md5 of the values’ texts joined by |, nulls as \\N: the same keys on every engine', async () => {
      const md5 = (text: string) => createHash('md5').update(text).digest('hex');
      const d = engine.dialect;
      expect(await one(d.hashKey([d.stringLiteral('a'), 'NULL', d.stringLiteral('c')]))).toBe(md5('a|\\N|c'));
      expect(await one(d.hashKey([`CAST(42 AS ${type('integer')})`]))).toBe(md5('42'));
      expect(await one(d.hashKey([d.stringLiteral('b'), d.stringLiteral('a')]))).toBe(md5('b|a'));
    });

    it('stringLiteral keeps quotes, backslashes and line breaks', async () => {
      for (const value of ["O'Brien", 'back\\slash', 'two\nlines', '']) {
        expect(await one(engine.dialect.stringLiteral(value))).toBe(value);
      }
    });

    it('tableChecksum does not depend on row order, and changes with the rows', async () => {
      const d = engine.dialect;
      await engine.execute(`CREATE TABLE ${q('sum_a')} (id ${type('integer')}, v ${type('text')})`);
      await engine.execute(`CREATE TABLE ${q('sum_b')} (id ${type('integer')}, v ${type('text')})`);
      await engine.execute(`INSERT INTO ${q('sum_a')} VALUES (1, 'x'), (2, NULL), (3, 'z')`);
      await engine.execute(`INSERT INTO ${q('sum_b')} VALUES (3, 'z'), (1, 'x'), (2, NULL)`);
      const checksum = async (name: string) =>
        String((await engine.query(d.tableChecksum(t(name)))).rows[0]?.checksum);
      expect(await checksum('sum_a')).toMatch(/^[0-9a-f]{32}$/);
      expect(await checksum('sum_b')).toBe(await checksum('sum_a'));
      await engine.execute(`UPDATE ${q('sum_b')} SET v = 'y' WHERE id = 1`);
      expect(await checksum('sum_b')).not.toBe(await checksum('sum_a'));
      await engine.execute(`CREATE TABLE ${q('sum_empty')} (id ${type('integer')})`);
      expect(await checksum('sum_empty')).toBe(createHash('md5').update('').digest('hex'));
    });

    it('casts, parses timestamps and matches patterns without failing on bad input', async () => {
      // over a table's column, as strata applies them (a planner may fold an expression of constants)
      const d = engine.dialect;
      await engine.execute(`CREATE TABLE ${q('inputs')} (id ${type('integer')}, v ${type('text')})`);
      await engine.execute(
        `INSERT INTO ${q('inputs')} VALUES (1, '12'), (2, 'twelve'), (3, '2025-02-30'), (4, '2025-02-28'),
           (5, '14/03/2025 10:11:12'), (6, '31/02/2025 10:11:12'), (7, 'AB-123'), (8, 'xAB-123'), (9, NULL)`,
      );
      const rows = await texts(
        `SELECT id, ${d.tryCast('v', type('integer'))} AS int,
                CAST(${d.tryCast('v', type('date'))} AS ${type('text')}) AS day,
                CAST(${d.tryParseTimestamp('v', '%d/%m/%Y %H:%M:%S')} AS ${type('text')}) AS at,
                ${d.regexFullMatch('v', '[A-Z]{2}-[0-9]+')} AS code
         FROM ${q('inputs')} ORDER BY id`,
      );
      const f = 'false';
      expect(rows).toEqual([
        { id: '1', int: '12', day: null, at: null, code: f },
        { id: '2', int: null, day: null, at: null, code: f },
        { id: '3', int: null, day: null, at: null, code: f },
        { id: '4', int: null, day: '2025-02-28', at: null, code: f },
        { id: '5', int: null, day: null, at: '2025-03-14 10:11:12', code: f },
        { id: '6', int: null, day: null, at: null, code: f },
        { id: '7', int: null, day: null, at: null, code: 'true' },
        { id: '8', int: null, day: null, at: null, code: f },
        { id: '9', int: null, day: null, at: null, code: null },
      ]);
    });

    it('splits texts, reads arrays and CSV records alike', async () => {
      const d = engine.dialect;
      const s = (text: string) => d.stringLiteral(text);
      const split = d.splitText(s('a,b,,c'), s(','));
      expect(await one(d.arrayLength(split))).toBe('4');
      expect(await one(d.arrayPosition(split, s('c')))).toBe('4');
      expect(await one(d.arrayPosition(split, s('z')))).toBeNull();
      const elements = d.jsonArrayTexts(`CAST(${s('["x", null, "y", 3]')} AS ${type('json')})`);
      expect(await one(d.arrayLength(elements))).toBe('4');
      expect(await one(d.arrayPosition(elements, s('y')))).toBe('3');
      expect(await one(d.arrayPosition(elements, s('3')))).toBe('4');
      const values = d.csvValues(s('a,"b,c",,"d""e",""'), { delimiter: ',', quote: '"', escape: '"' });
      expect(await one(d.arrayLength(values))).toBe('5');
      const at = async (i: number) => one(`(${values})[${i}]`);
      expect([await at(1), await at(2), await at(3), await at(4), await at(5)]).toEqual([
        'a',
        'b,c',
        null,
        'd"e',
        null,
      ]);
    });

    describe('JSON', () => {
      beforeAll(async () => {
        await engine.execute(`CREATE TABLE ${q('docs')} (id ${type('integer')}, doc ${type('json')})`);
        await engine.execute(
          `INSERT INTO ${q('docs')} VALUES
             (1, CAST($1 AS ${type('json')})), (2, CAST($2 AS ${type('json')})), (3, CAST($3 AS ${type('json')}))`,
          [
            '{"name": "Ann", "age": 31, "tags": ["a", "b"], "address": {"city": "Oslo"}, "gone": null}',
            '{"name": "O\'Neil \\"Bo\\"", "age": "n/a", "extra": true}',
            '{"tags": []}',
          ],
        );
      });

      it('jsonTypeOf without a key names the type of a JSON value itself (null for SQL null)', async () => {
        const d = engine.dialect;
        const rows = await texts(
          `SELECT id, ${d.jsonTypeOf(d.jsonValue('doc', 'tags'))} AS tags_type, ${d.jsonTypeOf('doc')} AS doc_type
           FROM ${q('docs')} ORDER BY id`,
        );
        expect(rows).toEqual([
          { id: '1', tags_type: 'ARRAY', doc_type: 'OBJECT' },
          { id: '2', tags_type: null, doc_type: 'OBJECT' },
          { id: '3', tags_type: 'ARRAY', doc_type: 'OBJECT' },
        ]);
      });

      it('jsonTypeOf without a key names every kind of JSON value, spaces around it or not', async () => {
        const d = engine.dialect;
        const values = ['[1, 2]', ' [ ]', '{"a": [1]}', ' {}', '"[x"', '"{"', '5', 'true', 'null'];
        const rows = await texts(
          `SELECT v, ${d.jsonTypeOf(`CAST(v AS ${d.type('json')})`)} AS t
           FROM (${values.map((v, i) => `SELECT ${i} AS i, ${d.stringLiteral(v)} AS v`).join(' UNION ALL ')}) AS s ORDER BY i`,
        );
        // Scalars' type names differ between engines (DuckDB's VARCHAR, PostgreSQL's STRING).
        const kind = (t: unknown) => (['ARRAY', 'OBJECT', 'NULL'].includes(String(t)) ? t : 'scalar');
        expect(rows.map((row) => kind(row.t))).toEqual([
          'ARRAY',
          'ARRAY',
          'OBJECT',
          'OBJECT',
          'scalar',
          'scalar',
          'scalar',
          'scalar',
          'NULL',
        ]);
      });

      it('jsonText reads a key’s text (null when absent or JSON null); jsonTypeOf names its type', async () => {
        const d = engine.dialect;
        const rows = await texts(
          `SELECT id, ${d.jsonText('doc', 'name')} AS name, ${d.jsonText('doc', 'age')} AS age,
                  ${d.jsonText('doc', 'gone')} AS gone, ${d.jsonTypeOf('doc', 'tags')} AS tags_type,
                  ${d.jsonTypeOf('doc', 'address')} AS address_type, ${d.jsonTypeOf('doc', 'nope')} AS nope_type
           FROM ${q('docs')} ORDER BY id`,
        );
        expect(rows).toEqual([
          {
            id: '1',
            name: 'Ann',
            age: '31',
            gone: null,
            tags_type: 'ARRAY',
            address_type: 'OBJECT',
            nope_type: null,
          },
          {
            id: '2',
            name: 'O\'Neil "Bo"',
            age: 'n/a',
            gone: null,
            tags_type: null,
            address_type: null,
            nope_type: null,
          },
          {
            id: '3',
            name: null,
            age: null,
            gone: null,
            tags_type: 'ARRAY',
            address_type: null,
            nope_type: null,
          },
        ]);
      });

      it('jsonTexts reads several keys in one pass, as jsonText does one by one', async () => {
        const d = engine.dialect;
        const keys = ['age', 'name', 'missing'];
        const { select, text } = d.jsonTexts('doc', keys, 'strata_texts');
        const rows = await texts(
          `SELECT id, ${keys.map((_, i) => `${text(i)} AS k${i}`).join(', ')}
           FROM (SELECT id${select.map((item) => `, ${item}`).join('')} FROM ${q('docs')}) AS inner_docs ORDER BY id`,
        );
        expect(rows).toEqual([
          { id: '1', k0: '31', k1: 'Ann', k2: null },
          { id: '2', k0: 'n/a', k1: 'O\'Neil "Bo"', k2: null },
          { id: '3', k0: null, k1: null, k2: null },
        ]);
      });

      it('jsonTexts with value keys reads their JSON values in the same pass, as jsonValue does', async () => {
        const d = engine.dialect;
        const keys = ['age', 'name'];
        // Keys differing only in case take another path on DuckDB (a struct's field names must differ).
        for (const valueKeys of [
          ['tags', 'address', 'missing'],
          ['tags', 'Age'],
        ]) {
          const { select, text, value } = d.jsonTexts('doc', keys, 'strata_texts', valueKeys);
          const items = [
            ...keys.map((_, i) => `${text(i)} AS k${i}`),
            ...valueKeys.map((_, j) => `${d.jsonTypeOf(value(j))} AS v${j}`),
          ];
          const expected = await texts(
            `SELECT id, ${[
              ...keys.map((key, i) => `${d.jsonText('doc', key)} AS k${i}`),
              ...valueKeys.map((key, j) => `${d.jsonTypeOf(d.jsonValue('doc', key))} AS v${j}`),
            ].join(', ')} FROM ${q('docs')} ORDER BY id`,
          );
          const rows = await texts(
            `SELECT id, ${items.join(', ')}
             FROM (SELECT id${select.map((item) => `, ${item}`).join('')} FROM ${q('docs')}) AS inner_docs ORDER BY id`,
          );
          expect(rows).toEqual(expected);
          expect(rows[0]).toMatchObject({ k0: '31', k1: 'Ann', v0: 'ARRAY' });
        }
        const { select, value } = d.jsonTexts('doc', [], 'strata_texts', ['address']);
        const [city] = await texts(
          `SELECT ${d.jsonText(value(0), 'city')} AS city
           FROM (SELECT id${select.map((item) => `, ${item}`).join('')} FROM ${q('docs')}) AS inner_docs WHERE id = 1`,
        );
        expect(city).toEqual({ city: 'Oslo' });
      });

      it('jsonValue keeps nested values as JSON; jsonKeys lists the distinct top-level keys', async () => {
        const d = engine.dialect;
        const [nested] = await texts(
          `SELECT ${d.jsonText(d.jsonValue('doc', 'address'), 'city')} AS city FROM ${q('docs')} WHERE id = 1`,
        );
        expect(nested).toEqual({ city: 'Oslo' });
        const keys = await texts(`SELECT key FROM (${d.jsonKeys(q('docs'), 'doc')}) AS k ORDER BY key`);
        expect(keys.map((k) => k.key)).toEqual(['address', 'age', 'extra', 'gone', 'name', 'tags']);
      });

      it('unnestJsonArray gives one row per element with its 1-based position, none for an empty array', async () => {
        const d = engine.dialect;
        const source = `SELECT id, doc FROM ${q('docs')}`;
        const rows = await texts(
          `SELECT id, strata_item_position AS position, CAST(strata_item AS ${type('text')}) AS item
           FROM (${d.unnestJsonArray(source, d.jsonValue('doc', 'tags'))}) AS u ORDER BY id, position`,
        );
        expect(rows.map((r) => [r.id, r.position, JSON.parse(String(r.item))])).toEqual([
          ['1', '1', 'a'],
          ['1', '2', 'b'],
        ]);
      });

      it('computedOnce keeps a subquery’s rows and columns', async () => {
        const rows = await texts(
          `SELECT id * 10 AS tens FROM (${engine.dialect.computedOnce(`SELECT id FROM ${q('docs')} WHERE id < 3`)}) AS once ORDER BY tens`,
        );
        expect(rows).toEqual([{ tens: '10' }, { tens: '20' }]);
      });
    });
  });

  describe('capabilities match behaviour', () => {
    it('has a role admin exactly when capabilities.roles', () => {
      expect(engine.roles !== undefined).toBe(engine.capabilities.roles);
    });

    it('with capabilities.merge: runs a MERGE upsert', async (context) => {
      if (!engine.capabilities.merge) context.skip();
      await engine.execute(`CREATE TABLE ${q('merged')} (id ${type('integer')}, v ${type('text')})`);
      await engine.execute(`INSERT INTO ${q('merged')} VALUES (1, 'old'), (2, 'kept')`);
      await engine.execute(
        `MERGE INTO ${q('merged')} AS m USING (SELECT * FROM (VALUES (1, 'new'), (3, 'added')) AS s(id, v)) AS s
         ON m.id = s.id
         WHEN MATCHED THEN UPDATE SET v = s.v
         WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)`,
      );
      expect(await texts(`SELECT id, v FROM ${q('merged')} ORDER BY id`)).toEqual([
        { id: '1', v: 'new' },
        { id: '2', v: 'kept' },
        { id: '3', v: 'added' },
      ]);
    });

    it('renders indexes and ANALYZE that run (twice, idempotently) when capabilities.keyIndexes and .analyze', async () => {
      const d = engine.dialect;
      await engine.execute(`CREATE TABLE ${q('indexed')} (id ${type('integer')}, v ${type('text')})`);
      await engine.execute(`INSERT INTO ${q('indexed')} VALUES (1, 'a'), (2, 'b')`);
      const index = d.createIndex(t('indexed'), ['id'], { name: 'indexed__strata_key', unique: true });
      const analyze = d.analyzeAfterWrite(t('indexed'));
      expect(index.length > 0).toBe(engine.capabilities.keyIndexes);
      expect(analyze.length > 0).toBe(engine.capabilities.analyze);
      for (let i = 0; i < 2; i++) {
        for (const sql of index) await engine.execute(sql);
        for (const sql of analyze) await engine.execute(sql, [2]);
      }
      if (engine.capabilities.keyIndexes) {
        // a unique index refuses a duplicate key
        expect((await failure(engine.execute(`INSERT INTO ${q('indexed')} VALUES (1, 'dup')`))).code).toBe(
          'SQL_FAILED',
        );
      }
      expect(await texts(`SELECT id FROM ${q('indexed')} ORDER BY id`)).toEqual([{ id: '1' }, { id: '2' }]);
    });

    it('with capabilities.analyze: refreshes statistics the planner lacks, or that the rows written outdate, and no others', async (context) => {
      if (!engine.capabilities.analyze) context.skip();
      const refreshes = async (table: string, written: number, columns?: string[]) => {
        const [sql] = engine.dialect.analyzeAfterWrite(t(table), columns);
        const { rows } = await engine.query(sql as string, [written]);
        return Object.values(rows[0] ?? {})[0];
      };
      const estimate = async (table: string) =>
        Number(
          (await texts(`SELECT reltuples AS n FROM pg_class WHERE oid = CAST('${q(table)}' AS regclass)`))[0]
            ?.n,
        );
      await engine.execute(
        `CREATE TABLE ${q('analyzed')} AS SELECT g AS id FROM generate_series(1, 10000) AS g`,
      );
      // Never analyzed: refreshed whatever was written, and only some columns when asked.
      expect(await refreshes('analyzed', 10000, ['id'])).toBe(true);
      expect(await estimate('analyzed')).toBe(10000);
      // Nothing written, or a day's few rows on many: the statistics still describe the table.
      expect(await refreshes('analyzed', 0)).toBe(false);
      await engine.execute(`INSERT INTO ${q('analyzed')} SELECT g FROM generate_series(10001, 10300) AS g`);
      expect(await refreshes('analyzed', 300)).toBe(false);
      expect(await estimate('analyzed')).toBe(10000);
      // Past autovacuum's threshold (50 + 10% of 10,000 by default): refreshed.
      await engine.execute(`INSERT INTO ${q('analyzed')} SELECT g FROM generate_series(10301, 12000) AS g`);
      expect(await refreshes('analyzed', 1700)).toBe(true);
      expect(await estimate('analyzed')).toBe(12000);
    });

    const months = `(SELECT CAST(d AS DATE) AS d, n FROM (VALUES ('2025-01-31', 1), ('2025-02-01', 2), ('2025-02-28', 3)) AS x(d, n))`;

    it('renders month partitions exactly when capabilities.partitioning', () => {
      const d = engine.dialect;
      expect(d.createPartitionedTable(t('monthly'), q('monthly_like'), 'd').length > 0).toBe(
        engine.capabilities.partitioning,
      );
      expect(d.ensureMonthPartitions(t('monthly'), months, 'd').length > 0).toBe(
        engine.capabilities.partitioning,
      );
    });

    it('with capabilities.partitioning: partitions a table by month, creating the months on demand', async (context) => {
      if (!engine.capabilities.partitioning) context.skip();
      const d = engine.dialect;
      await engine.execute(`CREATE TABLE ${q('monthly_like')} AS SELECT * FROM ${months} AS r WHERE 1 = 0`);
      await engine.withSession((session) =>
        session.transaction(async (tx) => {
          for (const sql of d.createPartitionedTable(t('monthly'), q('monthly_like'), 'd'))
            await tx.execute(sql);
          for (const sql of d.ensureMonthPartitions(t('monthly'), months, 'd')) await tx.execute(sql);
          await tx.execute(`INSERT INTO ${q('monthly')} SELECT * FROM ${months} AS r`);
        }),
      );
      expect(
        await texts(`SELECT CAST(d AS ${type('text')}) AS d, n FROM ${q('monthly')} ORDER BY d`),
      ).toEqual([
        { d: '2025-01-31', n: '1' },
        { d: '2025-02-01', n: '2' },
        { d: '2025-02-28', n: '3' },
      ]);
    });
  });

  describe('the run lock', () => {
    it('refuses a second holder with RUN_LOCKED until the first releases it', async () => {
      const lock = await engine.acquireRunLock();
      const other = await open();
      try {
        expect((await failure(other.acquireRunLock())).code).toBe('RUN_LOCKED');
        await lock.release();
        const again = await other.acquireRunLock();
        await again.release();
      } finally {
        await other.close();
      }
    });
  });

  describe('loading files', () => {
    const write = async (name: string, text: string) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    };

    it('bulkLoad replaces a table with a CSV file, appends another, and loads NDJSON', async () => {
      const target = t('bulk');
      const first = await write('bulk-1.csv', 'id,name\n1,ann\n2,bob\n');
      const second = await write('bulk-2.csv', 'id,name\n3,cy\n');
      expect(await engine.bulkLoad({ target, path: first, format: 'csv', mode: 'replace' })).toEqual({
        rows: 2,
      });
      expect(await engine.bulkLoad({ target, path: second, format: 'csv', mode: 'append' })).toEqual({
        rows: 1,
      });
      expect(await texts(`SELECT id, name FROM ${q('bulk')} ORDER BY id`)).toEqual([
        { id: '1', name: 'ann' },
        { id: '2', name: 'bob' },
        { id: '3', name: 'cy' },
      ]);
      expect(await engine.bulkLoad({ target, path: second, format: 'csv', mode: 'replace' })).toEqual({
        rows: 1,
      });
      expect(await texts(`SELECT id, name FROM ${q('bulk')}`)).toEqual([{ id: '3', name: 'cy' }]);
      const ndjson = await write('bulk.ndjson', '{"id": 1, "name": "dee"}\n{"id": 2, "name": "eve"}\n');
      expect(
        await engine.bulkLoad({ target: t('bulk_json'), path: ndjson, format: 'ndjson', mode: 'replace' }),
      ).toEqual({ rows: 2 });
      expect(await texts(`SELECT id, name FROM ${q('bulk_json')} ORDER BY id`)).toEqual([
        { id: '1', name: 'dee' },
        { id: '2', name: 'eve' },
      ]);
    });

    describe('raw loads', () => {
      const raw = t('raw_files');
      let loads = 0;
      const request = (path: string, format: 'csv' | 'ndjson', sourceFile: string): RawLoadRequest => ({
        target: raw,
        path,
        format,
        compression: 'none',
        ...(format === 'csv' ? { csv: { delimiter: ',', quote: '"', escape: '"', header: true } } : {}),
        lineage: {
          ingestionId: `ing_${++loads}`,
          runId: 'run_1',
          loadDate: '2025-03-14',
          sourceFile,
          ingestedAt: '2025-03-14 10:11:12.345',
        },
      });
      const stored = async (ingestionId: string) =>
        (
          await engine.query(
            `SELECT record_position, source_line, CAST(record AS ${type('text')}) AS record, raw_text, parse_error,
                    source_file, CAST(load_date AS ${type('text')}) AS load_date, CAST(ingested_at AS ${type('text')}) AS ingested_at
             FROM ${q('raw_files')} WHERE ingestion_id = $1 ORDER BY record_position, source_line`,
            [ingestionId],
          )
        ).rows.map((r) => ({
          position: r.record_position === null ? null : Number(r.record_position),
          line: r.source_line === null ? null : Number(r.source_line),
          record: r.record === null ? null : (JSON.parse(String(r.record)) as unknown),
          malformed: r.parse_error !== null,
          raw: r.raw_text,
          lineage: [r.source_file, r.load_date, String(r.ingested_at).slice(0, 19)],
        }));

      beforeAll(async () => {
        await engine.execute(createRawTable(engine.dialect, raw));
      });

      it('loadRaw keeps every CSV record as its line, with its number, and the header’s keys', async () => {
        // a record's values are read from its line by staging (where a short line is found out);
        // a line that cannot be one record (a quote left open) is malformed already here
        const path = await write(
          'orders.csv',
          'id,amount,note\n1,10.50,fine\n2,7,"quoted, with comma"\n3,5\n4,"open\n',
        );
        const req = request(path, 'csv', 'data/orders.csv');
        const result = await engine.withSession((s) => s.transaction((tx) => engine.loadRaw(req, tx)));
        expect(result).toEqual({ records: 4, malformed: 1, keys: ['id', 'amount', 'note'] });
        const rows = await stored(req.lineage.ingestionId);
        expect(rows.map((r) => [r.position, r.line, r.raw, r.record, r.malformed])).toEqual([
          [1, 2, '1,10.50,fine', null, false],
          [2, 3, '2,7,"quoted, with comma"', null, false],
          [3, 4, '3,5', null, false],
          [4, 5, '4,"open', null, true],
        ]);
        for (const r of rows)
          expect(r.lineage).toEqual(['data/orders.csv', '2025-03-14', '2025-03-14 10:11:12']);
      });

      it('loadRaw keeps every NDJSON record: objects as JSON, a line that is not JSON as its text', async () => {
        const path = await write(
          'events.ndjson',
          '{"id": 1, "kind": "view"}\nnot json\n{"id": 2, "kind": null}\n',
        );
        const req = request(path, 'ndjson', 'data/events.ndjson');
        const result = await engine.withSession((s) => s.transaction((tx) => engine.loadRaw(req, tx)));
        expect(result).toMatchObject({ records: 3, malformed: 1 });
        const rows = await stored(req.lineage.ingestionId);
        expect(rows.map((r) => [r.position, r.malformed, r.record])).toEqual([
          [1, false, { id: 1, kind: 'view' }],
          [2, true, null],
          [3, false, { id: 2, kind: null }],
        ]);
        expect(rows[1]?.raw).toBe('not json');
      });

      it('prepareRawLoads appends several files in one transaction, results in request order', async () => {
        const a = await write('batch-a.csv', 'id,v\n1,x\n2,y\n');
        const b = await write('batch-b.csv', 'id,v\n3,z\n');
        const requests = [request(a, 'csv', 'data/batch-a.csv'), request(b, 'csv', 'data/batch-b.csv')];
        const results = await engine.withSession(async (session) => {
          const prepared = await engine.prepareRawLoads(requests, session);
          try {
            return await session.transaction((tx) => prepared.load(tx));
          } finally {
            await prepared.dispose();
          }
        });
        expect(results).toEqual([
          { records: 2, malformed: 0, keys: ['id', 'v'] },
          { records: 1, malformed: 0, keys: ['id', 'v'] },
        ]);
        const lines = async (i: number) =>
          (await stored(requests[i]?.lineage.ingestionId ?? '')).map((r) => [r.line, r.raw, r.lineage[0]]);
        expect(await lines(0)).toEqual([
          [2, '1,x', 'data/batch-a.csv'],
          [3, '2,y', 'data/batch-a.csv'],
        ]);
        expect(await lines(1)).toEqual([[2, '3,z', 'data/batch-b.csv']]);
      });
    });
  });
});
