/**
 * Churn on the last day loaded (issue 22, defect 1). Subscription periods with exclusive end dates
 * end every remaining account on the last day loaded: that day no account has a live subscription,
 * so fact_subscription_daily has no row for it. The MRR marts must still run to that day and count
 * the churn, and show MRR 0 there, rather than stop the day before.
 *
 * Every expected number is worked out by hand from the timelines below (prices per seat: starter 15,
 * pro 39 a month; pro 390, enterprise 990 a year; annual MRR = price × seats / 12), never read back
 * from the pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/engine/types.ts';
import { SaasProject, cents, datesBetween } from './pack.ts';
import { Feeds, type CancelReason } from './records.ts';

const BY_ACCOUNT = `select cast(month_start as varchar) as month_start, account_id, movement,
    mrr_start, mrr_end, new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr
  from marts.mrr_movements_by_account order by month_start, account_id`;

/** month, account, movement, start, end, churned (cents); every other movement amount must be 0. */
function byAccount(rows: readonly Row[]): [string, string, string, number, number, number][] {
  for (const r of rows) {
    expect([r.new_mrr, r.reactivation_mrr, r.expansion_mrr, r.contraction_mrr].map(cents)).toEqual([
      0, 0, 0, 0,
    ]);
  }
  return rows.map((r) => [
    String(r.month_start),
    String(r.account_id),
    String(r.movement),
    cents(r.mrr_start),
    cents(r.mrr_end),
    cents(r.churned_mrr),
  ]);
}

const MONTHS = `select cast(month_start as varchar) as month_start, mrr_start, new_mrr, reactivation_mrr,
    expansion_mrr, contraction_mrr, churned_mrr, mrr_end, accounts_start, accounts_end, churned_accounts,
    logo_churn_rate
  from marts.mrr_movements order by month_start`;

/** month, start, churned, end (cents), accounts at start, at end, churned; the rest must be 0. */
function months(rows: readonly Row[]): [string, number, number, number, number, number, number][] {
  for (const r of rows) {
    expect([r.new_mrr, r.reactivation_mrr, r.expansion_mrr, r.contraction_mrr].map(cents)).toEqual([
      0, 0, 0, 0,
    ]);
  }
  return rows.map((r) => [
    String(r.month_start),
    cents(r.mrr_start),
    cents(r.churned_mrr),
    cents(r.mrr_end),
    Number(r.accounts_start),
    Number(r.accounts_end),
    Number(r.churned_accounts),
  ]);
}

/** The day's MRR over every plan, country and industry: day → cents. */
async function dailyTotals(project: SaasProject): Promise<Record<string, number>> {
  const rows = await project.query(
    `select cast(snapshot_date as varchar) as day, sum(mrr) as mrr from marts.mrr_daily group by snapshot_date
     order by snapshot_date`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.day), cents(r.mrr)]));
}

/** mrr_monthly rows: month, month end, plan, MRR, ARR (cents), paying accounts. */
async function monthly(project: SaasProject): Promise<(string | number | null)[][]> {
  const rows = await project.query(
    `select cast(month_start as varchar) as month_start, cast(month_end as varchar) as month_end, plan_id,
       mrr, arr, paying_accounts
     from marts.mrr_monthly order by month_start, plan_id`,
  );
  return rows.map((r) => [
    String(r.month_start),
    String(r.month_end),
    r.plan_id === null ? null : String(r.plan_id),
    cents(r.mrr),
    cents(r.arr),
    Number(r.paying_accounts),
  ]);
}

/** A canceled state taking effect at `day` 00:00 (the exclusive end of the last period). */
const canceled = (reason: CancelReason) => ({
  status: 'canceled' as const,
  canceledAt: '2025-01-05T10:00:00Z',
  cancelReason: reason,
});

describe('SaaS pack: every remaining account ends on the last day loaded, mid-month', () => {
  // Loaded 10 to 12 March 2025, as one range. On 10 March:
  // - b1 starter × 3 = 45, b2 pro × 2 = 78, b3 pro annual × 1 = 390 / 12 = 32.50,
  // - b4 starter × 1 = 15, upgraded to pro × 1 = 39 on 11 March.
  // All four end on 12 March (b4 canceled after failed payments): no live subscription that day.
  // March runs from 10 March (opening, 170.50) to 12 March (0): four churns of 45, 78, 32.50 and 15
  // (the opening MRR: b4's upgrade came and went within the month), 170.50 in all.
  const [b1, b2, b3, b4] = ['ACC0000301', 'ACC0000302', 'ACC0000303', 'ACC0000304'];
  const first = '2025-03-10';
  const last = '2025-03-12';
  let project: SaasProject;

  beforeAll(async () => {
    const f = new Feeds();
    f.plans(first);
    f.touch('transactions', first);
    f.touch('usage_events', first);
    f.account(b1, 'Three Seats', '2024-01-10T10:00:00Z', first);
    f.account(b2, 'Two Pros', '2024-02-10T10:00:00Z', first);
    f.account(b3, 'Annual One', '2024-03-10T10:00:00Z', first);
    f.account(b4, 'Upgrade Then Gone', '2024-04-10T10:00:00Z', first);
    const end = `${last}T00:00:00Z`;
    f.subscription('SUB0000301', b1, '2024-01-10', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 3,
      status: 'active',
    })
      .change('initial_load', '2024-01-10T10:00:00Z', {}, first)
      .change('canceled', end, canceled('voluntary'));
    f.subscription('SUB0000302', b2, '2024-02-10', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 2,
      status: 'active',
    })
      .change('initial_load', '2024-02-10T10:00:00Z', {}, first)
      .change('canceled', end, canceled('voluntary'));
    f.subscription('SUB0000303', b3, '2024-03-10', {
      plan: 'pro',
      cycle: 'annual',
      seats: 1,
      status: 'active',
    })
      .change('initial_load', '2024-03-10T10:00:00Z', {}, first)
      .change('canceled', end, canceled('voluntary'));
    f.subscription('SUB0000304', b4, '2024-04-10', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
    })
      .change('initial_load', '2024-04-10T10:00:00Z', {}, first)
      .change('upgraded', '2025-03-11T09:00:00Z', { plan: 'pro' })
      .change('canceled', end, canceled('payment_failed'));
    project = await SaasProject.create();
    await project.writeFeeds(f.files);
    await project.run({ from: first, to: last });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('counts the four churns of the last day loaded, account by account', async () => {
    expect(byAccount(await project.query(BY_ACCOUNT))).toEqual([
      ['2025-03-01', b1, 'churn', cents(45), 0, cents(45)],
      ['2025-03-01', b2, 'churn', cents(78), 0, cents(78)],
      ['2025-03-01', b3, 'churn', cents(32.5), 0, cents(32.5)],
      ['2025-03-01', b4, 'churn', cents(15), 0, cents(15)],
    ]);
    const bounds = await project.query(
      `select distinct cast(opening_day as varchar) as opening_day, cast(month_end as varchar) as month_end
       from marts.account_mrr_monthly`,
    );
    expect(bounds).toEqual([{ opening_day: first, month_end: last }]);
  });

  it('ends March at 0 in mrr_movements, mrr_daily, mrr_monthly and the scorecard', async () => {
    const opening = 45 + 78 + 32.5 + 15;
    expect(months(await project.query(MONTHS))).toEqual([
      ['2025-03-01', cents(opening), cents(opening), 0, 4, 0, 4],
    ]);
    expect(await dailyTotals(project)).toEqual({
      [first]: cents(opening),
      '2025-03-11': cents(45 + 78 + 32.5 + 39),
      [last]: 0,
    });
    expect(await monthly(project)).toEqual([['2025-03-01', last, null, 0, 0, 0]]);
    const kpis = await project.query(
      `select cast(month_start as varchar) as month_start, mrr, active_accounts, logo_churn_rate, churned_accounts,
         involuntary_churned_accounts, involuntary_churned_mrr
       from marts.saas_kpis_monthly`,
    );
    expect(
      kpis.map((k) => [
        k.month_start,
        cents(k.mrr),
        Number(k.active_accounts),
        Number(k.logo_churn_rate),
        Number(k.churned_accounts),
        Number(k.involuntary_churned_accounts),
        cents(k.involuntary_churned_mrr),
      ]),
    ).toEqual([['2025-03-01', 0, 0, 1, 4, 1, cents(15)]]);
  });

  it('lists the four in churned_accounts, last paid the day before', async () => {
    const rows = await project.query(
      `select account_id, last_plan_id, mrr_lost, cancel_reason, cast(last_paid_date as varchar) as last_paid_date
       from marts.churned_accounts order by account_id`,
    );
    expect(
      rows.map((r) => [r.account_id, r.last_plan_id, cents(r.mrr_lost), r.cancel_reason, r.last_paid_date]),
    ).toEqual([
      [b1, 'starter', cents(45), 'voluntary', '2025-03-11'],
      [b2, 'pro', cents(78), 'voluntary', '2025-03-11'],
      [b3, 'pro', cents(32.5), 'voluntary', '2025-03-11'],
      [b4, 'starter', cents(15), 'payment_failed', '2025-03-11'],
    ]);
  });
});

describe('SaaS pack: MRR goes to zero on the first day of a new month, the last day loaded', () => {
  // Loaded 30 January to 1 February 2025, one day at a time. On 30 January:
  // - a1 starter × 2 = 30 and a2 pro × 1 = 39, both ending on 1 February;
  // - a3 enterprise annual × 1 = 990 / 12 = 82.50, ending on 31 January.
  // January runs from 30 January (151.50) to 31 January (69): a3 churns, 82.50.
  // February runs from 31 January (69) to 1 February (0): a1 and a2 churn, 30 + 39 = 69.
  const [a1, a2, a3] = ['ACC0000401', 'ACC0000402', 'ACC0000403'];
  const days = datesBetween('2025-01-30', '2025-02-01');
  const first = days[0] as string;
  let project: SaasProject;

  beforeAll(async () => {
    const f = new Feeds();
    f.plans(first);
    f.touch('transactions', first);
    f.touch('usage_events', first);
    f.account(a1, 'Starter Pair', '2024-05-01T10:00:00Z', first);
    f.account(a2, 'Pro Single', '2024-06-01T10:00:00Z', first);
    f.account(a3, 'Enterprise Year', '2024-07-01T10:00:00Z', first);
    f.subscription('SUB0000401', a1, '2024-05-01', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 2,
      status: 'active',
    })
      .change('initial_load', '2024-05-01T10:00:00Z', {}, first)
      .change('canceled', '2025-02-01T00:00:00Z', canceled('voluntary'));
    f.subscription('SUB0000402', a2, '2024-06-01', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
    })
      .change('initial_load', '2024-06-01T10:00:00Z', {}, first)
      .change('canceled', '2025-02-01T00:00:00Z', canceled('voluntary'));
    f.subscription('SUB0000403', a3, '2024-07-01', {
      plan: 'enterprise',
      cycle: 'annual',
      seats: 1,
      status: 'active',
    })
      .change('initial_load', '2024-07-01T10:00:00Z', {}, first)
      .change('canceled', '2025-01-31T00:00:00Z', canceled('voluntary'));
    project = await SaasProject.create();
    await project.writeFeeds(f.files);
    for (const date of days) await project.run({ date });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('has February, with the churn of both remaining accounts', async () => {
    expect(byAccount(await project.query(BY_ACCOUNT))).toEqual([
      ['2025-01-01', a1, 'none', cents(30), cents(30), 0],
      ['2025-01-01', a2, 'none', cents(39), cents(39), 0],
      ['2025-01-01', a3, 'churn', cents(82.5), 0, cents(82.5)],
      ['2025-02-01', a1, 'churn', cents(30), 0, cents(30)],
      ['2025-02-01', a2, 'churn', cents(39), 0, cents(39)],
    ]);
    expect(months(await project.query(MONTHS))).toEqual([
      ['2025-01-01', cents(30 + 39 + 82.5), cents(82.5), cents(30 + 39), 3, 2, 1],
      ['2025-02-01', cents(30 + 39), cents(30 + 39), 0, 2, 0, 2],
    ]);
  });

  it('shows MRR 0 on 1 February in mrr_daily and for February in mrr_monthly and the scorecard', async () => {
    expect(await dailyTotals(project)).toEqual({
      '2025-01-30': cents(30 + 39 + 82.5),
      '2025-01-31': cents(30 + 39),
      '2025-02-01': 0,
    });
    expect(await monthly(project)).toEqual([
      ['2025-01-01', '2025-01-31', 'pro', cents(39), cents(12 * 39), 1],
      ['2025-01-01', '2025-01-31', 'starter', cents(30), cents(12 * 30), 1],
      ['2025-02-01', '2025-02-01', null, 0, 0, 0],
    ]);
    const kpis = await project.query(
      `select cast(month_start as varchar) as month_start, mrr, active_accounts, churned_accounts
       from marts.saas_kpis_monthly order by month_start`,
    );
    expect(
      kpis.map((k) => [k.month_start, cents(k.mrr), Number(k.active_accounts), Number(k.churned_accounts)]),
    ).toEqual([
      ['2025-01-01', cents(69), 2, 1],
      ['2025-02-01', 0, 0, 2],
    ]);
  });
});

describe('SaaS pack: a month without any paying account, up to the last day loaded', () => {
  // Loaded 27 February to 2 April 2025, as one range: c1 pro × 3 = 117 from the first export, ending
  // on 28 February; the usage export delivers an event on 2 April, the last day loaded.
  // February runs from 27 February (117) to 28 February (0): c1 churns, 117. March has no paying
  // account at either end: a row of zeros. April runs from 31 March to 2 April, at 0 too.
  const c1 = 'ACC0000501';
  const first = '2025-02-27';
  const last = '2025-04-02';
  let project: SaasProject;

  beforeAll(async () => {
    const f = new Feeds();
    f.plans(first);
    f.touch('transactions', first);
    f.touch('usage_events', first);
    f.account(c1, 'Gone Early', '2024-08-01T10:00:00Z', first);
    f.subscription('SUB0000501', c1, '2024-08-01', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 3,
      status: 'active',
    })
      .change('initial_load', '2024-08-01T10:00:00Z', {}, first)
      .change('canceled', '2025-02-28T00:00:00Z', canceled('voluntary'));
    f.event('EVT0000501', `${last}T08:00:00Z`, c1, 'u1');
    project = await SaasProject.create();
    await project.writeFeeds(f.files);
    await project.run({ from: first, to: last });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('gives every month a row in mrr_movements, mrr_monthly and the scorecard, at 0 after the churn', async () => {
    expect(months(await project.query(MONTHS))).toEqual([
      ['2025-02-01', cents(117), cents(117), 0, 1, 0, 1],
      ['2025-03-01', 0, 0, 0, 0, 0, 0],
      ['2025-04-01', 0, 0, 0, 0, 0, 0],
    ]);
    expect(await monthly(project)).toEqual([
      ['2025-02-01', '2025-02-28', null, 0, 0, 0],
      ['2025-03-01', '2025-03-31', null, 0, 0, 0],
      ['2025-04-01', last, null, 0, 0, 0],
    ]);
    const kpis = await project.query(
      `select cast(month_start as varchar) as month_start, mrr, active_accounts, churned_accounts
       from marts.saas_kpis_monthly order by month_start`,
    );
    expect(
      kpis.map((k) => [k.month_start, cents(k.mrr), Number(k.active_accounts), Number(k.churned_accounts)]),
    ).toEqual([
      ['2025-02-01', 0, 0, 1],
      ['2025-03-01', 0, 0, 0],
      ['2025-04-01', 0, 0, 0],
    ]);
  });

  it('has every day in mrr_daily, 117 on the first and 0 from 28 February on', async () => {
    const totals = await dailyTotals(project);
    expect(totals).toEqual(
      Object.fromEntries(datesBetween(first, last).map((day) => [day, day === first ? cents(117) : 0])),
    );
  });
});
