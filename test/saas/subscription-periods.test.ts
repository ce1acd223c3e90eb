/**
 * The pack's subscription_periods feed over successive exports, each the whole history as a
 * billing system writes it: the first export is history (every start and end counts from its own
 * day), a later one's new starts and ends count from its load date, like any late change, and
 * loading the exports one by one gives the same warehouse as loading them together.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SaasProject, datesBetween } from './pack.ts';

const HEADER = 'subscription_id,account_id,plan_id,start_date,end_date,monthly_amount';
/** The export of 31 March: A runs, B ended on 1 March, C starts on 10 April (after the export). */
const MARCH = [
  's-a,A,basic,2024-01-01,,10.00',
  's-b,B,pro,2024-01-15,2024-03-01,20.00',
  's-c,C,basic,2024-04-10,,5.00',
];
/** The export of 30 April: A ended on 20 April, D started on 5 April; both are news on the 30th. */
const APRIL = [
  's-a,A,basic,2024-01-01,2024-04-20,10.00',
  's-b,B,pro,2024-01-15,2024-03-01,20.00',
  's-c,C,basic,2024-04-10,,5.00',
  's-d,D,basic,2024-04-05,,7.00',
];

/** MRR per day in cents, as the two exports tell it when each is read on its own date. */
function expectedMrr(day: string): number {
  if (day < '2024-01-15') return 1000;
  if (day < '2024-03-01') return 3000;
  if (day < '2024-04-10') return 1000;
  if (day < '2024-04-30') return 1500; // A's end and D's start are not known before the 30th
  return 500 + 700;
}

async function periodsProject(): Promise<SaasProject> {
  const project = await SaasProject.create();
  const config = join(project.dir, 'strata.config.ts');
  const text = await readFile(config, 'utf8');
  const declared = 'subscription_periods: { files: [],';
  expect(text).toContain(declared);
  await writeFile(config, text.replace(declared, "subscription_periods: { files: 'exports/periods_*.csv',"));
  await mkdir(join(project.dir, 'exports'), { recursive: true });
  return project;
}

async function writeExport(project: SaasProject, date: string, rows: string[]): Promise<void> {
  await writeFile(join(project.dir, 'exports', `periods_${date}.csv`), [HEADER, ...rows, ''].join('\n'));
}

async function dailyMrr(project: SaasProject): Promise<[string, number][]> {
  const rows = await project.query(
    `select cast(d.date_day as varchar) as day, cast(round(coalesce(sum(f.mrr), 0) * 100) as bigint) as cents
     from warehouse.snapshot_days as d
     left join warehouse.fact_subscription_daily as f on f.snapshot_date = d.date_day
     group by d.date_day order by d.date_day`,
  );
  return rows.map((r) => [String(r.day), Number(r.cents)]);
}

const projects: SaasProject[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.dispose();
});

describe('the SaaS pack fed by subscription-periods exports', () => {
  it('reads the first export as history and a later one as news of its day, however they are loaded', async () => {
    const oneByOne = await periodsProject();
    const together = await periodsProject();
    projects.push(oneByOne, together);

    await writeExport(oneByOne, '2024-03-31', MARCH);
    await oneByOne.run();
    // The first export alone: history from the first start, up to its date; C is in the future.
    expect(await dailyMrr(oneByOne)).toEqual(
      datesBetween('2024-01-01', '2024-03-31').map((d) => [d, expectedMrr(d)]),
    );
    await writeExport(oneByOne, '2024-04-30', APRIL);
    await oneByOne.run();

    await writeExport(together, '2024-03-31', MARCH);
    await writeExport(together, '2024-04-30', APRIL);
    await together.run();

    const expected = datesBetween('2024-01-01', '2024-04-30').map((d) => [d, expectedMrr(d)]);
    expect(await dailyMrr(oneByOne)).toEqual(expected);
    expect(await dailyMrr(together)).toEqual(expected);
    expect(await together.checksums(['warehouse', 'marts'])).toEqual(
      await oneByOne.checksums(['warehouse', 'marts']),
    );

    // April's movements: C new, D new, A churned (on the 30th, when its end became known).
    const april = await together.query(
      `select account_id, movement from marts.mrr_movements_by_account
       where month_start = date '2024-04-01' and movement <> 'none' order by account_id`,
    );
    expect(april).toEqual([
      { account_id: 'A', movement: 'churn' },
      { account_id: 'C', movement: 'new' },
      { account_id: 'D', movement: 'new' },
    ]);
    // Each change once: the second export repeats the first's periods.
    const changes = await together.query(
      `select change_type, count(*) as n from warehouse.subscription_states group by change_type order by change_type`,
    );
    expect(changes).toEqual([
      { change_type: 'canceled', n: 2 },
      { change_type: 'created', n: 4 },
    ]);
  }, 240_000);
});
