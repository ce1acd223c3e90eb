import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { listQuarantine } from '../../src/api/quarantine.ts';
import { getRun } from '../../src/api/runs.ts';
import type { RunEvent } from '../../src/runner/events.ts';
import { cli } from '../cli/in-process.ts';
import { TestProject, model } from '../helpers/project.ts';

/**
 * A config with one source of the given files and format, and a small order contract. The files
 * here are a handful of records, bad ones on purpose: the quarantine gate (5% of a load date,
 * tested in checks.test.ts) is off unless a test turns it on.
 */
function sourceConfig(files: string, extra: Record<string, unknown> = {}): string {
  const config = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      orders: {
        files,
        quarantine: false,
        ...extra,
        contract: {
          uniqueKey: ['order_id'],
          nullValues: ['NULL'],
          fields: {
            order_id: { type: 'string', required: true },
            quantity: { type: 'integer', min: 0 },
            amount: { type: 'decimal', precision: 10, scale: 2 },
            status: { type: 'enum', values: ['placed', 'shipped'] },
            ordered_on: { type: 'date', from: 'Order Date', formats: ['%m/%d/%Y'] },
          },
        },
      },
    },
  };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
}

const CSV_HEADER = 'order_id,quantity,amount,status,Order Date';
let project: TestProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

async function loads(p: TestProject) {
  return p.query(
    `select cast(load_date as varchar) as load_date, received, staged, quarantined, duplicates, reconciled
     from audit.source_loads order by run_id, load_date`,
  );
}

describe('a CSV source', () => {
  it('types valid rows, quarantines each bad one with its reason, and accounts for every record', async () => {
    const day = [
      `\uFEFF${CSV_HEADER}`,
      '1,2,10.50,placed,3/14/2025',
      '2,x,5.00,placed,3/14/2025', // quantity not an integer
      '3,-1,5.00,lost,3/14/2025', // negative quantity and unknown status
      'NULL,1,1.00,placed,3/14/2025', // missing required id
      '1,3,11.00,shipped,3/14/2025', // duplicate of 1: the later one wins
      '4,1,2.00,placed,14/3/2025', // date not in the accepted format
      '5,1,"3.00,placed,3/14/2025', // unbalanced quote
      '6,1,2.00,placed', // a field short
    ].join('\r\n');
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${day}\r\n`,
    });
    const { exitCode } = await project.run();
    expect(exitCode).toBe(0);
    expect(
      await project.query(
        'select order_id, quantity, amount, status, cast(ordered_on as varchar) as ordered_on from staging.orders',
      ),
    ).toEqual([{ order_id: '1', quantity: 3, amount: 11, status: 'shipped', ordered_on: '2025-03-14' }]);
    const bad = await project.query(
      `select record_position, field, reason_code from audit.bad_records order by record_position, field`,
    );
    expect(bad).toEqual([
      { record_position: 2, field: 'quantity', reason_code: 'invalid_type' },
      { record_position: 3, field: 'quantity', reason_code: 'out_of_range' },
      { record_position: 3, field: 'status', reason_code: 'unknown_enum' },
      { record_position: 4, field: 'order_id', reason_code: 'missing_required' },
      { record_position: 6, field: 'ordered_on', reason_code: 'invalid_type' },
      { record_position: 7, field: '*', reason_code: 'malformed_record' },
      { record_position: 8, field: '*', reason_code: 'malformed_record' },
    ]);
    const malformed = await project.query(
      `select field, reason_code, message, raw_record, source_line from audit.bad_records
       where reason_code = 'malformed_record' order by source_line`,
    );
    expect(malformed).toHaveLength(2);
    expect(malformed[0]).toMatchObject({ field: '*', reason_code: 'malformed_record', source_line: 8 });
    expect(String(malformed[0]?.raw_record)).toContain('5,1,"3.00');
    expect(malformed[1]).toEqual({
      field: '*',
      reason_code: 'malformed_record',
      message: 'COLUMN COUNT: expected 5 columns, found 4',
      raw_record: '6,1,2.00,placed',
      source_line: 9,
    });
    const [load] = await loads(project);
    expect(load).toMatchObject({ load_date: '2025-03-14', staged: 1, duplicates: 1, reconciled: true });
    expect(Number(load?.received)).toBe(
      Number(load?.staged) + Number(load?.quarantined) + Number(load?.duplicates),
    );
  });

  it('reads gzip-compressed files', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv.gz'),
    });
    await mkdir(join(project.dir, 'data/orders'), { recursive: true });
    await writeFile(
      join(project.dir, 'data/orders/2025-03-14.csv.gz'),
      gzipSync(`${CSV_HEADER}\n7,1,1.00,placed,3/14/2025\n`),
    );
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.query('select order_id from staging.orders')).toEqual([{ order_id: '7' }]);
  });

  it('fails a file that lacks a required column, naming file and column, while other files load', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,1,1.00,placed,3/14/2025\n`,
      'data/orders/2025-03-15.csv': 'quantity,amount,status,Order Date\n1,1.00,placed,3/15/2025\n',
    });
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(1);
    const error = summary.tasks.find((t) => t.task === 'orders')?.error;
    expect(error?.code).toBe('SOURCE_COLUMN_MISSING');
    expect(error?.message).toContain('data/orders/2025-03-15.csv');
    expect(error?.message).toContain('"order_id"');
    expect(await project.query('select order_id, cast(load_date as varchar) d from staging.orders')).toEqual([
      { order_id: '1', d: '2025-03-14' },
    ]);
    expect(
      await project.query(`select path, status, error_code from audit.ingested_files order by path`),
    ).toEqual([
      { path: 'data/orders/2025-03-14.csv', status: 'loaded', error_code: null },
      { path: 'data/orders/2025-03-15.csv', status: 'failed', error_code: 'SOURCE_COLUMN_MISSING' },
    ]);
  });
});

describe('the raw layout of CSV records', () => {
  it('keeps each record as its line, quoted or not, and the file’s header and dialect with the file', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,2,10.50,placed,3/14/2025\n2,x,5.00,placed,3/14/2025\n`,
      'data/orders/2025-03-15.csv': `${CSV_HEADER}\n3,"x",1.00,placed,3/15/2025\n4,"1,5",,shipped,3/15/2025\n`,
    });
    // Both records of 2025-03-15 are quarantined, so that file fails the source's task; what it
    // held is kept all the same, in raw and in the quarantine.
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(1);
    expect(summary.tasks.find((t) => t.task === 'orders')?.error?.code).toBe('SOURCE_FILE_REJECTED');
    const raw = await project.query(
      `select cast(load_date as varchar) as d, record_position, source_line, raw_text, cast(record as varchar) as record, parse_error
       from raw.orders order by load_date, record_position`,
    );
    // JSON texts differ in spacing between engines; their values must not.
    expect(
      raw.map((r) => ({ ...r, record: r.record === null ? null : JSON.parse(String(r.record)) })),
    ).toEqual([
      {
        d: '2025-03-14',
        record_position: 1,
        source_line: 2,
        raw_text: '1,2,10.50,placed,3/14/2025',
        record: null,
        parse_error: null,
      },
      {
        d: '2025-03-14',
        record_position: 2,
        source_line: 3,
        raw_text: '2,x,5.00,placed,3/14/2025',
        record: null,
        parse_error: null,
      },
      {
        d: '2025-03-15',
        record_position: 1,
        source_line: 2,
        raw_text: '3,"x",1.00,placed,3/15/2025',
        record: null,
        parse_error: null,
      },
      {
        d: '2025-03-15',
        record_position: 2,
        source_line: 3,
        raw_text: '4,"1,5",,shipped,3/15/2025',
        record: null,
        parse_error: null,
      },
    ]);
    // Staging finds a field in a line by its place in the file's header, recorded with the file.
    expect(
      await project.query(
        `select csv_header, line_delimiter, csv_quote, csv_escape from audit.ingested_files order by path`,
      ),
    ).toEqual([
      {
        csv_header: JSON.stringify(CSV_HEADER.split(',')),
        line_delimiter: ',',
        csv_quote: '"',
        csv_escape: '"',
      },
      {
        csv_header: JSON.stringify(CSV_HEADER.split(',')),
        line_delimiter: ',',
        csv_quote: '"',
        csv_escape: '"',
      },
    ]);
    expect(
      await project.query('select order_id, quantity, amount from staging.orders order by order_id'),
    ).toEqual([{ order_id: '1', quantity: 2, amount: 10.5 }]);
    // A quoted line is cut by the CSV grammar: the comma inside the quotes is part of the value.
    expect(await project.query(`select message from audit.bad_records where raw_record like '4,%'`)).toEqual([
      { message: 'quantity: "1,5" is not an integer' },
    ]);
    // A quarantined CSV record is shown as it was received: its line.
    expect(
      await project.query(
        'select source_file, record_position, field, raw_record from audit.bad_records order by 1, 2, 3',
      ),
    ).toEqual([
      {
        source_file: 'data/orders/2025-03-14.csv',
        record_position: 2,
        field: 'quantity',
        raw_record: '2,x,5.00,placed,3/14/2025',
      },
      {
        source_file: 'data/orders/2025-03-15.csv',
        record_position: 1,
        field: 'quantity',
        raw_record: '3,"x",1.00,placed,3/15/2025',
      },
      {
        source_file: 'data/orders/2025-03-15.csv',
        record_position: 2,
        field: 'quantity',
        raw_record: '4,"1,5",,shipped,3/15/2025',
      },
    ]);
  });

  it('finds each field by its own file’s header: reordered, missing and unknown columns, another delimiter', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv', {
        csv: { delimiter: ';', quote: '"', escape: '"', header: true },
      }),
      'data/orders/2025-03-14.csv':
        'order_id;quantity;amount;status;Order Date\n1;2;10.50;placed;3/14/2025\n',
      // Another export: columns reordered, status gone, a column the contract does not know.
      'data/orders/2025-03-15.csv':
        'Order Date;coupon;amount;order_id;quantity\n3/15/2025;"SPRING; 25";4.25; 2 ;7\n',
    });
    expect((await project.run()).exitCode).toBe(0);
    expect(
      await project.query(
        `select order_id, quantity, amount, status, cast(ordered_on as varchar) as ordered_on
         from staging.orders order by order_id`,
      ),
    ).toEqual([
      { order_id: '1', quantity: 2, amount: 10.5, status: 'placed', ordered_on: '2025-03-14' },
      { order_id: '2', quantity: 7, amount: 4.25, status: null, ordered_on: '2025-03-15' },
    ]);
    expect(
      await project.query(
        `select path, unknown_fields, missing_fields, line_delimiter from audit.ingested_files order by path`,
      ),
    ).toEqual([
      { path: 'data/orders/2025-03-14.csv', unknown_fields: null, missing_fields: null, line_delimiter: ';' },
      {
        path: 'data/orders/2025-03-15.csv',
        unknown_fields: 'coupon',
        missing_fields: 'status',
        line_delimiter: ';',
      },
    ]);
  });

  it('cuts quoted lines in the file’s own dialect: an escape that is not the quote', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv', {
        csv: { delimiter: ',', quote: '"', escape: '\\', header: true },
      }),
      'data/orders/2025-03-14.csv': [
        CSV_HEADER,
        '1,"2",10.50,"placed",3/14/2025',
        '2,"1\\"0",5.00,placed,3/14/2025',
        '',
      ].join('\n'),
    });
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.query('select order_id, quantity, status from staging.orders')).toEqual([
      { order_id: '1', quantity: 2, status: 'placed' },
    ]);
    expect(await project.query('select message, raw_record from audit.bad_records')).toEqual([
      { message: 'quantity: "1"0" is not an integer', raw_record: '2,"1\\"0",5.00,placed,3/14/2025' },
    ]);
  });

  it('stages a source whose raw rows hold JSON records and CSV lines alike', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*'),
      'data/orders/2025-03-14.ndjson':
        '{"order_id":"1","quantity":1,"amount":1.5,"status":"placed","Order Date":"3/14/2025"}\n',
      'data/orders/2025-03-15.csv': `${CSV_HEADER}\n2,3,4.25,shipped,3/15/2025\n`,
    });
    expect((await project.run()).exitCode).toBe(0);
    expect(
      await project.query(
        `select order_id, quantity, amount, status, cast(ordered_on as varchar) as ordered_on
         from staging.orders order by order_id`,
      ),
    ).toEqual([
      { order_id: '1', quantity: 1, amount: 1.5, status: 'placed', ordered_on: '2025-03-14' },
      { order_id: '2', quantity: 3, amount: 4.25, status: 'shipped', ordered_on: '2025-03-15' },
    ]);
  });

  it('refuses a CSV file for a contract with nested arrays, naming file and field', async () => {
    const config = sourceConfig('data/orders/*.csv').replace(
      '"order_id": {',
      '"items": { "type": "array", "items": { "sku": { "type": "string" } } },\n            "order_id": {',
    );
    project = await TestProject.create({
      'strata.config.ts': config,
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,2,10.50,placed,3/14/2025\n`,
    });
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(1);
    const error = summary.tasks.find((t) => t.task === 'orders')?.error;
    expect(error?.code).toBe('SOURCE_INVALID');
    expect(error?.location).toMatchObject({ file: 'data/orders/2025-03-14.csv', field: 'items' });
  });
});

describe('JSON sources', () => {
  it('loads NDJSON line by line: a broken line is quarantined, the rest goes on', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.ndjson'),
      'data/orders/2025-03-14.ndjson': [
        '{"order_id":"1","quantity":1,"amount":1.5,"status":"placed","Order Date":"3/14/2025"}',
        '{"order_id":"2","quantity":1,',
        '',
        '[1,2]',
        '{"order_id":"3","quantity":2,"amount":"2.5","status":"shipped","Order Date":"3/14/2025","extra":true}',
      ].join('\n'),
    });
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.query('select order_id from staging.orders order by 1')).toEqual([
      { order_id: '1' },
      { order_id: '3' },
    ]);
    expect(
      await project.query(
        `select record_position, reason_code, message from audit.bad_records order by record_position`,
      ),
    ).toEqual([
      { record_position: 2, reason_code: 'malformed_record', message: 'the line is not valid JSON' },
      { record_position: 3, reason_code: 'malformed_record', message: 'the line is JSON but not an object' },
    ]);
  });

  it('fails a truncated JSON array with a clear error while the other files of the source load', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.json'),
      'data/orders/2025-03-14.json': '[{"order_id":"1","quantity":1,"Order Date":"3/14/2025"}]',
      'data/orders/2025-03-15.json': '[{"order_id":"2","quantity":1},{"order_id":"3","qu',
    });
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(1);
    const error = summary.tasks.find((t) => t.task === 'orders')?.error;
    expect(error?.code).toBe('FILE_UNREADABLE');
    expect(error?.location.file).toBe('data/orders/2025-03-15.json');
    expect(await project.query('select order_id from staging.orders')).toEqual([{ order_id: '1' }]);
  });
});

describe('a file none of whose records is staged', () => {
  it('fails its source’s task naming the file and the reason, while the other files load and every record is kept', async () => {
    // A binary file named .ndjson: lines of bytes, none of them a JSON object.
    const binary = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      ...Array.from({ length: 40 }, (_, i) =>
        Buffer.from([0x00, 0x10 + i, 0xff, 0xfe, 0x9c, 0x80 + i, 0x41 + (i % 26), 0x0a]),
      ),
    ]);
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.ndjson', { quarantine: undefined }),
      'data/orders/2025-03-14.ndjson': [
        '{"order_id":"1","quantity":1,"Order Date":"3/14/2025"}',
        '{"order_id":"2","quantity":2,"Order Date":"3/14/2025"}',
      ].join('\n'),
      'models/order_count.sql': model(
        { materialized: 'table' },
        "select count(*) as n from {{ ref('orders') }}",
      ),
    });
    await writeFile(join(project.dir, 'data/orders/2025-03-15.ndjson'), binary);
    // A file of one bad record is a bad record, not a rejected file.
    await writeFile(join(project.dir, 'data/orders/2025-03-16.ndjson'), '{"order_id":"9","quantity":"x"}\n');
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(1);
    expect(summary.status).toBe('failed');
    const task = summary.tasks.find((t) => t.task === 'orders');
    expect(task?.status).toBe('failed');
    expect(task?.error?.code).toBe('SOURCE_FILE_REJECTED');
    expect(task?.error?.location.file).toBe('data/orders/2025-03-15.ndjson');
    expect(task?.error?.message).toMatch(
      /^data\/orders\/2025-03-15\.ndjson: every one of its \d+ records were quarantined, all for malformed_record \(e\.g\. .+\); nothing of it was staged$/,
    );
    expect(task?.error?.hint).toContain('strata quarantine --source orders');
    expect(task?.error?.hint).toContain('strata run --from 2025-03-15 --to 2025-03-15 --select orders+');
    expect(summary.tasks.find((t) => t.task === 'order_count')?.status).toBe('skipped');
    // The good file is staged; the bad one's records are all quarantined, none dropped.
    expect(await project.query('select order_id from staging.orders order by 1')).toEqual([
      { order_id: '1' },
      { order_id: '2' },
    ]);
    const ledger = await loads(project);
    expect(ledger).toMatchObject([
      { load_date: '2025-03-14', received: 2, staged: 2, quarantined: 0, reconciled: true },
      { load_date: '2025-03-15', staged: 0, reconciled: true },
      { load_date: '2025-03-16', received: 1, staged: 0, quarantined: 1, reconciled: true },
    ]);
    const rejected = Number(ledger[1]?.received);
    expect(rejected).toBeGreaterThan(0);
    expect(Number(ledger[1]?.quarantined)).toBe(rejected);
    expect(
      await project.query(
        `select count(distinct record_position) as n from audit.bad_records where source_file = 'data/orders/2025-03-15.ndjson'`,
      ),
    ).toEqual([{ n: rejected }]);
    expect(summary.metrics).toMatchObject({ received: 3 + rejected, staged: 2, quarantined: rejected + 1 });
  });
});

describe('re-runs and changed files', () => {
  it('never ingests an unchanged file twice, and a changed file replaces its date', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,1,1.00,placed,3/14/2025\n2,x,1.00,placed,3/14/2025\n`,
      'data/orders/2025-03-15.csv': `${CSV_HEADER}\n3,1,1.00,placed,3/15/2025\n`,
    });
    const landing = await project.run();
    // The run's rows per layer count the records landed in raw apart from those staged, in flow order.
    expect(Object.entries(landing.summary?.metrics.rowsByLayer ?? {})).toEqual([
      ['raw', 3],
      ['staging', 2],
    ]);
    const first = await project.checksums();
    const again = await project.run();
    expect(again.summary?.metrics.rowsByLayer.raw ?? 0).toBe(0);
    await project.run({ date: '2025-03-14' });
    expect(await project.checksums()).toEqual(first);
    expect(await project.query('select count(*) as n from raw.orders')).toEqual([{ n: 3 }]);
    expect(await project.query('select count(*) as n from audit.bad_records')).toEqual([{ n: 1 }]);

    await project.write({ 'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,5,1.00,shipped,3/14/2025\n` });
    expect((await project.run()).summary?.metrics.rowsByLayer.raw).toBe(1);
    expect(
      await project.query(
        'select order_id, quantity, cast(load_date as varchar) d from staging.orders order by 1',
      ),
    ).toEqual([
      { order_id: '1', quantity: 5, d: '2025-03-14' },
      { order_id: '3', quantity: 1, d: '2025-03-15' },
    ]);
    expect(
      await project.query(`select path, change from audit.ingested_files order by ingested_at, path`),
    ).toEqual([
      { path: 'data/orders/2025-03-14.csv', change: 'new' },
      { path: 'data/orders/2025-03-15.csv', change: 'new' },
      { path: 'data/orders/2025-03-14.csv', change: 'changed' },
    ]);
    // Raw keeps both versions as received; nothing in it was updated.
    expect(await project.query('select count(*) as n from raw.orders')).toEqual([{ n: 4 }]);
  });

  it('a full refresh rebuilds the staging table under the views that read it', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,1,1.00,placed,3/14/2025\n2,2,2.00,placed,3/14/2025\n`,
      'models/staging/stg_orders.sql': model(
        { materialized: 'view' },
        `select order_id, quantity from {{ ref('orders') }}`,
      ),
      'models/marts/order_count.sql': model(
        { materialized: 'view' },
        `select count(*) as n from {{ ref('stg_orders') }}`,
      ),
    });
    expect((await project.run()).exitCode).toBe(0);
    // Only the source: the views on its staging table must survive the rebuild on every engine.
    expect((await project.run({ fullRefresh: true, select: ['orders'] })).exitCode).toBe(0);
    expect(await project.query('select n from marts.order_count')).toEqual([{ n: 2 }]);
    expect((await project.run({ fullRefresh: true })).exitCode).toBe(0);
    expect(await project.query('select n from marts.order_count')).toEqual([{ n: 2 }]);
  });
});

describe('a run that finds no file to load', () => {
  /** Three days of orders, and a mart counting them. */
  const threeDays = (files = 'data/orders/*.csv') => ({
    'strata.config.ts': sourceConfig(files),
    'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,1,1.00,placed,3/14/2025\n`,
    'data/orders/2025-03-15.csv': `${CSV_HEADER}\n2,1,1.00,placed,3/15/2025\n`,
    'data/orders/2025-03-16.csv': `${CSV_HEADER}\n3,1,1.00,placed,3/16/2025\n`,
    'models/marts/order_count.sql': model(
      { materialized: 'table' },
      `select count(*) as n from {{ ref('orders') }} where load_date between {{ date_from }} and {{ date_to }}`,
    ),
  });

  it('warns about a window outside every file’s load date, naming the dates the files cover, and succeeds', async () => {
    project = await TestProject.create(threeDays());
    const events: RunEvent[] = [];
    const { exitCode, summary } = await project.run({
      from: '2025-07-01',
      to: '2025-07-03',
      onEvent: (e) => events.push(e),
    });
    expect(exitCode).toBe(0);
    expect(summary.status).toBe('success');
    const warning = {
      code: 'SOURCE_WINDOW_EMPTY',
      task: 'orders',
      source: 'orders',
      message: 'no file for 2025-07-01..2025-07-03; its files cover 2025-03-14..2025-03-16 (3 dates)',
      hint: expect.stringContaining('--from 2025-03-14 --to 2025-03-16') as unknown,
    };
    expect(summary.warnings).toEqual([warning]);
    expect(events.filter((e) => e.type === 'task_warning')).toEqual([
      { type: 'task_warning', runId: summary.runId, task: 'orders', warning },
    ]);
    // Recorded on the source's attempt, which succeeded: what `strata runs --run` shows.
    const { tasks } = await getRun({ ...project.options, runId: summary.runId });
    expect(tasks.find((t) => t.task === 'orders')).toMatchObject({
      status: 'success',
      errorCode: 'SOURCE_WINDOW_EMPTY',
      error: warning.message,
    });
    expect(await project.query('select n from marts.order_count')).toEqual([{ n: 0 }]);

    // A window with a file, and a run without dates that finds nothing new, are not warned about.
    expect((await project.run({ date: '2025-03-15' })).summary.warnings).toEqual([]);
    expect((await project.run()).summary.warnings).toEqual([]);
    expect((await project.run()).summary.warnings).toEqual([]);
    // One date, open ends.
    const later = await project.run({ from: '2025-04-01' });
    expect(later.summary.warnings.map((w) => w.message)).toEqual([
      'no file for 2025-04-01..; its files cover 2025-03-14..2025-03-16 (3 dates)',
    ]);
  });

  it('with strict, fails the source’s task (and the run) with the same message and skips what reads it', async () => {
    project = await TestProject.create(threeDays());
    const { exitCode, summary } = await project.run({ date: '2025-07-01', strict: true });
    expect(exitCode).toBe(1);
    expect(summary.status).toBe('failed');
    expect(summary.warnings).toEqual([]);
    const orders = summary.tasks.find((t) => t.task === 'orders');
    expect(orders?.status).toBe('failed');
    expect(orders?.attempts).toBe(1);
    expect(orders?.error?.code).toBe('SOURCE_WINDOW_EMPTY');
    expect(orders?.error?.message).toBe(
      'no file for 2025-07-01; its files cover 2025-03-14..2025-03-16 (3 dates)',
    );
    expect(summary.tasks.find((t) => t.task === 'order_count')?.status).toBe('skipped');
    // Strict with files in the window: nothing to complain about.
    expect((await project.run({ date: '2025-03-14', strict: true })).exitCode).toBe(0);
  });

  it('warns about a pattern that matches no file, naming the pattern and the folder it looked in', async () => {
    project = await TestProject.create(threeDays('orders/*.csv'));
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(0);
    expect(summary.warnings).toEqual([
      {
        code: 'SOURCE_NO_FILES',
        task: 'orders',
        source: 'orders',
        message: 'no file matches orders/*.csv (looked in orders, which does not exist)',
        hint: expect.stringContaining('relative to the project folder') as unknown,
      },
    ]);
    // The tables are built, empty, as before; the folder existing but holding no match is said so.
    expect(await project.query('select count(*) as n from staging.orders')).toEqual([{ n: 0 }]);
    await project.write({ 'strata.config.ts': sourceConfig('data/orders/*.json') });
    const wrongExtension = await project.run({ date: '2025-03-14' });
    expect(wrongExtension.summary.warnings.map((w) => w.message)).toEqual([
      'no file matches data/orders/*.json (looked in data/orders, which holds no matching file)',
    ]);

    const strict = await project.run({ strict: true });
    expect(strict.exitCode).toBe(1);
    expect(strict.summary.tasks.find((t) => t.task === 'orders')?.error?.code).toBe('SOURCE_NO_FILES');
  });

  it('says nothing of a feed declared absent (files: []), and builds its table empty', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('unused', { files: [] }),
      'models/marts/order_count.sql': model(
        { materialized: 'table' },
        'select count(*) as n from {{ ref("orders") }}',
      ),
    });
    const { exitCode, summary } = await project.run({ strict: true });
    expect(exitCode).toBe(0);
    expect(summary.warnings).toEqual([]);
    expect(await project.query('select n from marts.order_count')).toEqual([{ n: 0 }]);
    expect(await project.query('select count(*) as n from staging.orders')).toEqual([{ n: 0 }]);
    // With dates, too: a feed the project does not have has no file to miss in them.
    expect((await project.run({ date: '2025-03-14', strict: true })).summary.warnings).toEqual([]);
  });
});

describe('quarantine and replay', () => {
  it('keeps rejected records, and a fixed contract replayed over the raw layer lets them through', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,1,1.00,placed,3/14/2025\n2,1,1.00,returned,3/14/2025\n`,
    });
    await project.run();
    const open = await listQuarantine(project.options);
    expect(open.total).toBe(1);
    expect(open.records.map((r) => [r.position, r.field, r.reason])).toEqual([[2, 'status', 'unknown_enum']]);

    // The mapping is fixed: 'returned' is a status after all.
    await project.write({
      'strata.config.ts': sourceConfig('data/orders/*.csv').replace(
        '"shipped"\n',
        '"shipped",\n              "returned"\n',
      ),
    });
    const { exitCode } = await project.run({ date: '2025-03-14' });
    expect(exitCode).toBe(0);
    expect(await project.query('select order_id, status from staging.orders order by 1')).toEqual([
      { order_id: '1', status: 'placed' },
      { order_id: '2', status: 'returned' },
    ]);
    expect(await listQuarantine(project.options)).toEqual({ records: [], total: 0 });
    const history = await listQuarantine({ ...project.options, includeResolved: true });
    expect(history.records).toHaveLength(1);
    expect(history.records[0]?.resolvedInRun).toMatch(/^r/);
    // A page that is full counts every match.
    const first = await listQuarantine({ ...project.options, includeResolved: true, limit: 1 });
    expect([first.records.length, first.total]).toEqual([1, 1]);
  });

  it('`strata quarantine` says how many records it left out and how to see them', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,1,1.00,lost,3/14/2025\n2,1,1.00,lost,3/14/2025\n3,1,1.00,lost,3/14/2025\n`,
    });
    await project.run();
    const cut = await cli(['quarantine', '--project', project.dir, '--limit', '2'], { env: project.env });
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.stdout).toContain('Showing 2 of 3 records: `strata quarantine --limit N` shows more');
    const whole = await cli(['quarantine', '--project', project.dir], { env: project.env });
    expect(whole.stdout).not.toContain('Showing');
    expect(whole.stdout.match(/unknown_enum/g)).toHaveLength(3);
  });

  it('records schema drift per file: unknown and missing optional fields', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': 'order_id,quantity,coupon\n1,1,SPRING\n',
    });
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.query('select unknown_fields, missing_fields from audit.ingested_files')).toEqual([
      { unknown_fields: 'coupon', missing_fields: 'amount, status, Order Date' },
    ]);
  });
});

describe('decimals that do not fit their declared precision and scale', () => {
  /** amount keeps its values exact; fee says `round: true`. */
  function decimalConfig(): string {
    const config = {
      engine: { type: 'duckdb', path: 'warehouse.duckdb' },
      sources: {
        orders: {
          files: 'data/orders/*.csv',
          contract: {
            uniqueKey: ['order_id'],
            fields: {
              order_id: { type: 'string', required: true },
              amount: { type: 'decimal', precision: 10, scale: 2 },
              fee: { type: 'decimal', precision: 6, scale: 2, round: true },
            },
          },
        },
      },
    };
    return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
  }

  it('quarantines a value that would lose digits, rounds where the field says so, and counts the rounded values per file', async () => {
    const day = [
      'order_id,amount,fee',
      '1,22.3600,1.005', // trailing zeros lose nothing; 1.005 rounds half away from zero to 1.01
      '2,22.368,1.00', // three places in a scale of 2
      '3,+5.5,-2.345', // a leading '+'; -2.345 rounds to -2.35
      '4,123456789012.5,1', // twelve integer digits where decimal(10,2) holds eight
      '5,1e-3,0', // 0.001 in exponent notation
      '6,1.00,9999.999', // rounds to 10000.00, five integer digits where decimal(6,2) holds four
      '7,2.00,0.125', // a duplicate that loses: its rounded value is not staged
      '7,2.00,0.135',
    ].join('\n');
    project = await TestProject.create({
      'strata.config.ts': decimalConfig(),
      'data/orders/2025-03-14.csv': `${day}\n`,
    });
    const out = await cli(['run', '--project', project.dir], { env: project.env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('3 rounded');
    expect(
      await project.query(
        'select order_id, cast(amount as varchar) as amount, cast(fee as varchar) as fee from staging.orders order by order_id',
      ),
    ).toEqual([
      { order_id: '1', amount: '22.36', fee: '1.01' },
      { order_id: '3', amount: '5.50', fee: '-2.35' },
      { order_id: '7', amount: '2.00', fee: '0.14' },
    ]);
    expect(
      await project.query(
        'select record_position, field, reason_code, message from audit.bad_records order by record_position, field',
      ),
    ).toEqual([
      {
        record_position: 2,
        field: 'amount',
        reason_code: 'decimal_out_of_scale',
        message:
          'amount: "22.368" has more than 2 decimal places (scale 2): set round: true on the field to round it, or give it a larger scale',
      },
      {
        record_position: 4,
        field: 'amount',
        reason_code: 'decimal_out_of_range',
        message:
          'amount: "123456789012.5" has more than 8 integer digits (decimal(10,2)): give the field a larger precision',
      },
      {
        record_position: 5,
        field: 'amount',
        reason_code: 'decimal_out_of_scale',
        message:
          'amount: "1e-3" has more than 2 decimal places (scale 2): set round: true on the field to round it, or give it a larger scale',
      },
      {
        record_position: 6,
        field: 'fee',
        reason_code: 'decimal_out_of_range',
        message:
          'fee: "9999.999" has more than 4 integer digits (decimal(6,2)) once rounded to 2 places: give the field a larger precision',
      },
    ]);
    expect(await project.query('select path, rounded_values from audit.ingested_files')).toEqual([
      { path: 'data/orders/2025-03-14.csv', rounded_values: 3 },
    ]);
    const [load] = await loads(project);
    expect(load).toMatchObject({ received: 8, staged: 3, quarantined: 4, duplicates: 1, reconciled: true });
    expect(Number(load?.received)).toBe(
      Number(load?.staged) + Number(load?.quarantined) + Number(load?.duplicates),
    );
  });

  it('leaves the count empty for a source whose contract rounds nothing', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': `${CSV_HEADER}\n1,1,10.50,placed,3/14/2025\n2,1,10.555,placed,3/14/2025\n`,
    });
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.query('select rounded_values from audit.ingested_files')).toEqual([
      { rounded_values: null },
    ]);
    expect(await project.query('select order_id from staging.orders')).toEqual([{ order_id: '1' }]);
  });
});

describe('an HTTP source', () => {
  it('fetches pages once per load date into the raw layer and replays them without the API', async () => {
    let requests = 0;
    const products = Array.from({ length: 7 }, (_, i) => ({
      id: i + 1,
      title: `p${i + 1}`,
      price: i === 3 ? 'free' : i * 2.5,
    }));
    const server = createServer((req, res) => {
      requests += 1;
      const url = new URL(req.url ?? '/', 'http://x');
      const offset = Number(url.searchParams.get('offset'));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(products.slice(offset, offset + 3)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const config = {
        sources: {
          products: {
            http: { url: `http://127.0.0.1:${port}/products`, pagination: { type: 'offset', limit: 3 } },
            quarantine: { maxShare: '20%' }, // one product of seven has a bad price
            contract: {
              uniqueKey: ['id'],
              fields: {
                id: { type: 'integer', required: true },
                title: { type: 'string' },
                price: { type: 'decimal' },
              },
            },
          },
        },
      };
      project = await TestProject.create({
        'strata.config.ts': `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config)});\n`,
      });
      expect((await project.run({ date: '2025-03-14' })).exitCode).toBe(0);
      expect(requests).toBe(3);
      expect(await project.query('select count(*) as n from staging.products')).toEqual([{ n: 6 }]);
      expect(await project.query('select field, reason_code from audit.bad_records')).toEqual([
        { field: 'price', reason_code: 'invalid_type' },
      ]);
      const before = await project.checksums();
      expect((await project.run({ date: '2025-03-14' })).exitCode).toBe(0);
      expect(requests).toBe(3); // replayed from what landed, not fetched again
      expect(await project.checksums()).toEqual(before);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('files that would crash a naive reader', () => {
  it('quarantines a line of invalid UTF-8 and loads a very long field, keeping every record number', async () => {
    const lines = [
      Buffer.from('{"order_id":"1","quantity":1}\n'),
      Buffer.concat([
        Buffer.from('{"order_id":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('","quantity":1}\n'),
      ]),
      Buffer.from(`{"order_id":"3","quantity":1,"note":"${'x'.repeat(3_000_000)}"}\n`),
    ];
    project = await TestProject.create({ 'strata.config.ts': sourceConfig('data/orders/*.ndjson') });
    await mkdir(join(project.dir, 'data/orders'), { recursive: true });
    await writeFile(join(project.dir, 'data/orders/2025-03-14.ndjson'), Buffer.concat(lines));
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.query('select order_id, _record_position from staging.orders order by 1')).toEqual([
      { order_id: '1', _record_position: 1 },
      { order_id: '3', _record_position: 3 },
    ]);
    expect(
      await project.query('select record_position, reason_code, message from audit.bad_records'),
    ).toEqual([
      {
        record_position: 2,
        reason_code: 'malformed_record',
        message: expect.stringContaining('not valid UTF-8 text: save the file as UTF-8'),
      },
    ]);
  });
});

describe('a stray quote in the middle of a CSV file', () => {
  it('costs only its own line: the lines after it load with their own record numbers', async () => {
    project = await TestProject.create({
      'strata.config.ts': sourceConfig('data/orders/*.csv'),
      'data/orders/2025-03-14.csv': [
        CSV_HEADER,
        '1,1,1.00,placed,3/14/2025',
        '2,1,"1.00,placed,3/14/2025',
        '3,1,1.00,placed,3/14/2025',
        '4,1,1.00,shipped,3/14/2025',
        '5,1,"quoted, fine",placed,3/14/2025',
        '',
      ].join('\n'),
    });
    expect((await project.run()).exitCode).toBe(0);
    expect(await project.query('select order_id, _record_position from staging.orders order by 1')).toEqual([
      { order_id: '1', _record_position: 1 },
      { order_id: '3', _record_position: 3 },
      { order_id: '4', _record_position: 4 },
    ]);
    expect(
      await project.query('select record_position, field, reason_code from audit.bad_records order by 1, 2'),
    ).toEqual([
      { record_position: 2, field: '*', reason_code: 'malformed_record' },
      { record_position: 5, field: 'amount', reason_code: 'invalid_type' },
    ]);
    const [malformed] = await project.query(
      'select message from audit.bad_records where record_position = 2',
    );
    expect(malformed?.message).toMatch(/^.*a quoted value is not closed on this line: add the closing quote/);
  });
});
