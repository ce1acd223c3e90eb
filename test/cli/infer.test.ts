import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './in-process.ts';
import { explain, strata } from './strata-process.ts';

// A small export written by the test: a semicolon-separated CSV with day-first dates.
const CSV = [
  'Order No;Ordered On;Total;Status',
  ...Array.from(
    { length: 40 },
    (_, i) =>
      `${1000 + i};${String((i % 28) + 1).padStart(2, '0')}/0${(i % 9) + 1}/2024;${(i * 3.5).toFixed(2)};${i % 2 ? 'paid' : 'NULL'}`,
  ),
].join('\n');

describe('strata infer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-infer-cli-'));
    await writeFile(join(dir, 'orders.csv'), `${CSV}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the draft on stdout and what it is unsure of on stderr', async () => {
    const result = await cli(['infer', 'orders.csv'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('export const orders = defineSource({');
    expect(result.stdout).toContain("csv: { delimiter: ';' },");
    expect(result.stdout).toContain(
      "      ordered_on: { type: 'date', from: 'Ordered On', formats: ['%d/%m/%Y'], required: true },",
    );
    expect(result.stdout).toContain("    uniqueKey: ['order_no'],");
    expect(result.stderr).toMatch(
      /^strata infer: check this in the draft of orders:\n {2}- no date \(YYYY-MM-DD\)/,
    );
  });

  it('--format json holds the draft, the fields and the unsure list', async () => {
    const result = await cli(
      ['infer', 'orders.csv', '--format', 'json', '--source', 'sales', '--sample', '20'],
      {
        cwd: dir,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      source: string;
      sample: { records: number };
      unsure: { kind: string }[];
      fields: { name: string; type: string }[];
      config: { contract: { nullValues: string[] } };
    };
    expect(json.source).toBe('sales');
    expect(json.sample.records).toBe(20);
    expect(json.unsure.map((u) => u.kind)).toEqual(['small_sample', 'partial_sample', 'load_date']);
    expect(json.fields.map((f) => [f.name, f.type])).toEqual([
      ['order_no', 'integer'],
      ['ordered_on', 'date'],
      ['total', 'decimal'],
      ['status', 'string'],
    ]);
    expect(json.config.contract.nullValues).toEqual(['NULL']);
  });

  it('--out writes the file once, and replaces it only with --force', async () => {
    const first = await cli(['infer', 'orders.csv', '--out', 'sources/orders.ts'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      'Wrote the draft of source orders (4 fields, from 40 records) to sources/orders.ts.\n',
    );
    const text = await readFile(join(dir, 'sources/orders.ts'), 'utf8');
    expect(text).toContain("//   import { orders } from './sources/orders.ts';");
    const again = await cli(['infer', 'orders.csv', '--out', 'sources/orders.ts'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/error\[INFER_OUT_EXISTS\]/);
    const forced = await cli(['infer', 'orders.csv', '--out', 'sources/orders.ts', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
  });

  it('through the executable: a missing file is an error with its code', async () => {
    const result = await strata(['infer', 'nope.csv'], { cwd: dir });
    expect(result.code, explain(result)).toBe(1);
    expect(result.stderr).toMatch(/error\[INFER_INPUT_INVALID\]: no file nope\.csv/);
  });
});
