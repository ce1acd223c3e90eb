import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContractInput, contractSchema } from '../config/contract-schema.ts';
import type { CsvDialect } from '../engine/csv-grammar.ts';
import { createEngine } from '../engine/open/create-engine.ts';
import type { Engine, Row } from '../engine/types.ts';
import { compileContract } from './compile.ts';

/**
 * The SQL a contract compiles to, judged by what it does: each case types a few raw rows in an
 * in-memory DuckDB through the chain staging runs (sources/stage-source.ts) and looks at the typed
 * rows, violations, staged rows and child rows that come out. Text is asserted only where the text
 * itself is the point (quoting, escaping).
 */

/** A raw row (engine/raw-columns.ts): a JSON record, or a CSV line with its file's layout. */
interface RawRow {
  file: string;
  position: number;
  loadDate?: string;
  ingestedAt?: string;
  record?: unknown;
  text?: string;
  parseError?: string;
}

/** A CSV file's layout as audit.ingested_files records it. */
interface CsvFile {
  file: string;
  header: string[];
  csv: CsvDialect;
}

/** What came out of staging a batch; the relations in between stay as tables to look at. */
interface Staged {
  /** record_key (`<file>:<position>`), field, reason_code, message; ordered by the first three. */
  violations: Row[];
  /** The staged rows, in file and record order. */
  staged: Row[];
  /** Per array field, its child rows. */
  children: Record<string, Row[]>;
}

const COMMA: CsvDialect = { delimiter: ',', quote: '"', escape: '"' };
const SEMICOLON: CsvDialect = { delimiter: ';', quote: '"', escape: '"' };

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ type: 'duckdb', path: ':memory:' });
});
afterAll(() => engine?.close());

/** Loads the raw rows, runs the contract's SQL on them as staging does, and reads what came out. */
async function stage(contract: ContractInput, rows: RawRow[], files: CsvFile[] = []): Promise<Staged> {
  const csvDialects = [...new Map(files.map((f) => [JSON.stringify(f.csv), f.csv])).values()];
  const sql = compileContract(contractSchema.parse(contract), engine.dialect, { csvDialects });
  for (const table of ['raw', 'files', 'typed', 'violations', 'invalid', 'groups', 'duplicates']) {
    await engine.execute(`DROP TABLE IF EXISTS ${table}`);
  }
  for (const field of sql.arrayFields) await engine.execute(`DROP TABLE IF EXISTS elements_${field}`);
  await engine.execute(`CREATE TABLE raw (ingestion_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
    load_date DATE NOT NULL, source_file VARCHAR NOT NULL, record_position BIGINT, source_line BIGINT,
    ingested_at TIMESTAMP NOT NULL, record JSON, raw_text VARCHAR, parse_error VARCHAR)`);
  await engine.execute(`CREATE TABLE files (ingestion_id VARCHAR, csv_header VARCHAR, line_delimiter VARCHAR,
    csv_quote VARCHAR, csv_escape VARCHAR)`);
  for (const row of rows) {
    await engine.execute(
      `INSERT INTO raw VALUES ($1, 'run', CAST($2 AS DATE), $3, $4, $5, CAST($6 AS TIMESTAMP), $7, $8, $9)`,
      [
        row.file,
        row.loadDate ?? '2025-07-01',
        `${row.file}.data`,
        row.position,
        row.position + 1,
        row.ingestedAt ?? '2025-07-01 12:00:00',
        row.record === undefined ? null : JSON.stringify(row.record),
        row.text ?? null,
        row.parseError ?? null,
      ],
    );
  }
  for (const file of new Set(rows.map((r) => r.file))) {
    const csv = files.find((f) => f.file === file);
    await engine.execute('INSERT INTO files VALUES ($1, $2, $3, $4, $5)', [
      file,
      csv ? JSON.stringify(csv.header) : null,
      csv?.csv.delimiter ?? null,
      csv?.csv.quote ?? null,
      csv?.csv.escape ?? null,
    ]);
  }
  await engine.execute(
    `CREATE TABLE typed AS ${sql.typed({ rows: 'SELECT * FROM raw', files: 'SELECT * FROM files' })}`,
  );
  const elements: Record<string, string> = {};
  for (const field of sql.arrayFields) {
    await engine.execute(`CREATE TABLE elements_${field} AS ${sql.elements('typed', field)}`);
    elements[field] = `elements_${field}`;
  }
  await engine.execute(`CREATE TABLE violations AS ${sql.violations('typed', elements)}`);
  await engine.execute(`CREATE TABLE invalid AS ${sql.invalid('violations')}`);
  await engine.execute(`CREATE TABLE groups AS ${sql.duplicateGroups('typed', 'invalid')}`);
  await engine.execute(`CREATE TABLE duplicates AS ${sql.duplicates('typed', 'invalid', 'groups')}`);
  await engine.execute(sql.unstage('typed', 'invalid', 'duplicates'));
  const children: Record<string, Row[]> = {};
  for (const field of sql.arrayFields) {
    children[field] = (
      await engine.query(
        `SELECT * FROM (${sql.children('typed', `elements_${field}`, field)}) AS c ORDER BY ALL`,
      )
    ).rows;
  }
  return {
    violations: (
      await engine.query(
        'SELECT record_key, field, reason_code, message FROM violations ORDER BY record_key, field, reason_code',
      )
    ).rows,
    staged: (
      await engine.query(
        `SELECT * FROM (${sql.staged('typed')}) AS s ORDER BY _ingestion_id, _record_position`,
      )
    ).rows,
    children,
  };
}

/** The violations as `record_key field reason_code`, one line each, in order. */
function reasons(staged: Staged): string[] {
  return staged.violations.map((v) => `${v.record_key} ${v.field} ${v.reason_code}`);
}

describe('compileContract: scalar fields of JSON records', () => {
  const contract: ContractInput = {
    fields: {
      id: { type: 'integer', required: true, min: 1 },
      name: { type: 'string', required: true, pattern: '^[A-Z][a-z]+$' },
      note: { type: 'string', trim: false },
      price: { type: 'decimal', precision: 8, scale: 2, min: 0 },
      ratio: { type: 'number', max: 1 },
      active: { type: 'boolean' },
      day: { type: 'date', formats: ['%d.%m.%Y', '%Y-%m-%d'] },
      at: { type: 'timestamp' },
      tier: { type: 'enum', values: ['gold', 'silver'] },
      color: { type: 'enum', values: ['Red', 'Green'], caseInsensitive: true },
    },
    nullValues: ['N/A'],
  };
  let out: Staged;

  beforeAll(async () => {
    out = await stage(contract, [
      {
        file: 'f1',
        position: 1,
        record: {
          id: 1,
          name: ' Ada ',
          note: ' keep ',
          price: '12.5',
          ratio: 0.25,
          active: 'YES',
          day: '03.02.2025',
          at: '2025-02-03T04:05:06',
          tier: 'gold',
          color: 'red',
        },
      },
      {
        file: 'f1',
        position: 2,
        record: {
          id: 'two',
          name: 'bob',
          price: '-1',
          ratio: 2,
          active: 'maybe',
          day: '2025-13-45',
          at: 'noon',
          tier: 'Gold',
          color: 'blue',
        },
      },
      // the second date format, an optional field absent, a null marker, an empty string
      { file: 'f1', position: 3, record: { id: 3, name: 'Bea', day: '2025-02-04', tier: 'N/A', note: '' } },
      { file: 'f1', position: 4, record: { id: 4, name: 'N/A' } },
      { file: 'f1', position: 5, text: '{oops', parseError: 'bad json' },
    ]);
  });

  it('types a valid record: trimmed text (unless trim: false), decimals, booleans, dates by format, enums', async () => {
    const [ada, bea] = out.staged;
    expect(out.staged).toHaveLength(2);
    expect(ada).toMatchObject({
      id: 1,
      name: 'Ada',
      note: ' keep ',
      price: 12.5,
      ratio: 0.25,
      active: true,
      tier: 'gold',
      // case-insensitive: the contract's spelling
      color: 'Red',
      _record_position: 1,
      _ingestion_id: 'f1',
    });
    expect(String(ada?.day)).toContain('2025-02-03');
    expect(String(ada?.at)).toContain('2025-02-03');
    expect(String(bea?.day)).toContain('2025-02-04');
    // an empty string and a null marker are null; an absent field too
    expect(bea).toMatchObject({ note: null, tier: null, price: null, active: null, at: null });
    const [types] = (
      await engine.query(
        `SELECT typeof(price) AS price, typeof(day) AS day, typeof("at") AS "at", typeof(id) AS id FROM typed LIMIT 1`,
      )
    ).rows;
    expect(types).toEqual({ price: 'DECIMAL(8,2)', day: 'DATE', at: 'TIMESTAMP', id: 'BIGINT' });
  });

  it('reports one violation per record, field and reason, with the value in the message', () => {
    expect(reasons(out)).toEqual([
      'f1:2 active invalid_type',
      'f1:2 at invalid_type',
      'f1:2 color unknown_enum',
      'f1:2 day invalid_type',
      'f1:2 id invalid_type',
      'f1:2 name pattern_mismatch',
      'f1:2 price out_of_range',
      'f1:2 ratio out_of_range',
      'f1:2 tier unknown_enum',
      'f1:4 name missing_required',
      'f1:5 * malformed_record',
    ]);
    const message = (key: string, field: string) =>
      out.violations.find((v) => v.record_key === key && v.field === field)?.message;
    expect(message('f1:2', 'day')).toBe('day: "2025-13-45" is not a date (%d.%m.%Y or %Y-%m-%d)');
    expect(message('f1:2', 'price')).toBe('price: "-1" is below the minimum 0');
    expect(message('f1:2', 'tier')).toBe('tier: "Gold" is not one of gold, silver');
    expect(message('f1:4', 'name')).toBe('name is required but missing');
    expect(message('f1:5', '*')).toBe('bad json');
  });
});

describe('compileContract: CSV lines and JSON records in one batch', () => {
  const contract: ContractInput = {
    fields: {
      id: { type: 'integer', required: true },
      city: { type: 'string', from: 'City Name' },
      amount: { type: 'decimal', precision: 6, scale: 2 },
    },
  };

  it("finds a field by its place in its file's header, splits quote-free lines, cuts quoted ones by the grammar", async () => {
    const out = await stage(
      contract,
      [
        { file: 'a', position: 1, text: '1,Paris,3.50' },
        { file: 'a', position: 2, text: '2,"Lyon, Rhône",4' },
        { file: 'a', position: 3, text: '3,Nice' },
        { file: 'b', position: 1, text: '7.25;4; Berlin ' },
        { file: 'c', position: 1, record: { id: 5, 'City Name': 'Rome', amount: 1 } },
      ],
      [
        { file: 'a', header: ['id', 'City Name', 'amount'], csv: COMMA },
        // another column order and dialect: fields are found by name, not by position
        { file: 'b', header: ['amount', 'id', 'City Name'], csv: SEMICOLON },
      ],
    );
    expect(out.staged.map((r) => [r._ingestion_id, r.id, r.city, r.amount])).toEqual([
      ['a', 1, 'Paris', 3.5],
      ['a', 2, 'Lyon, Rhône', 4],
      ['b', 4, 'Berlin', 7.25],
      ['c', 5, 'Rome', 1],
    ]);
    // a line without the header's number of fields is malformed, and nothing else is said of it
    expect(out.violations).toEqual([
      {
        record_key: 'a:3',
        field: '*',
        reason_code: 'malformed_record',
        message: 'COLUMN COUNT: expected 3 columns, found 2',
      },
    ]);
  });
});

describe('compileContract: deduplication by the unique key', () => {
  it('keeps the greatest latestBy per key and load date; invalid records are neither kept nor counted as duplicates', async () => {
    const out = await stage(
      {
        fields: {
          id: { type: 'string', required: true },
          version: { type: 'integer' },
          tag: { type: 'string' },
        },
        uniqueKey: ['id'],
        latestBy: 'version',
      },
      [
        { file: 'f', position: 1, record: { id: 'a', version: 1, tag: 'a1' } },
        { file: 'f', position: 2, record: { id: 'a', version: 3, tag: 'a3' } },
        { file: 'f', position: 3, record: { id: 'a', version: 2, tag: 'a2' } },
        { file: 'f', position: 4, record: { id: 'b', version: 1, tag: 'b1' } },
        { file: 'f', position: 5, record: { id: 'c', version: 'x', tag: 'c-invalid' } },
        { file: 'f', position: 6, record: { id: 'c', version: 1, tag: 'c1' } },
        // a tie: the last in the file wins; a missing latestBy loses
        { file: 'f', position: 7, record: { id: 'd', version: 1, tag: 'd-first' } },
        { file: 'f', position: 8, record: { id: 'd', version: 1, tag: 'd-last' } },
        { file: 'f', position: 9, record: { id: 'd', tag: 'd-unversioned' } },
        // the same key on another load date is another record
        {
          file: 'g',
          position: 1,
          loadDate: '2025-07-02',
          record: { id: 'a', version: 1, tag: 'a-next-day' },
        },
      ],
    );
    expect(out.staged.map((r) => r.tag)).toEqual(['a3', 'b1', 'c1', 'd-last', 'a-next-day']);
    expect(reasons(out)).toEqual(['f:5 version invalid_type']);
    const losers = await engine.query('SELECT record_key FROM duplicates ORDER BY record_key');
    expect(losers.rows.map((r) => r.record_key)).toEqual(['f:1', 'f:3', 'f:7', 'f:9']);
  });

  it('groups a key of optional fields null-safely; without a unique key nothing is a duplicate', async () => {
    const rows: RawRow[] = [
      { file: 'f', position: 1, record: { region: 'eu', tag: 1 } },
      { file: 'f', position: 2, record: { region: 'eu', tag: 2 } },
      { file: 'f', position: 3, record: { code: 'x', tag: 3 } },
      { file: 'f', position: 4, record: { code: 'x', tag: 4 } },
      { file: 'f', position: 5, record: { region: 'eu', code: 'x', tag: 5 } },
    ];
    const fields: ContractInput['fields'] = {
      region: { type: 'string' },
      code: { type: 'string' },
      tag: { type: 'integer' },
    };
    const keyed = await stage({ fields, uniqueKey: ['region', 'code'] }, rows);
    expect(keyed.staged.map((r) => r.tag)).toEqual([2, 4, 5]);
    const unkeyed = await stage({ fields }, rows);
    expect(unkeyed.staged.map((r) => r.tag)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('compileContract: nested arrays', () => {
  it('types elements, checks them and the array itself, and writes child rows of staged records only', async () => {
    const out = await stage(
      {
        fields: {
          order_id: { type: 'string', required: true },
          lines: {
            type: 'array',
            required: true,
            items: { sku: { type: 'string', required: true }, qty: { type: 'integer', min: 1 } },
          },
        },
        uniqueKey: ['order_id'],
      },
      [
        {
          file: 'f',
          position: 1,
          record: {
            order_id: 'o1',
            lines: [
              { sku: ' A ', qty: 2 },
              { sku: 'B', qty: '3' },
            ],
          },
        },
        { file: 'f', position: 2, record: { order_id: 'o2', lines: [{ sku: 'C', qty: 1 }, { qty: 0 }] } },
        { file: 'f', position: 3, record: { order_id: 'o3' } },
        { file: 'f', position: 4, record: { order_id: 'o4', lines: 'nope' } },
      ],
    );
    expect(out.staged.map((r) => r.order_id)).toEqual(['o1']);
    expect(out.children.lines).toEqual([
      {
        order_id: 'o1',
        item_position: 1,
        sku: 'A',
        qty: 2,
        load_date: expect.anything(),
        _ingestion_id: 'f',
      },
      {
        order_id: 'o1',
        item_position: 2,
        sku: 'B',
        qty: 3,
        load_date: expect.anything(),
        _ingestion_id: 'f',
      },
    ]);
    expect(reasons(out)).toEqual([
      'f:2 lines[2].qty out_of_range',
      'f:2 lines[2].sku missing_required',
      'f:3 lines missing_required',
      'f:4 lines invalid_type',
    ]);
  });
});

describe('compileContract: the SQL text', () => {
  const input: ContractInput = {
    fields: {
      Order: { type: 'integer', required: true },
      select: { type: 'string', from: "it's" },
      kind: { type: 'enum', values: ["it's", 'plain'] },
    },
    uniqueKey: ['Order'],
    nullValues: ["'; DROP TABLE raw; --"],
  };
  const contract = contractSchema.parse(input);

  it("quotes every identifier and renders the contract's constants as escaped literals", async () => {
    const sql = compileContract(contract, engine.dialect);
    const typed = sql.typed({ rows: 'SELECT * FROM raw', files: 'SELECT * FROM files' });
    expect(typed).toContain('"Order__text"');
    expect(typed).toContain('"select__text"');
    expect(typed).toContain(`'it''s'`);
    expect(typed).toContain(`'''; DROP TABLE raw; --'`);
    expect(sql.staged('typed')).toContain('t."Order" AS "Order"');
    // and the SQL does what the literals say: the marker is a null, the quoted key is read
    const out = await stage(input, [
      { file: 'f', position: 1, record: { Order: 1, "it's": "o'k", kind: "it's" } },
      { file: 'f', position: 2, record: { Order: 2, "it's": "'; DROP TABLE raw; --", kind: 'other' } },
    ]);
    expect(out.staged.map((r) => [r.Order, r.select, r.kind])).toEqual([[1, "o'k", "it's"]]);
    expect(reasons(out)).toEqual(['f:2 kind unknown_enum']);
    expect((await engine.query('SELECT count(*) AS n FROM raw')).rows).toEqual([{ n: 2 }]);
  });

  it('takes no data: the records reach it only as the relations it is given', () => {
    const compile = () =>
      compileContract(contract, engine.dialect, { csvDialects: [COMMA] }).typed({
        rows: 'SELECT * FROM raw_rows_here',
        files: 'SELECT * FROM files_here',
      });
    const typed = compile();
    expect(typed).toContain('FROM (SELECT * FROM raw_rows_here) AS r');
    expect(typed).toContain('FROM (SELECT * FROM files_here) AS files');
    expect(compile()).toBe(typed);
  });

  it('refuses an array field the contract does not declare', () => {
    const sql = compileContract(contract, engine.dialect);
    expect(() => sql.elements('typed', 'Order')).toThrow('Order is not an array field of the contract');
    expect(() => sql.children('typed', 'e', 'nope')).toThrow('nope is not an array field of the contract');
  });
});
