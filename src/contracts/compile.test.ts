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
  /** Per file (ingestion id), how many values of staged records were rounded; empty when no field rounds. */
  rounded: Row[];
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
  for (const table of [
    'raw',
    'files',
    'typed',
    'suspects',
    'violations',
    'invalid',
    'groups',
    'duplicates',
  ]) {
    await engine.execute(`DROP TABLE IF EXISTS ${table}`);
  }
  for (const field of sql.arrayFields) {
    await engine.execute(`DROP TABLE IF EXISTS elements_${field}`);
    await engine.execute(`DROP TABLE IF EXISTS suspect_elements_${field}`);
  }
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
  const raw = { rows: 'SELECT * FROM raw', files: 'SELECT * FROM files' };
  await engine.execute(`CREATE TABLE typed AS ${sql.typed(raw)}`);
  const fileIds = new Set(rows.map((r) => r.file));
  if (fileIds.size > 0 && [...fileIds].every((file) => files.some((f) => f.file === file))) {
    // CSV files alone: typing without the JSON texts (csvOnly) gives the same rows.
    const csvOnly = compileContract(contractSchema.parse(contract), engine.dialect, {
      csvDialects,
      csvOnly: true,
    });
    const differing = await engine.query(
      `SELECT (SELECT count(*) FROM (SELECT * FROM typed EXCEPT ALL SELECT * FROM (${csvOnly.typed(raw)}) AS c) AS a)
        + (SELECT count(*) FROM (SELECT * FROM (${csvOnly.typed(raw)}) AS c EXCEPT ALL SELECT * FROM typed) AS b) AS n`,
    );
    expect(Number(differing.rows[0]?.n)).toBe(0);
  }
  const elements: Record<string, string> = {};
  const suspectElements: Record<string, string> = {};
  for (const field of sql.arrayFields) {
    await engine.execute(`CREATE TABLE elements_${field} AS ${sql.elements('typed', field)}`);
    elements[field] = `elements_${field}`;
    await engine.execute(
      `CREATE TABLE suspect_elements_${field} AS ${sql.suspectElements('typed', `elements_${field}`, field)}`,
    );
    suspectElements[field] = `suspect_elements_${field}`;
  }
  await engine.execute(`CREATE TABLE suspects AS ${sql.suspects('typed')}`);
  await engine.execute(`CREATE TABLE violations AS ${sql.violations('suspects', suspectElements)}`);
  // The suspects are a shortcut: the violations read from the whole relations are the same rows.
  const whole = await engine.query(
    `SELECT count(*) AS n FROM (SELECT * FROM (${sql.violations('typed', Object.fromEntries(sql.arrayFields.map((f) => [f, `(SELECT e.*, t.load_date, t.source_file, t.record_position, t.source_line FROM elements_${f} AS e JOIN typed AS t ON t.record_key = e.record_key)`])))}) AS w
       EXCEPT ALL SELECT * FROM violations) AS missing`,
  );
  expect(Number(whole.rows[0]?.n)).toBe(0);
  await engine.execute(`CREATE TABLE invalid AS ${sql.invalid('violations')}`);
  await engine.execute(`CREATE TABLE groups AS ${sql.duplicateGroups('typed')}`);
  await engine.execute(`CREATE TABLE duplicates AS ${sql.duplicates('typed', 'invalid', 'groups')}`);
  await engine.execute(sql.unstage('typed', 'invalid', 'duplicates'));
  const roundedSql = sql.roundedValues('typed', elements);
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
    rounded: roundedSql
      ? (await engine.query(`SELECT * FROM (${roundedSql}) AS r ORDER BY ingestion_id`)).rows
      : [],
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

describe('compileContract: decimals that do not fit their scale or precision', () => {
  // amount keeps its values exact (a value with more places is quarantined); fee rounds them.
  const contract: ContractInput = {
    fields: {
      id: { type: 'integer', required: true },
      amount: { type: 'decimal', precision: 6, scale: 2 },
      fee: { type: 'decimal', precision: 6, scale: 2, round: true },
      lines: { type: 'array', items: { price: { type: 'decimal', precision: 6, scale: 2, round: true } } },
    },
  };
  let out: Staged;

  beforeAll(async () => {
    const record = (position: number, values: Record<string, unknown>, file = 'f1') => ({
      file,
      position,
      record: { id: position, ...values },
    });
    out = await stage(contract, [
      // trailing zeros beyond the scale lose nothing; half away from zero, both signs
      record(1, { amount: '22.3600', fee: '22.365', lines: [{ price: '1.005' }, { price: '2.50' }] }),
      record(2, { amount: '22.368', fee: '1' }),
      record(3, { amount: '1e-3', fee: '-0.005' }),
      // a leading '+'; exponent notation either case; a JSON number
      record(4, { amount: '+12.5', fee: '1.5E1', lines: [{ price: 22.368 }] }),
      // too many integer digits: kept or rounded, 9999.995 becomes 10000.00, which does not fit
      record(5, { amount: '12345.6', fee: '9999.995' }),
      record(6, { amount: 'abc', fee: 22.368 }),
      record(7, { amount: '-22.365', fee: '-22.365' }),
      // exponents that move digits across the point: exact, nothing rounded
      record(8, { amount: '1.5e1', fee: '0.0123e3' }),
      record(9, { amount: '1234.5e-2', fee: '-0.1e-1' }, 'f2'),
      record(10, { amount: '9999.99', fee: '9999.994' }, 'f2'),
    ]);
  });

  it('quarantines a value with more places than the scale, or more integer digits than precision allows', () => {
    expect(reasons(out)).toEqual([
      'f1:2 amount decimal_out_of_scale',
      'f1:3 amount decimal_out_of_scale',
      'f1:5 amount decimal_out_of_range',
      'f1:5 fee decimal_out_of_range',
      'f1:6 amount invalid_type',
      'f1:7 amount decimal_out_of_scale',
      'f2:9 amount decimal_out_of_scale',
    ]);
    const message = (key: string, field: string) =>
      out.violations.find((v) => v.record_key === key && v.field === field)?.message;
    expect(message('f1:2', 'amount')).toBe(
      'amount: "22.368" has more than 2 decimal places (scale 2): set round: true on the field to round it, or give it a larger scale',
    );
    expect(message('f1:5', 'amount')).toBe(
      'amount: "12345.6" has more than 4 integer digits (decimal(6,2)): give the field a larger precision',
    );
    expect(message('f1:5', 'fee')).toBe(
      'fee: "9999.995" has more than 4 integer digits (decimal(6,2)) once rounded to 2 places: give the field a larger precision',
    );
    expect(message('f1:6', 'amount')).toBe('amount: "abc" is not a decimal(6,2)');
  });

  it('stages exact values as they are and rounded ones half away from zero', () => {
    const values = out.staged.map((r) => [r.id, r.amount, r.fee]);
    expect(values).toEqual([
      [1, 22.36, 22.37],
      [4, 12.5, 15],
      [8, 15, 12.3],
      [10, 9999.99, 9999.99],
    ]);
    expect(out.children.lines?.map((r) => [r.item_position, r.price])).toEqual([
      [1, 1.01],
      [2, 2.5],
      [1, 22.37],
    ]);
  });

  it('counts the rounded values of staged records per file, array elements included', () => {
    // f1: record 1 (fee, one price), record 4 (one price); record 3's -0.005 rounds but the
    // record is quarantined for its amount. f2: record 10's fee.
    expect(out.rounded.map((r) => [r.ingestion_id, Number(r.rounded_values)])).toEqual([
      ['f1', 3],
      ['f2', 1],
    ]);
  });

  it('counts nothing and compiles no count when no field rounds', () => {
    const sql = compileContract(
      contractSchema.parse({ fields: { amount: { type: 'decimal' } } }),
      engine.dialect,
    );
    expect(sql.roundedValues('typed', {})).toBeNull();
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
