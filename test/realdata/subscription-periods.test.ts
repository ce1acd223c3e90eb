import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ExampleRun,
  add,
  describeRealdata,
  exampleDir,
  expectQuarantineExplained,
  expectReconciled,
  parseCsv,
  runExample,
  units,
  useExample,
} from './support.ts';

// Independently of strata: the periods export read with a plain CSV parser, and MRR worked out
// day by day in JavaScript from the periods themselves.
const EXPORT = join(exampleDir('subscription_periods'), 'exports', 'subscription_periods_2024-07-15.csv');
const [head, ...rows] = parseCsv(readFileSync(EXPORT, 'utf8'));
const header = head?.fields ?? [];
const records = rows.map((r) => Object.fromEntries(header.map((name, i) => [name, r.fields[i] ?? ''])));

/** The export's date, in its name: the last day loaded. */
const LAST_DAY = '2024-07-15';

/** "2024-02-14" or "02/14/2024" → 2024-02-14; empty → undefined. */
function isoDate(text: string): string | undefined {
  if (text === '') return undefined;
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  return us ? `${us[3]}-${us[1]}-${us[2]}` : text;
}

interface Period {
  account: string;
  start: string;
  /** Exclusive: the first day not paid. */
  end: string | undefined;
  cents: number;
}

const periods: Period[] = records.map((r) => ({
  account: r['customer_id'] as string,
  start: isoDate(r['start_date'] as string) as string,
  end: isoDate(r['end_date'] as string),
  cents: units(r['monthly_amount'] as string, 2),
}));
const accounts = [...new Set(periods.map((p) => p.account))].sort();

const DAY_MS = 86_400_000;
const nextDay = (day: string) => new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10);
/** Every day from the first start to the export date. */
const FIRST_DAY = periods.map((p) => p.start).sort()[0] as string;
const days: string[] = [];
for (let day = FIRST_DAY; day <= LAST_DAY; day = nextDay(day)) days.push(day);

/** An account's MRR on a day, in cents: the periods running that day (start ≤ day < end). */
const mrrOn = (account: string, day: string) =>
  periods
    .filter((p) => p.account === account && p.start <= day && (p.end === undefined || day < p.end))
    .reduce((total, p) => total + p.cents, 0);
const totalOn = (day: string) => accounts.reduce((total, a) => total + mrrOn(a, day), 0);

/** Per month: the opening day (previous month's end, or the first day loaded) and its end. */
const months = [...new Set(days.map((d) => d.slice(0, 7)))].map((month, i, all) => {
  const end = days.filter((d) => d.startsWith(month)).at(-1) as string;
  const previous = all[i - 1];
  const opening = previous ? (days.filter((d) => d.startsWith(previous)).at(-1) as string) : FIRST_DAY;
  return { month: `${month}-01`, opening, end };
});
const firstPaid = (account: string) => days.find((d) => mrrOn(account, d) > 0);

/** The MRR waterfall per month, from the definitions of the movements. */
const expected = months.map(({ month, opening, end }) => {
  const totals = { new: 0, reactivation: 0, expansion: 0, contraction: 0, churn: 0 };
  const counts = new Map<string, number>();
  for (const account of accounts) {
    const start = mrrOn(account, opening);
    const close = mrrOn(account, end);
    let movement: keyof typeof totals | undefined;
    if (start === 0 && close > 0) movement = (firstPaid(account) as string) >= month ? 'new' : 'reactivation';
    else if (start > 0 && close === 0) movement = 'churn';
    else if (close > start) movement = 'expansion';
    else if (close < start) movement = 'contraction';
    if (!movement) continue;
    totals[movement] += movement === 'churn' ? start : Math.abs(close - start);
    add(counts, movement, 1);
  }
  return {
    month_start: month,
    mrr_start: totalOn(opening),
    new_mrr: totals.new,
    reactivation_mrr: totals.reactivation,
    expansion_mrr: totals.expansion,
    contraction_mrr: totals.contraction,
    churned_mrr: totals.churn,
    mrr_end: totalOn(end),
    new_accounts: counts.get('new') ?? 0,
    churned_accounts: counts.get('churn') ?? 0,
  };
});

/** Decimal text from the warehouse in cents; fails on a fraction of a cent. */
function cents(value: unknown): number {
  const tenThousandths = units(String(value), 4);
  expect(tenThousandths % 100, String(value)).toBe(0);
  return tenThousandths / 100;
}

describeRealdata(
  'examples/subscription_periods: a periods export on the SaaS pack, no model of its own',
  () => {
    let example: ExampleRun;

    beforeAll(async () => {
      example = await useExample('subscription_periods');
      const { exitCode, summary } = await runExample(example);
      expect(exitCode, JSON.stringify(summary.tasks, null, 2)).toBe(0);
      expect(summary.warnings).toEqual([]);
    });

    afterAll(async () => {
      await example?.dispose();
    });

    it('stages every period (two date formats, CRLF) and accounts for every record', async () => {
      expect(periods).toHaveLength(16);
      const loads = await expectReconciled(example, ['subscription_periods']);
      expect(loads['subscription_periods']).toMatchObject({
        load_date: LAST_DAY,
        received: 16,
        staged: 16,
        quarantined: 0,
        duplicates: 0,
      });
      await expectQuarantineExplained(example);
      // The feeds the export does not have are built, empty.
      const [empty] = await example.query(
        `SELECT (SELECT count(*) FROM staging.subscriptions) + (SELECT count(*) FROM staging.accounts)
         + (SELECT count(*) FROM staging.transactions) AS n`,
      );
      expect(Number(empty?.n)).toBe(0);
    });

    it('reads each period as a change log: created on its start, canceled on its end once loaded', async () => {
      const changes = await example.query(
        `SELECT change_type, count(*) AS n FROM staging.stg_subscriptions GROUP BY change_type ORDER BY change_type`,
      );
      expect(changes).toEqual([
        {
          change_type: 'canceled',
          n: periods.filter((p) => p.end !== undefined && p.end <= LAST_DAY).length,
        },
        { change_type: 'created', n: periods.length },
      ]);
      // Every account is known to dim_account, from the periods alone.
      const [known] = await example.query(
        `SELECT count(*) FILTER (WHERE NOT account_found) AS unknown, count(DISTINCT account_id) AS accounts
       FROM warehouse.fact_subscription_daily`,
      );
      expect(known).toEqual({ unknown: 0, accounts: accounts.length });
    });

    it('holds every day’s MRR, to the cent, up to the export date', async () => {
      const daily = await example.query(
        `SELECT CAST(d.date_day AS VARCHAR) AS day, CAST(coalesce(sum(f.mrr), 0) AS VARCHAR) AS mrr
       FROM warehouse.snapshot_days AS d
       LEFT JOIN warehouse.fact_subscription_daily AS f ON f.snapshot_date = d.date_day
       GROUP BY d.date_day ORDER BY d.date_day`,
      );
      expect(daily.map((r) => [r.day, cents(r.mrr)])).toEqual(days.map((d) => [d, totalOn(d)]));
    });

    it('computes the monthly MRR movements, churn on the last day included', async () => {
      const rows = await example.query(
        `SELECT CAST(month_start AS VARCHAR) AS month_start, mrr_start, new_mrr, reactivation_mrr, expansion_mrr,
              contraction_mrr, churned_mrr, mrr_end, new_accounts, churned_accounts
       FROM marts.mrr_movements ORDER BY month_start`,
      );
      const money = [
        'mrr_start',
        'new_mrr',
        'reactivation_mrr',
        'expansion_mrr',
        'contraction_mrr',
        'churned_mrr',
        'mrr_end',
      ];
      const actual = rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, money.includes(k) ? cents(v) : v])),
      );
      expect(actual).toEqual(expected);
      // The export's last day: two periods end on it (exclusive), so their MRR is churned in July.
      const july = expected.at(-1);
      expect(july).toMatchObject({
        month_start: '2024-07-01',
        churned_mrr: 7_525 + 1_010,
        churned_accounts: 2,
      });
      // Every movement of every month adds up to the end: the waterfall closes.
      expect(expected.at(-1)?.mrr_end).toBe(37_832); // $378.32
    });
  },
);
