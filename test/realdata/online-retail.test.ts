import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ExampleRun,
  REALDATA,
  add,
  expectQuarantineExplained,
  expectReconciled,
  readCsv,
  runExample,
  units,
  useExample,
  describeRealdata,
} from './support.ts';

// Independently of strata: the sample read with a plain CSV parser.
const file = readCsv(join(REALDATA, 'online_retail_sample', 'online_retail_sample.csv'));
const lines = file.records;

/** "1/12/2010 8:26" is day first: 1 December 2010. Returns YYYY-MM-DD HH:MM, or undefined. */
function invoiceTime(text: string): string | undefined {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, day, month, year, hour, minute] = match as unknown as string[];
  const pad = (v: string | undefined) => (v as string).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${minute}`;
}

/** What the contract rejects, checked here without strata. */
function violates(line: Record<string, string>): boolean {
  return (
    !/^C?[0-9]{6}$/.test((line['INVOICE'] ?? '').trim()) ||
    (line['STOCKCODE'] ?? '').trim() === '' ||
    !/^-?\d+$/.test((line['QUANTITY'] ?? '').trim()) ||
    invoiceTime((line['INVOICEDATE'] ?? '').trim()) === undefined ||
    !/^\d+(\.\d{1,2})?$/.test((line['PRICE'] ?? '').trim()) ||
    !/^(\d+)?$/.test((line['CUSTOMERID'] ?? '').trim()) ||
    (line['COUNTRY'] ?? '').trim() === ''
  );
}

const valid = lines.filter((l) => !violates(l));
const isCancellation = (l: Record<string, string>) => (l['INVOICE'] as string).startsWith('C');
const cents = (l: Record<string, string>) => Number(l['QUANTITY']) * units(l['PRICE'] as string, 2);

/** Revenue in cents per "country|YYYY-MM", cancellations excluded. */
const revenue = new Map<string, number>();
const invoices = new Map<string, Set<string>>();
for (const l of valid) {
  if (isCancellation(l)) continue;
  const key = `${l['COUNTRY']}|${invoiceTime(l['INVOICEDATE'] as string)?.slice(0, 7)}`;
  add(revenue, key, cents(l));
  invoices.set(key, (invoices.get(key) ?? new Set()).add(l['INVOICE'] as string));
}
const cancellations = valid.filter(isCancellation);

describeRealdata('examples/online_retail on the UCI Online Retail sample', () => {
  let example: ExampleRun;

  beforeAll(async () => {
    example = await useExample('online_retail');
    const { exitCode, summary } = await runExample(example);
    expect(exitCode, JSON.stringify(summary.tasks, null, 2)).toBe(0);
  });

  afterAll(async () => {
    await example?.dispose();
  });

  it('reconciles the load and quarantines exactly what breaks the contract', async () => {
    const loads = await expectReconciled(example, ['invoice_lines']);
    const quarantined = lines.length - valid.length + file.malformedLines.length;
    expect(loads['invoice_lines']).toMatchObject({
      received: lines.length + file.malformedLines.length,
      staged: valid.length,
      quarantined,
      duplicates: 0,
    });
    // The sample is clean: its 232 lines all meet the contract, cancellations included.
    expect(lines).toHaveLength(232);
    expect(quarantined).toBe(0);
    await expectQuarantineExplained(example);
  });

  it('reads day-first dates without padding, upper-case headers and quoted commas', async () => {
    const [range] = await example.query(
      `SELECT CAST(min(invoiced_at) AS VARCHAR) AS first, CAST(max(invoiced_at) AS VARCHAR) AS last,
              count(*) FILTER (WHERE description <> trim(description)) AS untrimmed
       FROM staging.invoice_lines`,
    );
    const times = valid.map((l) => invoiceTime(l['INVOICEDATE'] as string) as string).sort();
    expect(range).toEqual({
      first: `${times[0]}:00`,
      last: `${times.at(-1)}:00`,
      untrimmed: 0,
    });
    expect(range?.first).toBe('2010-12-01 08:26:00');
    const [sign] = await example.query(
      `SELECT description, quantity FROM staging.invoice_lines WHERE invoice_no = '536381' AND stock_code = '82567'`,
    );
    expect(sign).toEqual({ description: 'AIRLINE LOUNGE,METAL SIGN', quantity: 2 });
  });

  it('computes revenue by country and month, cancellations excluded', async () => {
    const rows = await example.query(
      `SELECT country, CAST(month AS VARCHAR) AS month, invoices, CAST(revenue AS VARCHAR) AS revenue
       FROM marts.revenue_by_country_month`,
    );
    const actual = Object.fromEntries(
      rows.map((r) => [`${String(r.country)}|${String(r.month).slice(0, 7)}`, units(String(r.revenue), 2)]),
    );
    expect(actual).toEqual(Object.fromEntries(revenue));
    expect(actual['United Kingdom|2010-12']).toBe(935_404); // £9,354.04
    for (const r of rows) {
      expect(r.invoices).toBe(invoices.get(`${String(r.country)}|${String(r.month).slice(0, 7)}`)?.size);
    }
  });

  it('filters the cancellations out of revenue and lists them on their own', async () => {
    expect(cancellations.map((l) => l['INVOICE'])).toEqual(['C536379', 'C536383']);
    expect(cancellations.every((l) => Number(l['QUANTITY']) < 0)).toBe(true);
    const [facts] = await example.query(
      `SELECT count(*) FILTER (WHERE is_cancellation) AS cancelled, count(*) FILTER (WHERE NOT is_cancellation) AS kept
       FROM warehouse.fct_sales`,
    );
    expect(facts).toEqual({ cancelled: cancellations.length, kept: valid.length - cancellations.length });
    const rows = await example.query(
      `SELECT invoice_no, CAST(amount_cancelled AS VARCHAR) AS amount FROM marts.cancellations ORDER BY invoice_no`,
    );
    const expected = new Map<string, number>();
    for (const l of cancellations) add(expected, l['INVOICE'] as string, -cents(l));
    expect(rows.map((r) => [r.invoice_no, units(String(r.amount), 2)])).toEqual([...expected]);
  });
});
