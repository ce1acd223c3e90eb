import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StrataAggregateError } from '../../src/errors/strata-error.ts';
import { loadProject } from '../../src/project/load-project.ts';
import { TestProject } from '../helpers/project.ts';

/**
 * Mapping an export's own shape onto a contract: enum value maps, where a file's load date comes
 * from, and date formats. Each source here turns its quarantine gate off unless the test is about
 * the gate (a handful of records, bad ones on purpose).
 */

let project: TestProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

function config(sources: Record<string, unknown>): string {
  const body = { engine: { type: 'duckdb', path: 'warehouse.duckdb' }, sources };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(body, null, 2)});\n`;
}

const statuses = (summary: { tasks: { task: string; status: string }[] }) =>
  Object.fromEntries(summary.tasks.map((t) => [t.task, t.status]));

describe('an enum with a value map', () => {
  const contract = {
    fields: {
      id: { type: 'string', required: true },
      ship_mode: {
        type: 'enum',
        from: 'Ship Mode',
        values: ['same_day', 'standard', 'paid'],
        map: { 'Same Day': 'same_day', 'Standard Class': 'standard', 1: 'paid' },
      },
      tier: {
        type: 'enum',
        values: ['Gold', 'Silver'],
        caseInsensitive: true,
        map: { G: 'Gold', 2: 'Silver' },
      },
    },
  };

  it('maps string and integer keys before the check, in CSV and NDJSON, and quarantines a text neither mapped nor allowed', async () => {
    project = await TestProject.create({
      'strata.config.ts': config({
        csv_orders: { files: 'data/*.csv', quarantine: false, contract },
        json_orders: { files: 'data/*.ndjson', quarantine: false, contract },
      }),
      'data/2025-02-01.csv': [
        'id,Ship Mode,tier',
        'a,Same Day,g',
        'b,1,2',
        'c, Standard Class ,gold',
        'd,standard,SILVER',
        'e,First Class,Gold',
        'f,same day,Bronze',
        '',
      ].join('\n'),
      'data/2025-02-01.ndjson': [
        { id: 'a', 'Ship Mode': 'Same Day', tier: 'G' },
        { id: 'b', 'Ship Mode': 1, tier: 2 }, // JSON integers
        { id: 'c', 'Ship Mode': '1', tier: '2' }, // their texts
        { id: 'd', 'Ship Mode': 'paid', tier: null },
        { id: 'e', 'Ship Mode': 'First Class', tier: 'silver' },
        { id: 'f', 'Ship Mode': 1.5, tier: 'gold' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    });
    const { exitCode } = await project.run();
    expect(exitCode).toBe(0);
    expect(await project.query('select id, ship_mode, tier from staging.csv_orders order by id')).toEqual([
      { id: 'a', ship_mode: 'same_day', tier: 'Gold' },
      { id: 'b', ship_mode: 'paid', tier: 'Silver' },
      { id: 'c', ship_mode: 'standard', tier: 'Gold' },
      { id: 'd', ship_mode: 'standard', tier: 'Silver' },
    ]);
    expect(await project.query('select id, ship_mode, tier from staging.json_orders order by id')).toEqual([
      { id: 'a', ship_mode: 'same_day', tier: 'Gold' },
      { id: 'b', ship_mode: 'paid', tier: 'Silver' },
      { id: 'c', ship_mode: 'paid', tier: 'Silver' },
      { id: 'd', ship_mode: 'paid', tier: null },
    ]);
    const known =
      'is not one of same_day, standard, paid (nor a key of its map: 1, Same Day, Standard Class)';
    expect(
      await project.query(
        `select source, record_position, field, reason_code, message from audit.bad_records
         order by source, record_position, field`,
      ),
    ).toEqual([
      {
        source: 'csv_orders',
        record_position: 5,
        field: 'ship_mode',
        reason_code: 'unknown_enum',
        message: `ship_mode: "First Class" ${known}`,
      },
      // Keys match in their own case only, unless the field is caseInsensitive.
      {
        source: 'csv_orders',
        record_position: 6,
        field: 'ship_mode',
        reason_code: 'unknown_enum',
        message: `ship_mode: "same day" ${known}`,
      },
      {
        source: 'csv_orders',
        record_position: 6,
        field: 'tier',
        reason_code: 'unknown_enum',
        message: 'tier: "Bronze" is not one of Gold, Silver (nor a key of its map: 2, G)',
      },
      {
        source: 'json_orders',
        record_position: 5,
        field: 'ship_mode',
        reason_code: 'unknown_enum',
        message: `ship_mode: "First Class" ${known}`,
      },
      {
        source: 'json_orders',
        record_position: 6,
        field: 'ship_mode',
        reason_code: 'unknown_enum',
        message: `ship_mode: "1.5" ${known}`,
      },
    ]);
  });

  it('refuses a map to a value the enum does not allow, when the project loads', async () => {
    project = await TestProject.create({
      'strata.config.ts': config({
        orders: {
          files: 'data/*.csv',
          contract: { fields: { mode: { type: 'enum', values: ['a'], map: { A: 'a', B: 'b' } } } },
        },
      }),
    });
    const error = await loadProject(project.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrataAggregateError);
    const messages = (error as StrataAggregateError).problems.map((p) => p.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('sources.orders.contract.fields.mode.map.B');
    expect(messages[0]).toContain('maps to "b", which is not one of values (a)');
  });
});

describe('a load date', () => {
  const contract = { fields: { id: { type: 'string', required: true } } };

  it('comes from the path by fromPath (a group, a named date, year/month/day) or is a fixed value', async () => {
    project = await TestProject.create({
      'strata.config.ts': config({
        // The folder's date, not the last date in the path (a file re-exported later).
        by_group: {
          files: 'exports/a/*/*.csv',
          loadDate: { fromPath: String.raw`^exports/a/(\d{4}-\d{2}-\d{2})/` },
          contract,
        },
        by_name: {
          files: 'exports/b/*.csv',
          loadDate: { fromPath: String.raw`_(?<date>\d{4}-\d{2}-\d{2})_final` },
          contract,
        },
        by_parts: {
          files: 'exports/c/*.csv',
          loadDate: { fromPath: String.raw`orders_(?<day>\d{1,2})\.(?<month>\d{1,2})\.(?<year>\d{4})` },
          contract,
        },
        fixed: { files: 'exports/d/orders.csv', loadDate: { value: '2025-01-31' }, contract },
      }),
      'exports/a/2025-03-01/orders-2025-03-05.csv': 'id\n1\n',
      'exports/b/orders_2025-03-02_final_2025-04-01.csv': 'id\n1\n',
      'exports/c/orders_3.4.2025.csv': 'id\n1\n',
      'exports/d/orders.csv': 'id\n1\n',
    });
    const { exitCode } = await project.run();
    expect(exitCode).toBe(0);
    expect(
      await project.query(
        `select source, cast(load_date as varchar) as d from audit.ingested_files order by source`,
      ),
    ).toEqual([
      { source: 'by_group', d: '2025-03-01' },
      { source: 'by_name', d: '2025-03-02' },
      { source: 'by_parts', d: '2025-04-03' },
      { source: 'fixed', d: '2025-01-31' },
    ]);
    const staged = await project.query(
      `select cast(load_date as varchar) as d from staging.by_group
       union all select cast(load_date as varchar) from staging.fixed order by d`,
    );
    expect(staged).toEqual([{ d: '2025-01-31' }, { d: '2025-03-01' }]);
  });

  it('fails the source, naming the expression and the file, when fromPath finds no date', async () => {
    project = await TestProject.create({
      'strata.config.ts': config({
        orders: { files: 'exports/*.csv', loadDate: { fromPath: String.raw`_(\d{8})\.csv$` }, contract },
      }),
      'exports/orders_20250301.csv': 'id\n1\n',
    });
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(1);
    const [task] = summary.tasks;
    expect(task?.error?.code).toBe('SOURCE_INVALID');
    expect(task?.error?.message).toBe(
      String.raw`source orders: no load date matching loadDate.fromPath _(\d{8})\.csv$ in the path exports/orders_20250301.csv`,
    );
  });
});

describe('date formats', () => {
  // 40 order lines of one day: 28 with the day as 03/14/2025, 12 as 14.03.2025.
  const lines = Array.from({ length: 40 }, (_, i) => `${i + 1},${i < 28 ? '03/14/2025' : '14.03.2025'}`);
  const source = (formats: string[]) => ({
    files: 'data/*.csv',
    contract: {
      fields: {
        id: { type: 'string', required: true },
        ordered_on: { type: 'date', from: 'Order Date', formats },
      },
    },
  });
  const files = { 'data/2025-03-14.csv': ['id,Order Date', ...lines, ''].join('\r\n') };

  it('quarantine a value matching none, naming the formats tried, and a format missing from the contract fails the run by the quarantine gate', async () => {
    project = await TestProject.create({
      ...files,
      'strata.config.ts': config({ orders: source(['%m/%d/%Y', '%Y-%m-%d']) }),
    });
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(1);
    expect(statuses(summary)).toMatchObject({ orders: 'success', 'orders:checks': 'failed' });
    const gate = summary.checks.find((c) => c.checkId === 'orders:quarantine_share');
    expect(gate?.status).toBe('fail');
    expect(gate?.message).toContain('30% of the records received on 2025-03-14 were quarantined (12 of 40');
    const bad = await project.query(
      `select distinct field, reason_code, message from audit.bad_records where record_position = 29`,
    );
    expect(bad).toEqual([
      {
        field: 'ordered_on',
        reason_code: 'invalid_type',
        message: 'ordered_on: "14.03.2025" is not a date (%m/%d/%Y or %Y-%m-%d)',
      },
    ]);

    // With the missing format, the same date is staged whole and its quarantined records resolved.
    await project.write({
      'strata.config.ts': config({ orders: source(['%m/%d/%Y', '%Y-%m-%d', '%d.%m.%Y']) }),
    });
    const fixed = await project.run({ from: '2025-03-14', to: '2025-03-14' });
    expect(fixed.exitCode).toBe(0);
    expect(
      await project.query(`select count(*) as n, count(distinct ordered_on) as days from staging.orders`),
    ).toEqual([{ n: 40, days: 1 }]);
    expect(
      await project.query(`select count(*) as n from audit.bad_records where resolved_run_id is null`),
    ).toEqual([{ n: 0 }]);
  });
});

describe('a load date from a column', () => {
  const contract = {
    uniqueKey: ['line_id'],
    fields: {
      line_id: { type: 'string', required: true },
      // The load date's column may be a field too.
      invoiced_at: { type: 'timestamp', from: 'InvoiceDate', formats: ['%d/%m/%Y %H:%M'] },
      amount: { type: 'decimal', scale: 2 },
    },
  };
  const csvSource = {
    files: 'exports/online_retail.csv',
    quarantine: false,
    loadDate: { fromColumn: 'InvoiceDate', format: '%d/%m/%Y %H:%M' },
    contract,
  };
  const header = 'line_id,InvoiceDate,amount';
  const original = [
    header,
    'a1,01/12/2010 08:26,1.50',
    'a2,01/12/2010 09:01,2.00',
    'b1,02/12/2010 10:00,3.00',
    'b2,02/12/2010 10:05,4.00',
    'b2,02/12/2010 10:05,4.00', // a duplicate of its date
    'c1,03/12/2010 11:00,5.00',
    'x1,soon,6.00', // no date: quarantined, counted on the file's earliest date
    '',
  ].join('\n');
  const perDate = (p: TestProject, table = 'staging.lines') =>
    p.query(
      `select cast(load_date as varchar) as d, count(*) as n, sum(amount) as amount from ${table} group by load_date order by d`,
    );
  const loads = (p: TestProject) =>
    p.query(
      `select cast(load_date as varchar) as d, files, received, staged, quarantined, duplicates, reconciled
       from audit.source_loads where source = 'lines' and run_id = (select max(run_id) from audit.source_loads) order by d`,
    );

  it('splits one file into the dates its records hold, reconciles each, and quarantines a record without one', async () => {
    project = await TestProject.create({
      'strata.config.ts': config({
        lines: csvSource,
        // JSON records with ISO timestamps: no format needed.
        events: {
          files: 'exports/events.ndjson',
          quarantine: false,
          loadDate: { fromColumn: 'at' },
          contract: { fields: { id: { type: 'string', required: true } } },
        },
      }),
      'exports/online_retail.csv': original,
      'exports/events.ndjson': [
        { id: 'e1', at: '2010-12-01T23:59:59' },
        { id: 'e2', at: '2010-12-02' },
        { id: 'e3', at: null },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    });
    const { exitCode } = await project.run();
    expect(exitCode).toBe(0);
    expect(await perDate(project)).toEqual([
      { d: '2010-12-01', n: 2, amount: 3.5 },
      { d: '2010-12-02', n: 2, amount: 7 },
      { d: '2010-12-03', n: 1, amount: 5 },
    ]);
    expect(await loads(project)).toEqual([
      { d: '2010-12-01', files: 1, received: 3, staged: 2, quarantined: 1, duplicates: 0, reconciled: true },
      { d: '2010-12-02', files: 1, received: 3, staged: 2, quarantined: 0, duplicates: 1, reconciled: true },
      { d: '2010-12-03', files: 1, received: 1, staged: 1, quarantined: 0, duplicates: 0, reconciled: true },
    ]);
    const quarantined = await project.query(
      `select source, cast(load_date as varchar) as d, field, reason_code, message, raw_record
       from audit.bad_records order by source, field`,
    );
    // A JSON record is kept as the engine's JSON, whose spacing and key order differ.
    const shown = quarantined.map((r) =>
      r.source === 'events' ? { ...r, raw_record: JSON.parse(String(r.raw_record)) as unknown } : r,
    );
    expect(shown).toEqual([
      {
        source: 'events',
        d: '2010-12-01',
        field: 'load_date',
        reason_code: 'missing_required',
        message: 'load_date (from at) is required but missing',
        raw_record: { id: 'e3', at: null },
      },
      {
        source: 'lines',
        d: '2010-12-01',
        field: 'invoiced_at',
        reason_code: 'invalid_type',
        message: 'invoiced_at: "soon" is not a timestamp (%d/%m/%Y %H:%M)',
        raw_record: 'x1,soon,6.00',
      },
      {
        source: 'lines',
        d: '2010-12-01',
        field: 'load_date',
        reason_code: 'invalid_type',
        message: 'load_date (from InvoiceDate): "soon" is not a timestamp (%d/%m/%Y %H:%M)',
        raw_record: 'x1,soon,6.00',
      },
    ]);
    expect(
      await project.query(`select id, cast(load_date as varchar) as d from staging.events order by id`),
    ).toEqual([
      { id: 'e1', d: '2010-12-01' },
      { id: 'e2', d: '2010-12-02' },
    ]);
  });

  it('replaces exactly the dates of a run: a window restages its dates alone, a run without one every date', async () => {
    project = await TestProject.create({
      'strata.config.ts': config({ lines: csvSource }),
      'exports/online_retail.csv': original,
    });
    expect((await project.run()).exitCode).toBe(0);
    const before = await perDate(project);
    // Nothing new: a second run changes nothing.
    expect((await project.run()).exitCode).toBe(0);
    expect(await perDate(project)).toEqual(before);

    // The export is re-issued: b1 corrected, c1 gone, a line of a new day.
    await project.write({
      'exports/online_retail.csv': [
        header,
        'a1,01/12/2010 08:26,1.50',
        'a2,01/12/2010 09:01,2.00',
        'b1,02/12/2010 10:00,30.00',
        'b2,02/12/2010 10:05,4.00',
        'd1,04/12/2010 12:00,8.00',
        '',
      ].join('\n'),
    });
    const windowed = await project.run({ from: '2010-12-02', to: '2010-12-02' });
    expect(windowed.exitCode).toBe(0);
    // Only 2010-12-02 was replaced; the other dates are as they were.
    expect(await perDate(project)).toEqual([
      { d: '2010-12-01', n: 2, amount: 3.5 },
      { d: '2010-12-02', n: 2, amount: 34 },
      { d: '2010-12-03', n: 1, amount: 5 },
    ]);
    expect(await loads(project)).toEqual([
      { d: '2010-12-02', files: 1, received: 2, staged: 2, quarantined: 0, duplicates: 0, reconciled: true },
    ]);
    // The quarantined record of the old version (two violations) is resolved only when its date is restaged.
    expect(
      await project.query(`select count(*) as n from audit.bad_records where resolved_run_id is null`),
    ).toEqual([{ n: 2 }]);

    // Rerunning the same window gives the same table.
    const sums = await project.checksums();
    expect((await project.run({ from: '2010-12-02', to: '2010-12-02' })).exitCode).toBe(0);
    expect(await project.checksums()).toEqual(sums);

    // A run without dates stages every date the file holds now, though no file is new since:
    // 2010-12-03 is gone, and 2010-12-04, landed by the run with dates, is staged.
    expect((await project.run()).exitCode).toBe(0);
    expect(await perDate(project)).toEqual([
      { d: '2010-12-01', n: 2, amount: 3.5 },
      { d: '2010-12-02', n: 2, amount: 34 },
      { d: '2010-12-04', n: 1, amount: 8 },
    ]);
    await project.write({
      'exports/online_retail.csv':
        (await readFile(join(project.dir, 'exports/online_retail.csv'), 'utf8')) +
        'e1,05/12/2010 09:00,1.00\n',
    });
    expect((await project.run()).exitCode).toBe(0);
    expect((await perDate(project)).map((r) => r.d)).toEqual([
      '2010-12-01',
      '2010-12-02',
      '2010-12-04',
      '2010-12-05',
    ]);
    expect(
      await project.query(`select count(*) as n from audit.bad_records where resolved_run_id is null`),
    ).toEqual([{ n: 0 }]);
  });
});
