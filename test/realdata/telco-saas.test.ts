import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunSummary } from '../../src/runner/run-pipeline.ts';
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

// Independently of strata: the Telco churn sample read with a plain CSV parser.
const file = readCsv(join(REALDATA, 'telco_churn', 'Telco-Customer-Churn.csv'));

/** The date examples/telco_saas says the snapshot was taken (its source's loadDate). */
const SNAPSHOT = '2024-12-31';
const DAY_MS = 86_400_000;

interface Customer {
  id: string;
  tenure: number;
  contract: string;
  /** MonthlyCharges in cents. */
  cents: number;
  churned: boolean;
}

const customers: Customer[] = file.records.map((r) => ({
  id: r['customerID'] as string,
  tenure: Number(r['tenure']),
  contract: r['Contract'] as string,
  cents: units(r['MonthlyCharges'] as string, 2),
  churned: r['Churn'] === 'Yes',
}));

/**
 * The example's reading of a snapshot row: the customer started `tenure` months before the
 * snapshot and a churner left on the snapshot date. 31 December is a month end, so "t months
 * before" is the last day of the month t months earlier (Date.UTC's day 0 is the day before the 1st).
 */
const started = (c: Customer) => new Date(Date.UTC(2024, 12 - c.tenure, 0)).toISOString().slice(0, 10);
/** Days the customer paid: from the start up to the snapshot, which a churner no longer pays. */
const paidDays = (c: Customer) =>
  (Date.parse(SNAPSHOT) - Date.parse(started(c))) / DAY_MS + (c.churned ? 0 : 1);

/** First day of the month `k` months before December 2024. */
const monthBefore = (k: number) => new Date(Date.UTC(2024, 11 - k, 1)).toISOString().slice(0, 10);

const sum = (list: Customer[]) => list.reduce((total, c) => total + c.cents, 0);
const staying = customers.filter((c) => !c.churned);
const churners = customers.filter((c) => c.churned);
/** Paying on 30 November, the day whose snapshot opens December: everyone who started by then. */
const openingDecember = customers.filter((c) => c.tenure >= 1);
const joinedDecember = customers.filter((c) => c.tenure === 0);
const maxTenure = Math.max(...customers.map((c) => c.tenure));

/** Decimal text from the warehouse (scale 4) in cents; fails on a fraction of a cent. */
function cents(value: unknown): number {
  const tenThousandths = units(String(value), 4);
  expect(tenThousandths % 100, String(value)).toBe(0);
  return tenThousandths / 100;
}

describeRealdata('examples/telco_saas on the IBM Telco churn sample', () => {
  let example: ExampleRun;
  let summary: RunSummary;

  // The whole history is built day by day (about 7 million account-days), which takes a while.
  beforeAll(async () => {
    example = await useExample('telco_saas');
    const response = await runExample(example);
    summary = response.summary;
    expect(response.exitCode, JSON.stringify(summary.tasks, null, 2)).toBe(0);
  }, 900_000);

  afterAll(async () => {
    await example?.dispose();
  });

  it('reads the sample as it is: 7,043 customers, blanks in TotalCharges, churn only after a month', async () => {
    expect(customers).toHaveLength(7_043);
    expect(file.malformedLines).toEqual([]);
    const loads = await expectReconciled(example, ['telco']);
    expect(loads['telco']).toMatchObject({
      load_date: SNAPSHOT,
      received: 7_043,
      staged: 7_043,
      quarantined: 0,
      duplicates: 0,
    });
    await expectQuarantineExplained(example);

    // TotalCharges is a single space for the 11 customers who joined this month: null, not a violation.
    const blank = file.records.filter((r) => (r['TotalCharges'] ?? '').trim() === '');
    expect(blank.map((r) => r['tenure'])).toEqual(Array(11).fill('0'));
    const [staged] = await example.query(
      `SELECT count(*) FILTER (WHERE total_charges IS NULL) AS blank, count(*) FILTER (WHERE churned) AS churned
       FROM staging.telco`,
    );
    expect(staged).toEqual({ blank: 11, churned: churners.length });

    // What the snapshot month's numbers rest on: no churner has tenure 0 (one would have started
    // and left on the snapshot date, never paying), so every churner paid at December's opening.
    expect(churners.filter((c) => c.tenure === 0)).toEqual([]);
    expect(joinedDecember.every((c) => !c.churned)).toBe(true);
    expect(maxTenure).toBe(72);
  });

  it("turns each customer into a period and the periods into the pack's change log", async () => {
    const periods = await example.query(
      `SELECT account_id, plan_id, CAST(monthly_amount AS VARCHAR) AS amount,
              CAST(start_date AS VARCHAR) AS started_on, CAST(end_date AS VARCHAR) AS ended_on
       FROM billing.subscription_periods`,
    );
    const plan = { 'Month-to-month': 'month-to-month', 'One year': 'one-year', 'Two year': 'two-year' };
    const expected = new Map(
      customers.map((c) => [
        c.id,
        {
          plan_id: plan[c.contract as keyof typeof plan],
          amount: c.cents,
          started_on: started(c),
          ended_on: c.churned ? SNAPSHOT : null,
        },
      ]),
    );
    const actual = new Map(
      periods.map((p) => [
        String(p.account_id),
        {
          plan_id: p.plan_id,
          amount: units(String(p.amount), 2),
          started_on: p.started_on,
          ended_on: p.ended_on,
        },
      ]),
    );
    expect(actual).toEqual(expected);

    const changes = await example.query(
      `SELECT change_type, status, count(*) AS n,
              count(*) FILTER (WHERE CAST(effective_at AS DATE) <> load_date) AS loaded_later
       FROM staging.stg_subscriptions GROUP BY change_type, status ORDER BY change_type`,
    );
    expect(changes).toEqual([
      { change_type: 'canceled', status: 'canceled', n: churners.length, loaded_later: 0 },
      { change_type: 'created', status: 'active', n: customers.length, loaded_later: 0 },
    ]);
  });

  it('holds the MRR at the snapshot: what the customers who stay pay', async () => {
    const [day] = await example.query(
      `SELECT count(*) AS accounts, count(*) FILTER (WHERE is_paying) AS paying,
              count(*) FILTER (WHERE NOT account_found) AS unknown, CAST(sum(mrr) AS VARCHAR) AS mrr
       FROM warehouse.fact_subscription_daily WHERE snapshot_date = DATE '${SNAPSHOT}'`,
    );
    expect({ ...day, mrr: cents(day?.mrr) }).toEqual({
      accounts: staying.length,
      paying: staying.length,
      unknown: 0,
      mrr: sum(staying),
    });
    expect(staying).toHaveLength(5_174);
    expect(sum(staying)).toBe(31_698_575); // $316,985.75

    // Every day of every customer, from the start to the snapshot (a churner's last day is the 30th).
    const [all] = await example.query(
      `SELECT count(*) AS days, CAST(min(snapshot_date) AS VARCHAR) AS first FROM warehouse.fact_subscription_daily`,
    );
    expect(all).toEqual({
      days: customers.reduce((total, c) => total + paidDays(c), 0),
      first: '2018-12-31',
    });
  });

  it('computes the snapshot month: customers who joined are new MRR, churners are churned MRR', async () => {
    const [december] = await example.query(
      `SELECT CAST(mrr_start AS VARCHAR) AS mrr_start, CAST(new_mrr AS VARCHAR) AS new_mrr,
              CAST(reactivation_mrr + expansion_mrr + contraction_mrr AS VARCHAR) AS other_mrr,
              CAST(churned_mrr AS VARCHAR) AS churned_mrr, CAST(mrr_end AS VARCHAR) AS mrr_end,
              accounts_start, new_accounts, churned_accounts, accounts_end, logo_churn_rate
       FROM marts.mrr_movements WHERE month_start = DATE '2024-12-01'`,
    );
    expect(december).toBeDefined();
    const row = december as Record<string, unknown>;
    expect({
      mrr_start: cents(row.mrr_start),
      new_mrr: cents(row.new_mrr),
      other_mrr: cents(row.other_mrr),
      churned_mrr: cents(row.churned_mrr),
      mrr_end: cents(row.mrr_end),
      accounts_start: row.accounts_start,
      new_accounts: row.new_accounts,
      churned_accounts: row.churned_accounts,
      accounts_end: row.accounts_end,
    }).toEqual({
      mrr_start: sum(openingDecember),
      new_mrr: sum(joinedDecember),
      other_mrr: 0,
      churned_mrr: sum(churners),
      mrr_end: sum(staying),
      accounts_start: openingDecember.length,
      new_accounts: joinedDecember.length,
      churned_accounts: churners.length,
      accounts_end: staying.length,
    });
    expect(row.logo_churn_rate).toBeCloseTo(churners.length / openingDecember.length, 12);
    expect(sum(churners)).toBe(13_913_085); // $139,130.85 from 1,869 churners
    expect(sum(joinedDecember)).toBe(45_560); // $455.60 from the 11 who joined

    // The pack's churn list: every churner, with the MRR, plan and days it had.
    const churned = await example.query(
      `SELECT account_id, CAST(month_start AS VARCHAR) AS month, last_plan_id, CAST(mrr_lost AS VARCHAR) AS mrr_lost,
              cancel_reason, CAST(first_paid_date AS VARCHAR) AS first_paid, CAST(last_paid_date AS VARCHAR) AS last_paid
       FROM marts.churned_accounts`,
    );
    const byId = new Map(churners.map((c) => [c.id, c]));
    expect(churned).toHaveLength(churners.length);
    for (const c of churned) {
      const customer = byId.get(String(c.account_id)) as Customer;
      expect(c).toMatchObject({
        month: '2024-12-01',
        // Periods say when a customer left, not why.
        cancel_reason: null,
        first_paid: started(customer),
        last_paid: '2024-12-30',
      });
      expect(cents(c.mrr_lost)).toBe(customer.cents);
    }
  });

  it('builds the MRR history month by month from the tenures', async () => {
    const rows = await example.query(
      `SELECT CAST(month_start AS VARCHAR) AS month, CAST(mrr_start AS VARCHAR) AS mrr_start,
              CAST(new_mrr AS VARCHAR) AS new_mrr, CAST(churned_mrr AS VARCHAR) AS churned_mrr,
              CAST(mrr_end AS VARCHAR) AS mrr_end, accounts_end
       FROM marts.mrr_movements ORDER BY month_start`,
    );
    const actual = rows.map((r) => ({
      month: r.month,
      mrr_start: cents(r.mrr_start),
      new_mrr: cents(r.new_mrr),
      churned_mrr: cents(r.churned_mrr),
      mrr_end: cents(r.mrr_end),
      accounts_end: r.accounts_end,
    }));
    // k months before December 2024 (k ≥ 1), everyone with tenure ≥ k paid at the month's end,
    // churners too (they all left in December); those with tenure k started that month. The first
    // month loaded opens with what it ends with: its customers are the opening balance, not new.
    const expected: Record<string, unknown>[] = [];
    for (let k = maxTenure; k >= 0; k--) {
      const paying = k === 0 ? staying : customers.filter((c) => c.tenure >= k);
      const opening = k === maxTenure ? paying : customers.filter((c) => c.tenure >= k + 1);
      const joined = k === maxTenure ? [] : customers.filter((c) => c.tenure === k);
      expected.push({
        month: monthBefore(k),
        mrr_start: sum(opening),
        new_mrr: sum(joined),
        churned_mrr: k === 0 ? sum(churners) : 0,
        mrr_end: sum(paying),
        accounts_end: paying.length,
      });
    }
    expect(actual).toEqual(expected);
    expect(actual[0]?.month).toBe('2018-12-01');
  });

  it('gives churn by contract type, the classic table of the Telco sample', async () => {
    const rows = await example.query(
      `SELECT contract_type, customers, customers_start, churned_customers, customers_end, churn_rate, logo_churn_rate,
              CAST(mrr_start AS VARCHAR) AS mrr_start, CAST(churned_mrr AS VARCHAR) AS churned_mrr,
              CAST(mrr_end AS VARCHAR) AS mrr_end
       FROM marts.churn_by_contract WHERE month_start = DATE '2024-12-01' ORDER BY contract_type`,
    );
    const contracts = [...new Set(customers.map((c) => c.contract))].sort();
    expect(contracts).toEqual(['Month-to-month', 'One year', 'Two year']);
    const churnedMrr = new Map<string, number>();
    for (const c of churners) add(churnedMrr, c.contract, c.cents);
    expect(
      rows.map((r) => ({
        ...r,
        mrr_start: cents(r.mrr_start),
        churned_mrr: cents(r.churned_mrr),
        mrr_end: cents(r.mrr_end),
        churn_rate: Number(r.churn_rate).toFixed(12),
        logo_churn_rate: Number(r.logo_churn_rate).toFixed(12),
      })),
    ).toEqual(
      contracts.map((contract) => {
        const all = customers.filter((c) => c.contract === contract);
        const opening = all.filter((c) => c.tenure >= 1);
        const left = all.filter((c) => c.churned);
        return {
          contract_type: contract,
          customers: all.length,
          customers_start: opening.length,
          churned_customers: left.length,
          customers_end: all.length - left.length,
          churn_rate: (left.length / all.length).toFixed(12),
          logo_churn_rate: (left.length / opening.length).toFixed(12),
          mrr_start: sum(opening),
          churned_mrr: churnedMrr.get(contract) ?? 0,
          mrr_end: sum(all.filter((c) => !c.churned)),
        };
      }),
    );
    // The figures every analysis of this sample quotes: 42.7 %, 11.3 % and 2.8 % of customers left.
    expect(rows.map((r) => Math.round(Number(r.churn_rate) * 1000) / 10)).toEqual([42.7, 11.3, 2.8]);

    // MRR by plan at the snapshot from the pack's own mart: one plan per contract type.
    const byPlan = await example.query(
      `SELECT plan_id, CAST(mrr AS VARCHAR) AS mrr, paying_accounts FROM marts.mrr_monthly
       WHERE month_start = DATE '2024-12-01' ORDER BY plan_id`,
    );
    expect(byPlan.map((r) => [r.plan_id, cents(r.mrr), r.paying_accounts])).toEqual(
      ['Month-to-month', 'One year', 'Two year'].map((contract) => {
        const paying = staying.filter((c) => c.contract === contract);
        return [contract.toLowerCase().replace(' ', '-'), sum(paying), paying.length];
      }),
    );
  });

  it("passes the pack's MRR identities and every other check; payments and usage stay empty", async () => {
    const identities = [
      'mrr_movements:mrr_identity',
      'mrr_movements:mrr_identity_in_total',
      'mrr_movements:mrr_carries_over',
      'mrr_movements_by_account:mrr_identity_per_account',
      'churn_by_contract:contract_mrr_identity',
      'churn_by_contract:contract_customers_identity',
      'fact_subscription_daily:account_known',
    ];
    expect(summary.checks.map((c) => c.checkId)).toEqual(expect.arrayContaining(identities));
    expect(summary.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    const recorded = await example.query(
      `SELECT check_id, status, failing_rows FROM audit.dq_results WHERE run_id = '${summary.runId}'`,
    );
    expect(recorded).toHaveLength(summary.checks.length);
    expect(recorded.filter((r) => r.status !== 'pass' || r.failing_rows !== 0)).toEqual([]);

    const [empty] = await example.query(
      `SELECT (SELECT count(*) FROM warehouse.fact_transactions) AS transactions,
              (SELECT count(*) FROM warehouse.fact_user_events) AS events`,
    );
    expect(empty).toEqual({ transactions: 0, events: 0 });
  });
});
