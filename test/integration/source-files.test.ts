import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';

/** Files that arrive wrong without being wrong records: empty ones, and text that is not UTF-8. */

let project: TestProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

function config(files: string): string {
  const c = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      orders: {
        files,
        // A handful of records, bad ones on purpose: the gate is tested in checks.test.ts.
        quarantine: false,
        contract: { fields: { order_id: { type: 'string', required: true }, note: { type: 'string' } } },
      },
    },
  };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(c)});\n`;
}

describe('files that hold no record', () => {
  it('are recorded in the ledger with a warning, and the run says which', async () => {
    project = await TestProject.create({
      'strata.config.ts': config('data/*.{csv,ndjson}'),
      'data/a-2025-01-01.csv': '',
      'data/b-2025-01-01.csv': 'order_id,note\r\n',
      'data/c-2025-01-02.ndjson': '',
      'data/d-2025-01-02.ndjson': '\n\n',
      'data/e-2025-01-02.csv': 'order_id,note\n1,x\n',
    });
    const { exitCode, summary } = await project.run();
    expect(exitCode).toBe(0);
    expect(
      await project.query(
        `select path, cast(load_date as varchar) as load_date, status, records, warning_code, warning_message
         from audit.ingested_files order by path`,
      ),
    ).toEqual([
      {
        path: 'data/a-2025-01-01.csv',
        load_date: '2025-01-01',
        status: 'loaded',
        records: 0,
        warning_code: 'SOURCE_FILE_EMPTY',
        warning_message: 'data/a-2025-01-01.csv is empty (0 bytes): nothing of it was staged',
      },
      {
        path: 'data/b-2025-01-01.csv',
        load_date: '2025-01-01',
        status: 'loaded',
        records: 0,
        warning_code: 'SOURCE_FILE_EMPTY',
        warning_message: 'data/b-2025-01-01.csv holds a header and no record: nothing of it was staged',
      },
      {
        path: 'data/c-2025-01-02.ndjson',
        load_date: '2025-01-02',
        status: 'loaded',
        records: 0,
        warning_code: 'SOURCE_FILE_EMPTY',
        warning_message: 'data/c-2025-01-02.ndjson is empty (0 bytes): nothing of it was staged',
      },
      {
        path: 'data/d-2025-01-02.ndjson',
        load_date: '2025-01-02',
        status: 'loaded',
        records: 0,
        warning_code: 'SOURCE_FILE_EMPTY',
        warning_message: 'data/d-2025-01-02.ndjson holds no record: nothing of it was staged',
      },
      {
        path: 'data/e-2025-01-02.csv',
        load_date: '2025-01-02',
        status: 'loaded',
        records: 1,
        warning_code: null,
        warning_message: null,
      },
    ]);
    expect(summary.warnings.map((w) => [w.task, w.code, w.message])).toEqual([
      [
        'orders',
        'SOURCE_FILE_EMPTY',
        '4 files of orders held no record: data/a-2025-01-01.csv (empty), data/b-2025-01-01.csv (a header and no record), ' +
          'data/c-2025-01-02.ndjson (empty), data/d-2025-01-02.ndjson (no record)',
      ],
    ]);
    // Both dates are accounted for, the empty one with nothing received.
    expect(
      await project.query(
        `select cast(load_date as varchar) as d, files, received, staged from audit.source_loads order by d`,
      ),
    ).toEqual([
      { d: '2025-01-01', files: 2, received: 0, staged: 0 },
      { d: '2025-01-02', files: 3, received: 1, staged: 1 },
    ]);

    // Unchanged files are not met again; a header-only file that now holds a record loses its warning.
    const again = await project.run();
    expect(again.summary.warnings).toEqual([]);
    await project.write({ 'data/b-2025-01-01.csv': 'order_id,note\r\n2,y\r\n' });
    const fixed = await project.run();
    expect(fixed.summary.warnings.map((w) => w.code)).toEqual([]);
    expect(
      await project.query(
        `select records, warning_code from audit.ingested_files
         where path = 'data/b-2025-01-01.csv' order by ingested_at`,
      ),
    ).toEqual([
      { records: 0, warning_code: 'SOURCE_FILE_EMPTY' },
      { records: 1, warning_code: null },
    ]);
    expect(await project.query('select order_id from staging.orders order by order_id')).toEqual([
      { order_id: '1' },
      { order_id: '2' },
    ]);
  });
});

describe('text that is not UTF-8', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

  it('is quarantined with the bytes received, escaped as \\xNN, and the valid lines load', async () => {
    project = await TestProject.create({ 'strata.config.ts': config('data/*.{csv,ndjson,csv.gz}') });
    await mkdir(join(project.dir, 'data'));
    // Latin-1 é (E9) and ÿ (FF), a valid UTF-8 é beside a stray byte, a backslash of the line's own;
    // each line's bytes are read from the file (gzip-compressed or not), not from the reader.
    const csvFile = bytes('order_id,note\n1,caf', [0xe9, 0xff, 0x93], '\n2,ok\n3,été \\x', [0xe9], '\n');
    await writeFile(join(project.dir, 'data/orders-2025-01-03.csv'), csvFile);
    await writeFile(
      join(project.dir, 'data/gz-2025-01-03.csv.gz'),
      gzipSync(bytes('order_id,note\n7,', [0xfc], '\n8,ok\n')),
    );
    await writeFile(
      join(project.dir, 'data/orders-2025-01-03.ndjson'),
      bytes('{"order_id":"4","note":"caf', [0xe9], '"}\n{"order_id":"5","note":"ok"}\n'),
    );
    const { exitCode } = await project.run();
    expect(exitCode).toBe(0);
    expect(
      await project.query(
        `select source_file, record_position, reason_code, message, raw_record from audit.bad_records
         order by source_file, record_position`,
      ),
    ).toEqual([
      {
        source_file: 'data/gz-2025-01-03.csv.gz',
        record_position: 1,
        reason_code: 'malformed_record',
        message: 'the line is not valid UTF-8 text: save the file as UTF-8',
        raw_record: '7,\\xFC',
      },
      {
        source_file: 'data/orders-2025-01-03.csv',
        record_position: 1,
        reason_code: 'malformed_record',
        message: 'the line is not valid UTF-8 text: save the file as UTF-8',
        raw_record: '1,caf\\xE9\\xFF\\x93', // 0x93: a Windows-1252 quotation mark
      },
      {
        source_file: 'data/orders-2025-01-03.csv',
        record_position: 3,
        reason_code: 'malformed_record',
        message: 'the line is not valid UTF-8 text: save the file as UTF-8',
        raw_record: '3,été \\\\x\\xE9',
      },
      {
        source_file: 'data/orders-2025-01-03.ndjson',
        record_position: 1,
        reason_code: 'malformed_record',
        message: 'the line is not valid UTF-8 text: save the file as UTF-8',
        raw_record: '{"order_id":"4","note":"caf\\xE9"}',
      },
    ]);
    expect(await project.query('select order_id, note from staging.orders order by order_id')).toEqual([
      { order_id: '2', note: 'ok' },
      { order_id: '5', note: 'ok' },
      { order_id: '8', note: 'ok' },
    ]);
    expect(
      await project.query(`select received, staged, quarantined, reconciled from audit.source_loads`),
    ).toEqual([{ received: 7, staged: 3, quarantined: 4, reconciled: true }]);
  });
});
