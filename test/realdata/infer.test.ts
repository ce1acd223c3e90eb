import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type InferResult, infer } from '../../src/api/infer.ts';
import { fileSourceSchema } from '../../src/config/source-schema.ts';
import { ParquetWriter } from '../../src/engine/duckdb/parquet-writer.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { TestProject } from '../helpers/project.ts';
import {
  REALDATA,
  describeRealdata,
  expectQuarantineExplained,
  expectReconciled,
  readCsv,
} from './support.ts';

const TODAY = '2026-01-15';
const retail = join(REALDATA, 'online_retail_sample', 'online_retail_sample.csv');
const northwind = (file: string) => join(REALDATA, 'northwind', file);
const telco = join(REALDATA, 'telco_churn', 'Telco-Customer-Churn.csv');

function field(result: InferResult, name: string) {
  const found = result.fields.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name} in ${result.fields.map((f) => f.name).join(', ')}`);
  return found.spec;
}

const kinds = (result: InferResult, name?: string) =>
  result.unsure.filter((u) => name === undefined || u.field === name).map((u) => u.kind);

describeRealdata('strata infer on real exports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-infer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const draft = (files: string[], extra: Partial<Parameters<typeof infer>[0]> = {}) =>
    infer({ files, cwd: dir, projectDir: dir, today: TODAY, ...extra });

  it('Online Retail: upper-case names mapped, day-first timestamps guessed and reported, decimals, no key', async () => {
    const result = await draft([retail]);
    expect(fileSourceSchema.safeParse(result.config).success).toBe(true);
    expect(result.source).toBe('online_retail_sample');
    expect(result.sample.records).toBe(readCsv(retail).records.length);
    expect(field(result, 'invoicedate')).toEqual({
      type: 'timestamp',
      from: 'INVOICEDATE',
      formats: ['%d/%m/%Y %H:%M'],
      required: true,
    });
    // Every date of the sample is 1/12/2010: nothing says whether 1 or 12 is the day.
    expect(kinds(result, 'invoicedate')).toEqual(['date_order']);
    expect(result.unsure.find((u) => u.field === 'invoicedate')?.message).toContain("'%m/%d/%Y %H:%M'");
    expect(field(result, 'quantity')).toEqual({ type: 'integer', from: 'QUANTITY', required: true });
    expect(field(result, 'price')).toMatchObject({ type: 'decimal', from: 'PRICE', scale: 2 });
    expect(field(result, 'invoice')).toMatchObject({ type: 'string', from: 'INVOICE' }); // C536379: a cancellation
    // An invoice lists several products and a product sells on several invoices: no key.
    expect(result.uniqueKey).toBeNull();
    expect(result.config.loadDate).toEqual({ value: TODAY });
    expect(kinds(result)).toContain('load_date');
    expect(result.text).toContain("formats: ['%d/%m/%Y %H:%M']");
  });

  it('Northwind orders: NULL markers, SQL Server timestamps as dates, malformed lines reported', async () => {
    const result = await draft([northwind('orders.csv')]);
    expect(fileSourceSchema.safeParse(result.config).success).toBe(true);
    expect(result.config.contract.nullValues).toEqual(['NULL']);
    expect(result.uniqueKey).toEqual(['order_id']);
    expect(field(result, 'order_date')).toEqual({
      type: 'date',
      from: 'orderDate',
      formats: ['%Y-%m-%d %H:%M:%S.%g'],
      required: true,
    });
    // NULL until the order ships.
    expect(field(result, 'shipped_date')).toEqual({
      type: 'date',
      from: 'shippedDate',
      formats: ['%Y-%m-%d %H:%M:%S.%g'],
    });
    expect(result.fields.find((f) => f.name === 'shipped_date')?.nulls.markers.NULL).toBeGreaterThan(0);
    expect(field(result, 'freight')).toMatchObject({ type: 'decimal', scale: 2, required: true });
    // Lines with an unquoted comma in an address have more fields than the header.
    const malformed = readCsv(northwind('orders.csv')).malformedLines;
    expect(malformed.length).toBeGreaterThan(0);
    expect(result.sample.files[0]?.rejectedLines).toEqual(malformed);
    expect(kinds(result)).toContain('malformed_lines');
  });

  it('Northwind: text ids with leading zeros stay text; a pair of ids is the key of order lines', async () => {
    const territories = await draft([northwind('territories.csv')]);
    expect(field(territories, 'territory_id')).toEqual({
      type: 'string',
      from: 'territoryID',
      required: true,
    });
    expect(territories.uniqueKey).toEqual(['territory_id']);
    const details = await draft([northwind('order-details.csv')]);
    expect(details.uniqueKey).toEqual(['order_id', 'product_id']);
    expect(field(details, 'discount')).toMatchObject({ type: 'decimal', scale: 2 });
  });

  it('Telco: booleans in words and 0/1, enums, a blank total that is not required, the customer key', async () => {
    const result = await draft([telco]);
    expect(fileSourceSchema.safeParse(result.config).success).toBe(true);
    expect(result.uniqueKey).toEqual(['customer_id']);
    expect(field(result, 'senior_citizen')).toEqual({
      type: 'boolean',
      from: 'SeniorCitizen',
      required: true,
    });
    expect(field(result, 'churn')).toEqual({ type: 'boolean', from: 'Churn', required: true });
    expect(field(result, 'contract')).toEqual({
      type: 'enum',
      from: 'Contract',
      values: ['Month-to-month', 'One year', 'Two year'],
      required: true,
    });
    // 11 customers of tenure 0 have a blank TotalCharges.
    const blank = readCsv(telco).records.filter((r) => (r['TotalCharges'] ?? '').trim() === '').length;
    expect(blank).toBe(11);
    expect(field(result, 'total_charges')).toEqual({
      type: 'decimal',
      from: 'TotalCharges',
      precision: 18,
      scale: 2,
    });
    expect(result.fields.find((f) => f.name === 'total_charges')?.nulls.empty).toBe(blank);

    // The sample is bounded: the first N records, and the draft says it did not see the rest.
    const sampled = await draft([telco], { sampleRows: 500 });
    expect(sampled.sample.records).toBe(500);
    expect(sampled.sample.files[0]?.truncated).toBe(true);
    expect(kinds(sampled)).toContain('partial_sample');
  });

  it('a gzip copy gives the same draft as the file', async () => {
    const gz = join(dir, 'telco.csv.gz');
    await writeFile(gz, gzipSync(await readFile(telco)));
    const plain = await draft([telco], { source: 'telco' });
    const zipped = await draft([gz], { source: 'telco' });
    expect(zipped.sample.compression).toBe('gzip');
    expect(zipped.config.contract).toEqual(plain.config.contract);
  });

  it('NDJSON with mixed date formats, null markers and a nested array', async () => {
    const file = join(dir, 'events.ndjson');
    const days = ['2024-01-31', '15/02/2024', '2024-03-01', '03/04/2024', '2024-05-20', '28/06/2024'];
    const lines = Array.from({ length: 60 }, (_, i) => {
      const record: Record<string, unknown> = {
        eventId: `E${String(i).padStart(4, '0')}`,
        Day: days[i % days.length],
        amount: i % 10 === 0 ? 'N/A' : (i * 1.25).toFixed(2),
        kind: ['click', 'view', 'buy'][i % 3],
        items: [{ sku: `S${i}`, qty: (i % 4) + 1 }],
      };
      if (i % 7 === 0) delete record.kind;
      return JSON.stringify(record);
    });
    await writeFile(file, `${lines.join('\n')}\nnot json\n`);
    const result = await draft([file]);
    expect(fileSourceSchema.safeParse(result.config).success).toBe(true);
    expect(field(result, 'day')).toEqual({
      type: 'date',
      from: 'Day',
      formats: ['%Y-%m-%d', '%d/%m/%Y'],
      required: true,
    });
    expect(kinds(result, 'day')).toEqual([]); // 15/02, 28/06: day first
    expect(field(result, 'amount')).toEqual({ type: 'decimal', precision: 18, scale: 2 });
    expect(result.config.contract.nullValues).toEqual(['N/A']);
    expect(field(result, 'kind')).toEqual({ type: 'enum', values: ['buy', 'click', 'view'] });
    // An array of objects: its elements' fields are the items of an array field.
    expect(field(result, 'items')).toEqual({
      type: 'array',
      required: true,
      items: { sku: { type: 'string', required: true }, qty: { type: 'integer', required: true } },
    });
    expect(kinds(result, 'items')).toEqual([]);
    expect(result.uniqueKey).toEqual(['event_id']);
    expect(result.sample.files[0]?.rejectedLines).toEqual([61]);
  });

  it('Parquet: the typed columns read as staging reads them', async () => {
    const file = join(dir, 'order-details.parquet');
    const writer = new ParquetWriter();
    try {
      await writer.fromCsv(
        northwind('order-details.csv'),
        [
          { name: 'orderID', type: 'INTEGER' },
          { name: 'productID', type: 'INTEGER' },
          { name: 'unitPrice', type: 'DECIMAL(10,2)' },
          { name: 'quantity', type: 'SMALLINT' },
          { name: 'discount', type: 'DOUBLE' },
        ],
        file,
      );
    } finally {
      writer.close();
    }
    const result = await draft([file]);
    expect(result.sample.format).toBe('parquet');
    expect(result.sample.records).toBe(readCsv(northwind('order-details.csv')).records.length);
    expect(result.uniqueKey).toEqual(['order_id', 'product_id']);
    expect(field(result, 'order_id')).toEqual({ type: 'integer', from: 'orderID', required: true });
    expect(field(result, 'unit_price')).toMatchObject({ type: 'decimal', from: 'unitPrice', required: true });
    expect(field(result, 'quantity')).toEqual({ type: 'integer', required: true });
  });

  it('a CSV header alone: its fields as text, and the draft says the files hold no records', async () => {
    const file = join(dir, 'header-only.csv');
    await writeFile(file, 'Order Id,Placed At\n');
    const result = await draft([file]);
    expect(result.config.contract.fields).toEqual({
      order_id: { type: 'string', from: 'Order Id' },
      placed_at: { type: 'string', from: 'Placed At' },
    });
    expect(kinds(result)).toEqual(['no_records', 'all_null', 'all_null', 'load_date']);
    expect(fileSourceSchema.safeParse(result.config).success).toBe(true);
  });

  it('refuses files of different formats, and a draft over an existing file without force', async () => {
    await expect(draft([retail, join(dir, 'events.ndjson')])).rejects.toMatchObject({
      code: 'INFER_INPUT_INVALID',
    });
    await expect(draft([join(dir, 'missing.csv')])).rejects.toBeInstanceOf(StrataError);
    const out = join(dir, 'draft.ts');
    await writeFile(out, '// mine\n');
    await expect(draft([retail], { out: 'draft.ts' })).rejects.toMatchObject({ code: 'INFER_OUT_EXISTS' });
    expect(await readFile(out, 'utf8')).toBe('// mine\n');
    const written = await draft([retail], { out: 'draft.ts', force: true });
    expect(written.written).toBe(out);
    expect(await readFile(out, 'utf8')).toBe(written.text);
  });

  it('end to end: a drafted contract runs as it is, and every record is staged or quarantined with its reason', async () => {
    const project = await TestProject.create({});
    try {
      // The retail lines as another system exports them: a BOM, CRLF, and every third date in ISO form.
      const retailLines = (await readFile(retail, 'utf8')).trimEnd().split('\n');
      const iso = (line: string) =>
        line.replace(
          /(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})/,
          (_, d: string, m: string, y: string, h: string, mi: string) =>
            `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')} ${h.padStart(2, '0')}:${mi}`,
        );
      const mixed = retailLines.map((line, i) => (i > 0 && i % 3 === 0 ? iso(line) : line));
      await project.write({ 'data/invoice_lines.csv': `\uFEFF${mixed.join('\r\n')}\r\n` });
      await copyFile(northwind('orders.csv'), join(project.dir, 'data', 'orders.csv'));
      await copyFile(join(REALDATA, 'fakestore', 'carts.json'), join(project.dir, 'data', 'carts.json'));
      for (const file of ['invoice_lines.csv', 'orders.csv', 'carts.json']) {
        const name = file.replace(/\..*/, '');
        await infer({
          files: [`data/${file}`],
          cwd: project.dir,
          projectDir: project.dir,
          out: `sources/${name}.ts`,
          today: TODAY,
        });
      }
      await project.write({
        'strata.config.ts': `import { defineConfig } from 'strata';
import { invoice_lines } from './sources/invoice_lines.ts';
import { orders } from './sources/orders.ts';
import { carts } from './sources/carts.ts';

export default defineConfig({
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  sources: { invoice_lines, orders, carts },
});
`,
      });
      const { summary } = await project.run();
      const example = {
        projectDir: project.dir,
        warehouse: '',
        env: project.env,
        query: (sql: string) => project.query(sql),
        dispose: () => Promise.resolve(),
      };
      const loads = await expectReconciled(example, ['invoice_lines', 'orders', 'carts']);
      await expectQuarantineExplained(example);
      // Every retail line is staged, in either date format, read day first: 1 December 2010.
      expect(loads.invoice_lines).toMatchObject({
        received: 232,
        staged: 232,
        quarantined: 0,
        duplicates: 0,
      });
      const draftText = await readFile(join(project.dir, 'sources', 'invoice_lines.ts'), 'utf8');
      expect(draftText).toContain("formats: ['%d/%m/%Y %H:%M', '%Y-%m-%d %H:%M']");
      const days = await project.query(
        'SELECT CAST(CAST(invoicedate AS DATE) AS VARCHAR) AS day, count(*) AS n FROM staging.invoice_lines GROUP BY 1',
      );
      expect(days).toEqual([{ day: '2010-12-01', n: 232 }]);
      // Northwind's lines with an unquoted comma are quarantined as malformed, each with its line.
      const malformed = readCsv(northwind('orders.csv')).malformedLines.length;
      expect(loads.orders).toMatchObject({ quarantined: malformed, duplicates: 0 });
      const reasons = await project.query(
        `SELECT reason_code, count(*) AS n FROM audit.bad_records WHERE source = 'orders' GROUP BY reason_code`,
      );
      expect(reasons).toEqual([{ reason_code: 'malformed_record', n: malformed }]);
      // The carts' products, an array of objects, are staged as a child table, every element kept.
      const carts = JSON.parse(await readFile(join(REALDATA, 'fakestore', 'carts.json'), 'utf8')) as {
        products: unknown[];
      }[];
      expect(loads.carts).toMatchObject({ received: carts.length, staged: carts.length, quarantined: 0 });
      const elements = await project.query('SELECT count(*) AS n FROM staging.carts__products');
      expect(elements).toEqual([{ n: carts.reduce((sum, c) => sum + c.products.length, 0) }]);
      // ... which is more than the quarantine gate allows: the run says so instead of succeeding.
      expect(summary.status).not.toBe('success');
    } finally {
      await project.dispose();
    }
  });
});
