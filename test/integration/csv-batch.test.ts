import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';

const HEADER = 'order_id,quantity,status';

/** One CSV source of the files under data/orders that `files` matches, with a small contract. */
const config = (files: string) => `import { defineConfig } from 'strata';
export default defineConfig({
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  sources: {
    orders: {
      files: '${files}',
      contract: {
        uniqueKey: ['order_id'],
        fields: {
          order_id: { type: 'string', required: true },
          quantity: { type: 'integer', min: 0 },
          status: { type: 'enum', values: ['placed', 'shipped'] },
        },
      },
    },
  },
});
`;

/**
 * Files of one day each, between them every case the reader must get right: a file whose lines are
 * its records (CRLF, a byte order mark, no final line break, stray and balanced quotes) and files
 * that cannot go straight in (a quoted value spanning lines, a blank line, invalid UTF-8).
 */
const FILES: Record<string, string | Buffer> = {
  'data/orders/2025-03-01.csv': `\uFEFF${HEADER}\r\n1,1,placed\r\n2,2,shipped\r\n`,
  'data/orders/2025-03-02.csv': [HEADER, '3,1,placed', '4,1,"placed', '5,"1",shipped', '6,1,placed', ''].join(
    '\n',
  ),
  'data/orders/2025-03-03.csv': [HEADER, '"7', 'seven",1,placed', '8,2,shipped', ''].join('\n'),
  'data/orders/2025-03-04.csv': [HEADER, '9,1,placed', '', '10,1,placed', ''].join('\n'),
  'data/orders/2025-03-05.csv': Buffer.concat([
    Buffer.from(`${HEADER}\n11,1,placed\n12,`),
    Buffer.from([0xff, 0xfe]),
    Buffer.from(',placed\n13,1,shipped\n'),
  ]),
  'data/orders/2025-03-06.csv': `${HEADER}\n`,
  'data/orders/2025-03-07.csv': `${HEADER}\n14,3,shipped`,
};

const RAW = `select source_file, record_position, source_line, raw_text, parse_error
  from raw.orders order by source_file, record_position`;
const FILES_LOADED = `select path, records, malformed, csv_header from audit.ingested_files order by path`;

let projects: TestProject[] = [];
afterEach(async () => {
  for (const project of projects) await project.dispose();
  projects = [];
});

async function loaded(files: Record<string, string | Buffer>, glob = 'data/orders/*.csv') {
  const project = await TestProject.create({ 'strata.config.ts': config(glob), ...files });
  projects.push(project);
  const result = await project.run();
  expect(result.exitCode, JSON.stringify(result).slice(0, 3000)).toBe(0);
  return { raw: await project.query(RAW), files: await project.query(FILES_LOADED), project };
}

describe('CSV files landing together', () => {
  it('store every record as a file landing alone would: same line, record number, line number and reason', async () => {
    const together = await loaded(FILES);
    const alone = { raw: [] as unknown[], files: [] as unknown[] };
    for (const [path, content] of Object.entries(FILES)) {
      const one = await loaded({ [path]: content });
      alone.raw.push(...one.raw);
      alone.files.push(...one.files);
    }
    expect(together.raw).toEqual(alone.raw);
    expect(together.files).toEqual(alone.files);
    // And what a file landing alone stores is right: record numbers skip the header, and the
    // stray quote costs its own line only.
    expect(together.raw.filter((r) => r.source_file === 'data/orders/2025-03-02.csv')).toEqual([
      expect.objectContaining({
        record_position: 1,
        source_line: 2,
        raw_text: '3,1,placed',
        parse_error: null,
      }),
      expect.objectContaining({ record_position: 2, source_line: 3, raw_text: '4,1,"placed' }),
      expect.objectContaining({
        record_position: 3,
        source_line: 4,
        raw_text: '5,"1",shipped',
        parse_error: null,
      }),
      expect.objectContaining({
        record_position: 4,
        source_line: 5,
        raw_text: '6,1,placed',
        parse_error: null,
      }),
    ]);
    expect(together.raw.filter((r) => r.source_file === 'data/orders/2025-03-03.csv')).toEqual([
      expect.objectContaining({
        record_position: 1,
        source_line: 2,
        raw_text: '"7\nseven",1,placed',
        parse_error: null,
      }),
      expect.objectContaining({
        record_position: 2,
        source_line: 4,
        raw_text: '8,2,shipped',
        parse_error: null,
      }),
    ]);
    expect(
      await together.project.query(
        `select cast(load_date as varchar) as load_date, received, staged, quarantined, duplicates, reconciled
         from audit.source_loads order by load_date`,
      ),
    ).toEqual([
      { load_date: '2025-03-01', received: 2, staged: 2, quarantined: 0, duplicates: 0, reconciled: true },
      { load_date: '2025-03-02', received: 4, staged: 3, quarantined: 1, duplicates: 0, reconciled: true },
      { load_date: '2025-03-03', received: 2, staged: 2, quarantined: 0, duplicates: 0, reconciled: true },
      { load_date: '2025-03-04', received: 2, staged: 2, quarantined: 0, duplicates: 0, reconciled: true },
      { load_date: '2025-03-05', received: 3, staged: 2, quarantined: 1, duplicates: 0, reconciled: true },
      { load_date: '2025-03-06', received: 0, staged: 0, quarantined: 0, duplicates: 0, reconciled: true },
      { load_date: '2025-03-07', received: 1, staged: 1, quarantined: 0, duplicates: 0, reconciled: true },
    ]);
  });

  it('read gzip-compressed files together as they would be read alone', async () => {
    const gzipped = Object.fromEntries(
      Object.entries(FILES).map(([path, content]) => [`${path}.gz`, gzipSync(content)]),
    );
    const together = await loaded(gzipped, 'data/orders/*.csv.gz');
    const plain = await loaded(FILES);
    const unzipped = (rows: Record<string, unknown>[]) =>
      rows.map((row) => ({ ...row, source_file: String(row.source_file).replace(/\.gz$/, '') }));
    expect(unzipped(together.raw)).toEqual(plain.raw);
    expect(together.raw).toHaveLength(14);
  });
});
