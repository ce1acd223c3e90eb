import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';
import { FILES_LOADED, RAW_RECORDS, SOURCE_LOADS } from '../helpers/raw-landing.ts';

/** One source of the files under data/orders that `files` matches, with a small contract. */
const config = (files: string) => `import { defineConfig } from 'strata';
export default defineConfig({
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  sources: {
    orders: {
      files: '${files}',
      quarantine: false,
      contract: {
        fields: {
          order_id: { type: 'string', required: true },
          quantity: { type: 'integer', min: 0 },
          note: { type: 'string' },
        },
      },
    },
  },
});
`;

/**
 * NDJSON files of one day each, between them what the reader must get right: plain files (one
 * without a final line break, one with an unknown key), a line that is not JSON, lines that are JSON
 * but not an object (one with spaces around it, kept), an object with spaces around it, and files
 * that cannot go straight in (a blank line, invalid UTF-8).
 */
const NDJSON: Record<string, string | Buffer> = {
  'data/orders/2025-03-01.ndjson': '{"order_id":"1","quantity":1}\n{"order_id":"2","quantity":2}\n',
  'data/orders/2025-03-02.ndjson': '{"order_id":"3","quantity":1,"extra":true}\n{"order_id":"4"}',
  'data/orders/2025-03-03.ndjson':
    '{"order_id":"5"}\nnot json\n[1,2]\n{"order_id":"6","note":"x"}\n  null \n\t{"order_id":"6b"} \n',
  'data/orders/2025-03-04.ndjson': '{"order_id":"7"}\n\n{"order_id":"8"}\n',
  'data/orders/2025-03-05.ndjson': Buffer.concat([
    Buffer.from('{"order_id":"9"}\n{"order_id":"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}\n{"order_id":"10"}\n'),
  ]),
};

/** JSON arrays: plain ones, an element that is not an object, an empty array. */
const JSON_ARRAYS: Record<string, string> = {
  'data/orders/2025-03-01.json': '[{"order_id":"1","quantity":1},{"order_id":"2","quantity":-1}]',
  'data/orders/2025-03-02.json': '[{"order_id":"3","extra":1}, 7, {"order_id":"4","note":"n"}]',
  'data/orders/2025-03-03.json': '[]',
  'data/orders/2025-03-04.json': '[{"order_id":"5"}]',
};

let projects: TestProject[] = [];
afterEach(async () => {
  for (const project of projects) await project.dispose();
  projects = [];
});

async function loaded(files: Record<string, string | Buffer>, glob: string) {
  const project = await TestProject.create({ 'strata.config.ts': config(glob), ...files });
  projects.push(project);
  const result = await project.run();
  expect(result.exitCode, JSON.stringify(result).slice(0, 3000)).toBe(0);
  return {
    raw: await project.query(RAW_RECORDS),
    files: await project.query(FILES_LOADED),
    loads: await project.query(SOURCE_LOADS),
  };
}

/** The same files landed together (one batch) and each on its own. */
async function togetherAndAlone(files: Record<string, string | Buffer>, glob: string) {
  const together = await loaded(files, glob);
  const alone = { raw: [] as unknown[], files: [] as unknown[], loads: [] as unknown[] };
  for (const [path, content] of Object.entries(files)) {
    const one = await loaded({ [path]: content }, glob);
    alone.raw.push(...one.raw);
    alone.files.push(...one.files);
    alone.loads.push(...one.loads);
  }
  return { together, alone };
}

describe('JSON files landing together', () => {
  it('store every NDJSON record as a file landing alone would: same record, number, reason and drift', async () => {
    const { together, alone } = await togetherAndAlone(NDJSON, 'data/orders/*.ndjson');
    expect(together).toEqual(alone);
    expect(together.raw.filter((r) => r.source_file === 'data/orders/2025-03-03.ndjson')).toEqual([
      expect.objectContaining({ record_position: 1, raw_text: null, parse_error: null }),
      expect.objectContaining({
        record_position: 2,
        record: null,
        raw_text: 'not json',
        parse_error: 'the line is not valid JSON',
      }),
      expect.objectContaining({
        record_position: 3,
        raw_text: '[1,2]',
        parse_error: 'the line is JSON but not an object',
      }),
      expect.objectContaining({ record_position: 4, raw_text: null, parse_error: null }),
      expect.objectContaining({
        record_position: 5,
        record: null,
        raw_text: '  null ',
        parse_error: 'the line is JSON but not an object',
      }),
      expect.objectContaining({ record_position: 6, raw_text: null, parse_error: null }),
    ]);
    expect(together.files[1]).toMatchObject({
      path: 'data/orders/2025-03-02.ndjson',
      records: 2,
      malformed: 0,
      unknown_fields: 'extra',
      missing_fields: 'note',
    });
    expect(together.loads).toHaveLength(5);
  });

  it('store every record of JSON arrays as a file landing alone would', async () => {
    const { together, alone } = await togetherAndAlone(JSON_ARRAYS, 'data/orders/*.json');
    expect(together).toEqual(alone);
    expect(together.raw.filter((r) => r.source_file === 'data/orders/2025-03-02.json')).toEqual([
      expect.objectContaining({ record_position: 1, raw_text: null, parse_error: null }),
      expect.objectContaining({
        record_position: 2,
        record: null,
        raw_text: '7',
        parse_error: 'the record is JSON but not an object',
      }),
      expect.objectContaining({ record_position: 3, raw_text: null, parse_error: null }),
    ]);
    expect(together.loads).toEqual([
      { load_date: '2025-03-01', received: 2, staged: 1, quarantined: 1, duplicates: 0, reconciled: true },
      { load_date: '2025-03-02', received: 3, staged: 2, quarantined: 1, duplicates: 0, reconciled: true },
      { load_date: '2025-03-03', received: 0, staged: 0, quarantined: 0, duplicates: 0, reconciled: true },
      { load_date: '2025-03-04', received: 1, staged: 1, quarantined: 0, duplicates: 0, reconciled: true },
    ]);
  });

  it('read gzip-compressed NDJSON together as it would be read alone', async () => {
    const gzipped = Object.fromEntries(
      Object.entries(NDJSON).map(([path, content]) => [`${path}.gz`, gzipSync(content)]),
    );
    const together = await loaded(gzipped, 'data/orders/*.ndjson.gz');
    const plain = await loaded(NDJSON, 'data/orders/*.ndjson');
    const unzipped = (rows: Record<string, unknown>[]) =>
      rows.map((row) => ({ ...row, source_file: String(row.source_file).replace(/\.gz$/, '') }));
    expect(unzipped(together.raw)).toEqual(plain.raw);
  });
});
