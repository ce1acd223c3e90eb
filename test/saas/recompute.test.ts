/**
 * The SaaS pack on generated data, against a recomputation from the raw subscription files with
 * plain JSON parsing: every account's MRR at every month's opening and end, the movements and the
 * MRR of every month — to the cent. And the loading order does not matter: day by day, one range
 * and a full refresh build the same warehouse.
 *
 * The rules recomputed here are the pack's definitions (PRODUCT.md, SaaS): MRR of a subscription
 * state = unit price × seats (annual: / 12) while active or past_due; a change counts from the
 * day it took effect, or from the day its file was loaded when it came late; a month ends on its
 * last day (or the last day loaded) and opens with the end of the month before (the first month:
 * the first day loaded); new = from zero, first MRR ever; reactivation = from zero, had MRR
 * before; expansion / contraction = up / down; churn = to zero.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initProject } from '../../src/api/init.ts';
import { run } from '../../src/api/run.ts';
import { generate } from '../../src/generate/index.ts';
import { checksums, queryWarehouse, testEnvironment } from '../helpers/project.ts';
import { expectEveryMart } from './pack.ts';

const START = '2025-01-01';
const DAYS = 100;
const DATA = { start: START, days: DAYS, scale: 0.03, seed: 5, defects: 0 };

interface Change {
  subscription_id: string;
  account_id: string;
  status: string;
  cancel_reason: string | null;
  change_type: string;
  billing_cycle: string;
  seats: number;
  unit_price: number;
  effective_at: string;
  loadDate: string;
}

const CHANGE_ORDER = [
  'initial_load',
  'created',
  'trial_started',
  'trial_converted',
  'trial_expired',
  'upgraded', // and the other plan/seat/cycle changes, which share a rank
  'renewed',
  'payment_failed',
  'payment_recovered',
  'canceled',
  'reactivated',
];
const rank = (type: string) => {
  const i = CHANGE_ORDER.indexOf(type);
  return ['downgraded', 'seats_changed', 'billing_cycle_changed'].includes(type) ? 5 : i === 5 ? 5 : i;
};

/** Cents of a state's MRR: integer arithmetic, so sums compare exactly. */
function mrrCents(c: Change): number {
  if (c.status !== 'active' && c.status !== 'past_due') return 0;
  const cents = Math.round(c.unit_price * 100) * c.seats;
  return c.billing_cycle === 'annual' ? cents / 12 : cents;
}

function dayList(start: string, days: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

/** The raw subscription changes, each once (the same change delivered twice counts once). */
async function readChanges(dataDir: string): Promise<Change[]> {
  const dir = join(dataDir, 'saas', 'subscriptions');
  const seen = new Set<string>();
  const changes: Change[] = [];
  for (const file of (await readdir(dir)).sort()) {
    const loadDate = file.slice(0, 10);
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const c = { ...(JSON.parse(line) as Omit<Change, 'loadDate'>), loadDate };
      const key = `${c.subscription_id}|${c.change_type}|${c.effective_at}`;
      if (seen.has(key)) continue; // the same change delivered twice counts once
      seen.add(key);
      changes.push(c);
    }
  }
  return changes;
}

/** Every account's MRR (cents) at the end of every day, from the raw changes alone. */
function dailyMrr(changes: readonly Change[]): Map<string, Map<string, number>> {
  const bySubscription = new Map<string, Change[]>();
  for (const c of changes)
    bySubscription.set(c.subscription_id, [...(bySubscription.get(c.subscription_id) ?? []), c]);
  const knownFrom = (c: Change) => {
    const effective = c.effective_at.slice(0, 10);
    return effective > c.loadDate ? effective : c.loadDate;
  };
  const result = new Map<string, Map<string, number>>();
  for (const day of dayList(START, DAYS)) {
    const accounts = new Map<string, number>();
    for (const history of bySubscription.values()) {
      let state: Change | undefined;
      for (const c of history) {
        if (knownFrom(c) > day) continue;
        if (
          !state ||
          c.effective_at > state.effective_at ||
          (c.effective_at === state.effective_at && rank(c.change_type) > rank(state.change_type))
        )
          state = c;
      }
      if (!state) continue;
      const cents = mrrCents(state);
      if (cents > 0) accounts.set(state.account_id, (accounts.get(state.account_id) ?? 0) + cents);
    }
    result.set(day, accounts);
  }
  return result;
}

interface MonthExpectation {
  accounts: Map<string, { start: number; end: number }>;
  totals: Record<'start' | 'new' | 'reactivation' | 'expansion' | 'contraction' | 'churn' | 'end', number>;
}

/**
 * Accounts with a subscription canceled after paying (not an expired trial) before the first day
 * loaded: they paid before, so coming back is a reactivation.
 */
function paidBeforeLoading(changes: readonly Change[]): Set<string> {
  return new Set(
    changes
      .filter(
        (c) =>
          c.status === 'canceled' &&
          (c.cancel_reason === 'voluntary' || c.cancel_reason === 'payment_failed') &&
          c.effective_at.slice(0, 10) < START,
      )
      .map((c) => c.account_id),
  );
}

function expectedMonths(
  daily: Map<string, Map<string, number>>,
  paidBefore: ReadonlySet<string>,
): Map<string, MonthExpectation> {
  const days = [...daily.keys()];
  const firstPaid = new Map<string, string>();
  for (const day of days)
    for (const account of daily.get(day)?.keys() ?? [])
      if (!firstPaid.has(account)) firstPaid.set(account, day);
  const months = new Map<string, MonthExpectation>();
  let opening = days[0] as string;
  for (const month of [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))]) {
    const end = days.filter((d) => d.startsWith(month.slice(0, 7))).at(-1) as string;
    const atOpening = daily.get(opening) as Map<string, number>;
    const atEnd = daily.get(end) as Map<string, number>;
    const totals = { start: 0, new: 0, reactivation: 0, expansion: 0, contraction: 0, churn: 0, end: 0 };
    const accounts = new Map<string, { start: number; end: number }>();
    for (const account of new Set([...atOpening.keys(), ...atEnd.keys()])) {
      const start = atOpening.get(account) ?? 0;
      const finish = atEnd.get(account) ?? 0;
      accounts.set(account, { start, end: finish });
      totals.start += start;
      totals.end += finish;
      if (start === 0 && finish > 0) {
        if ((firstPaid.get(account) as string) >= month && !paidBefore.has(account)) totals.new += finish;
        else totals.reactivation += finish;
      } else if (start > 0 && finish === 0) totals.churn += start;
      else if (finish > start) totals.expansion += finish - start;
      else totals.contraction += start - finish;
    }
    months.set(month, { accounts, totals });
    opening = end;
  }
  return months;
}

const cents = (value: unknown) => Math.round(Number(value) * 100 * 12) / 12;

/** Each project folder's environment: on PostgreSQL it selects the folder's own database. */
const environments = new Map<string, Awaited<ReturnType<typeof testEnvironment>>>();
async function newProject(dir: string): Promise<void> {
  await initProject(dir, 'saas');
  environments.set(dir, await testEnvironment());
}
const envOf = (dir: string): NodeJS.ProcessEnv => environments.get(dir)?.env ?? process.env;

describe('the SaaS pack against a recomputation from the raw subscription files', () => {
  let root: string;
  let project: string;
  let months: Map<string, MonthExpectation>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-saas-recompute-'));
    project = join(root, 'range');
    await newProject(project);
    await generate({ ...DATA, domain: 'saas', out: join(project, 'data'), threads: 0 });
    const { exitCode, summary } = await run({
      projectDir: project,
      env: envOf(project),
      from: START,
      to: dayList(START, DAYS).at(-1),
    });
    expect(exitCode, JSON.stringify(summary.tasks.filter((t) => t.status !== 'success'))).toBe(0);
    const changes = await readChanges(join(project, 'data'));
    months = expectedMonths(dailyMrr(changes), paidBeforeLoading(changes));
  }, 300_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    for (const environment of environments.values()) await environment.dispose();
  });

  it('has every account’s MRR at every month’s opening and end', async () => {
    const rows = await queryWarehouse(
      project,
      `select cast(month_start as varchar) as month_start, account_id, mrr_start, mrr_end from marts.account_mrr_monthly`,
      envOf(project),
    );
    const actual = new Map(rows.map((r) => [`${String(r.month_start)}|${String(r.account_id)}`, r]));
    let compared = 0;
    for (const [month, expected] of months) {
      for (const [account, mrr] of expected.accounts) {
        const row = actual.get(`${month}|${account}`);
        expect([month, account, cents(row?.mrr_start), cents(row?.mrr_end)]).toEqual([
          month,
          account,
          mrr.start,
          mrr.end,
        ]);
        compared += 1;
      }
    }
    expect(rows.length).toBe(compared);
    expect(compared).toBeGreaterThan(100);
  });

  it('has each month’s MRR and movements, and the identity holds', async () => {
    const rows = await queryWarehouse(
      project,
      `select cast(month_start as varchar) as month_start, mrr_start, new_mrr, reactivation_mrr, expansion_mrr,
              contraction_mrr, churned_mrr, mrr_end
       from marts.mrr_movements order by month_start`,
      envOf(project),
    );
    expect(rows.map((r) => r.month_start)).toEqual([...months.keys()]);
    for (const row of rows) {
      const t = months.get(String(row.month_start))?.totals;
      expect({
        month: row.month_start,
        start: cents(row.mrr_start),
        new: cents(row.new_mrr),
        reactivation: cents(row.reactivation_mrr),
        expansion: cents(row.expansion_mrr),
        contraction: cents(row.contraction_mrr),
        churn: cents(row.churned_mrr),
        end: cents(row.mrr_end),
      }).toEqual({ month: row.month_start, ...t });
      if (t) expect(t.end).toBe(t.start + t.new + t.reactivation + t.expansion - t.contraction - t.churn);
    }
    const moved = [...months.values()].map((m) => m.totals);
    expect(moved.some((t) => t.new > 0 && t.churn > 0 && t.expansion > 0 && t.contraction > 0)).toBe(true);
  });

  it('counts DAU, WAU and MAU as a brute-force count of distinct users over each window does', async () => {
    const [diff] = await queryWarehouse(
      project,
      `with brute as (
         select d.activity_date,
           (select count(distinct user_id) from warehouse.fact_user_events e where e.event_date = d.activity_date) as dau,
           (select count(distinct user_id) from warehouse.fact_user_events e
             where e.event_date between d.activity_date - 6 and d.activity_date) as wau,
           (select count(distinct user_id) from warehouse.fact_user_events e
             where e.event_date between d.activity_date - 29 and d.activity_date) as mau
         from marts.engagement_daily as d
       )
       select count(*) as days,
         count(case when b.dau <> m.dau or b.wau <> m.wau or b.mau <> m.mau then 1 end) as different
       from brute as b join marts.engagement_daily as m using (activity_date)`,
      envOf(project),
    );
    expect(diff).toEqual({ days: DAYS, different: 0 });
  });

  it('gives the same warehouse loaded day by day, as one range, and as a full refresh', async () => {
    const days = dayList(START, 12);
    const short = { ...DATA, days: 12 };
    const byDay = join(root, 'by-day');
    const byRange = join(root, 'by-range');
    for (const dir of [byDay, byRange]) {
      await newProject(dir);
      await generate({ ...short, domain: 'saas', out: join(dir, 'data'), threads: 0 });
    }
    for (const date of days)
      expect((await run({ projectDir: byDay, env: envOf(byDay), date })).exitCode).toBe(0);
    expect(
      (await run({ projectDir: byRange, env: envOf(byRange), from: days[0], to: days.at(-1) })).exitCode,
    ).toBe(0);
    const modelTables = async (dir: string) =>
      Object.fromEntries(
        Object.entries(await checksums(dir, envOf(dir))).filter(([name]) =>
          /^(staging|warehouse|marts)\./.test(name),
        ),
      );
    const dayByDay = await modelTables(byDay);
    expect(Object.keys(dayByDay).length).toBeGreaterThan(20);
    // Twelve generated days hold no churn yet (timelines.test.ts compares churned_accounts with rows).
    await expectEveryMart(dayByDay, byDay, envOf(byDay), ['churned_accounts']);
    expect(await modelTables(byRange)).toEqual(dayByDay);
    expect((await run({ projectDir: byRange, env: envOf(byRange), fullRefresh: true })).exitCode).toBe(0);
    expect(await modelTables(byRange)).toEqual(dayByDay);
  }, 300_000);
});
