/**
 * The SaaS pack on hand-built account timelines, one account per story, written as raw daily
 * exports (plans and accounts as JSON arrays, the subscription change log as NDJSON, transactions
 * as CSV, usage events as gzipped NDJSON) and run as one range. Every expected number below is
 * worked out by hand from the definitions in the model headers and PRODUCT.md, never read back
 * from the pipeline:
 *
 * - MRR of a state: unit_price × seats for monthly billing, unit_price × seats / 12 for annual;
 *   active and past_due count, trialing and canceled are worth 0.
 * - A day's state is the newest change with known_from = greatest(effective day, load date) <= it.
 * - A month runs from its opening day (the previous month's end; for the first month the first
 *   day loaded) to its end (its last day, or the last day loaded). Movements compare the two:
 *   new (from 0, first MRR ever), reactivation (from 0, had MRR before), expansion, contraction,
 *   churn (to 0).
 *
 * The data: first day loaded 2025-01-29, last day loaded 2025-04-10. Prices per seat: starter
 * 15, pro 39, enterprise 99 a month; annual 150, 390, 990 a year.
 *
 * Then the same files loaded one day at a time across the end of January (the same warehouse as
 * one range run), and two small projects for what the stories do not reach: days on which the
 * subscriptions export is empty (nothing changed), and an account that left before the first day
 * loaded and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResponse } from '../../src/api/run.ts';
import type { Row } from '../../src/engine/types.ts';
import { MODEL_SCHEMAS, SAAS_MARTS, SaasProject, cents, datesBetween } from './pack.ts';
import { Feeds } from './records.ts';

const FIRST_DAY = '2025-01-29';
const LAST_DAY = '2025-04-10';
const MONTHS = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01'] as const;
/** The day whose snapshot ends each month, and the day whose snapshot opens it. */
const MONTH_END = ['2025-01-31', '2025-02-28', '2025-03-31', LAST_DAY] as const;
const OPENING_DAY = [FIRST_DAY, '2025-01-31', '2025-02-28', '2025-03-31'] as const;

const ACCOUNTS = {
  upgrade: 'ACC0000001',
  downgrade: 'ACC0000002',
  seats: 'ACC0000003',
  annual: 'ACC0000004',
  cancelAtPeriodEnd: 'ACC0000005',
  churnAndBack: 'ACC0000006',
  trialExpires: 'ACC0000007',
  trialConverts: 'ACC0000008',
  paymentRecovered: 'ACC0000009',
  involuntary: 'ACC0000010',
  newInJanuary: 'ACC0000011',
  longGone: 'ACC0000012',
  free: 'ACC0000013',
  lateUpgrade: 'ACC0000014',
  twoSubscriptions: 'ACC0000015',
} as const;
type Story = keyof typeof ACCOUNTS;
const A = ACCOUNTS;

/** The raw exports of every story. */
function timeline(): Feeds {
  const f = new Feeds();
  f.plans(FIRST_DAY);
  // Every feed delivers a file on the first day, if only an empty one (no payments that day).
  f.touch('transactions', FIRST_DAY);
  // The first export holds every account and subscription there is (the opening balance).
  f.account(A.upgrade, 'Upgrade Labs', '2024-06-15T10:00:00Z', FIRST_DAY);
  f.account(A.downgrade, 'Downgrade Works', '2024-03-10T14:00:00Z', FIRST_DAY);
  f.account(A.seats, 'Seats Group', '2024-09-01T11:00:00Z', FIRST_DAY);
  f.account(A.annual, 'Annual Partners', '2024-03-01T00:05:00Z', FIRST_DAY);
  f.account(A.churnAndBack, 'Boomerang Inc', '2024-08-02T12:00:00Z', FIRST_DAY);
  f.account(A.paymentRecovered, 'Retry Systems', '2024-05-12T06:00:00Z', FIRST_DAY);
  f.account(A.involuntary, 'Declined Ltd', '2024-07-05T06:00:00Z', FIRST_DAY);
  f.account(A.longGone, 'Long Gone Co', '2023-05-02T10:00:00Z', FIRST_DAY);
  f.account(A.free, 'Freeloader Org', '2024-10-01T08:00:00Z', FIRST_DAY);
  f.account(A.lateUpgrade, 'Late Paper Co', '2024-11-20T16:00:00Z', FIRST_DAY);
  f.account(A.twoSubscriptions, 'Double Deal', '2025-03-05T09:00:00Z');
  f.account(A.newInJanuary, 'Fresh Start', '2025-01-30T09:00:00Z');
  f.account(A.trialExpires, 'Just Looking', '2025-01-31T15:00:00Z');
  f.account(A.trialConverts, 'Convinced Co', '2025-01-31T17:00:00Z');
  f.account(A.cancelAtPeriodEnd, 'Short Stay', '2025-02-03T08:00:00Z');

  // 1. Upgrade on the 15th: starter × 4 = 60 → pro × 4 = 156.
  f.subscription('SUB0000001', A.upgrade, '2024-06-15', {
    plan: 'starter',
    cycle: 'monthly',
    seats: 4,
    status: 'active',
    periodStart: '2025-01-15',
    periodEnd: '2025-02-15',
  })
    .change('initial_load', '2024-06-15T10:00:00Z', {}, FIRST_DAY)
    .change('upgraded', '2025-02-15T09:30:00Z', { plan: 'pro' })
    // The export delivers the upgrade again the next day: it counts once.
    .change('upgraded', '2025-02-15T09:30:00Z', {}, '2025-02-16');

  // 2. Downgrade pro × 5 = 195 → starter × 5 = 75, effective 10 March, delivered a day late.
  f.subscription('SUB0000002', A.downgrade, '2024-03-10', {
    plan: 'pro',
    cycle: 'monthly',
    seats: 5,
    status: 'active',
    periodStart: '2025-01-10',
    periodEnd: '2025-02-10',
  })
    .change('initial_load', '2024-03-10T14:00:00Z', {}, FIRST_DAY)
    .change('downgraded', '2025-03-10T14:00:00Z', { plan: 'starter' }, '2025-03-11');

  // 3. Seats: pro × 3 = 117 → × 8 = 312 on 1 February; → × 6 = 234 effective 31 March but
  //    delivered on 1 April, so it is known from 1 April (an April contraction, not a March one).
  f.subscription('SUB0000003', A.seats, '2024-09-01', {
    plan: 'pro',
    cycle: 'monthly',
    seats: 3,
    status: 'active',
  })
    .change('initial_load', '2024-09-01T11:00:00Z', {}, FIRST_DAY)
    .change('seats_changed', '2025-02-01T11:00:00Z', { seats: 8 })
    .change('seats_changed', '2025-03-31T18:00:00Z', { seats: 6 }, '2025-04-01');

  // 4. Annual enterprise × 2 at 990 a seat a year: 165 a month, renewed on 1 March.
  const annual = f
    .subscription('SUB0000004', A.annual, '2024-03-01', {
      plan: 'enterprise',
      cycle: 'annual',
      seats: 2,
      status: 'active',
      periodStart: '2024-03-01',
      periodEnd: '2025-03-01',
    })
    .change('initial_load', '2024-03-01T00:05:00Z', {}, FIRST_DAY)
    .change('renewed', '2025-03-01T00:05:00Z', { periodStart: '2025-03-01', periodEnd: '2026-03-01' });
  f.charge('TX0000000007', annual, '2025-03-01T00:05:00Z', 1980);

  // 5. New on 3 February (starter × 10 = 150); on 20 March cancels at the end of the period: the
  //    export writes the canceled record that day, effective 3 April (the period end).
  const shortStay = f
    .subscription('SUB0000005', A.cancelAtPeriodEnd, '2025-02-03', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 10,
      status: 'active',
      periodStart: '2025-02-03',
      periodEnd: '2025-03-03',
    })
    .change('created', '2025-02-03T08:00:00Z')
    .change('renewed', '2025-03-03T08:00:00Z', { periodStart: '2025-03-03', periodEnd: '2025-04-03' })
    .change(
      'canceled',
      '2025-04-03T08:00:00Z',
      { status: 'canceled', canceledAt: '2025-03-20T16:00:00Z', cancelReason: 'voluntary' },
      '2025-03-20',
    );
  f.charge('TX0000000003', shortStay, '2025-02-03T08:00:00Z', 150);
  f.charge('TX0000000008', shortStay, '2025-03-03T08:00:00Z', 150);
  f.event('UE0000000005', '2025-03-25T09:00:00Z', A.cancelAtPeriodEnd, 'U1');
  f.event('UE0000000006', '2025-04-02T11:00:00Z', A.cancelAtPeriodEnd, 'U1', 'exports');

  // 6. pro × 2 = 78, canceled on 2 February (20 refunded), back on 10 April on starter × 3 = 45.
  const boomerang = f
    .subscription('SUB0000006', A.churnAndBack, '2024-08-02', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 2,
      status: 'active',
      periodStart: '2025-01-02',
      periodEnd: '2025-02-02',
    })
    .change('initial_load', '2024-08-02T12:00:00Z', {}, FIRST_DAY)
    .change('canceled', '2025-02-02T12:00:00Z', {
      status: 'canceled',
      canceledAt: '2025-02-02T12:00:00Z',
      cancelReason: 'voluntary',
    })
    .change('reactivated', '2025-04-10T10:00:00Z', {
      plan: 'starter',
      seats: 3,
      status: 'active',
      canceledAt: null,
      cancelReason: null,
      periodStart: '2025-04-10',
      periodEnd: '2025-05-10',
    });
  f.refund('TX0000000002', boomerang, '2025-02-02T12:00:00Z', 20, 'TX0000000000');
  f.charge('TX0000000011', boomerang, '2025-04-10T10:00:00Z', 45);
  f.event('UE0000000003', '2025-02-01T10:00:00Z', A.churnAndBack, 'U1');
  f.event('UE0000000009', '2025-04-10T11:00:00Z', A.churnAndBack, 'U2', 'reports');

  // 7. A trial (pro × 3) from 31 January that expires on 14 February: never worth anything.
  f.subscription('SUB0000007', A.trialExpires, '2025-01-31', {
    plan: 'pro',
    cycle: 'monthly',
    seats: 3,
    status: 'trialing',
    trialEnd: '2025-02-13',
  })
    .change('trial_started', '2025-01-31T15:00:00Z')
    .change('trial_expired', '2025-02-14T00:00:00Z', {
      status: 'canceled',
      canceledAt: '2025-02-14T00:00:00Z',
      cancelReason: 'trial_expired',
    });
  f.event('UE0000000004', '2025-02-05T13:00:00Z', A.trialExpires, 'U1', 'integrations');

  // 7b. A trial (starter × 2) from 31 January that converts on 14 February: 30 of new MRR in February.
  const convinced = f
    .subscription('SUB0000008', A.trialConverts, '2025-01-31', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 2,
      status: 'trialing',
      trialEnd: '2025-02-13',
    })
    .change('trial_started', '2025-01-31T17:00:00Z')
    .change('trial_converted', '2025-02-14T00:00:00Z', {
      status: 'active',
      periodStart: '2025-02-14',
      periodEnd: '2025-03-14',
    });
  f.charge('TX0000000005', convinced, '2025-02-14T00:00:00Z', 30);

  // 8. starter × 6 = 90: the renewal fails on 12 February (past_due, still 90), succeeds on the 15th.
  const retry = f
    .subscription('SUB0000009', A.paymentRecovered, '2024-05-12', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 6,
      status: 'active',
      periodStart: '2025-01-12',
      periodEnd: '2025-02-12',
    })
    .change('initial_load', '2024-05-12T06:00:00Z', {}, FIRST_DAY)
    .change('payment_failed', '2025-02-12T06:00:00Z', { status: 'past_due' })
    .change('payment_recovered', '2025-02-15T06:00:00Z', {
      status: 'active',
      periodStart: '2025-02-12',
      periodEnd: '2025-03-12',
    });
  f.charge('TX0000000004', retry, '2025-02-12T06:00:00Z', 90, 'card_declined');
  f.charge('TX0000000006', retry, '2025-02-15T06:00:00Z', 90);

  // 8b. pro × 1 = 39, renewed on 5 February; the March renewal fails twice and the subscription
  //     is canceled for it on 19 March (involuntary churn).
  const declined = f
    .subscription('SUB0000010', A.involuntary, '2024-07-05', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
      periodStart: '2025-01-05',
      periodEnd: '2025-02-05',
    })
    .change('initial_load', '2024-07-05T06:00:00Z', {}, FIRST_DAY)
    .change('renewed', '2025-02-05T06:00:00Z', { periodStart: '2025-02-05', periodEnd: '2025-03-05' })
    .change('payment_failed', '2025-03-05T06:00:00Z', { status: 'past_due' })
    .change('payment_failed', '2025-03-12T06:00:00Z', { status: 'past_due' })
    .change('canceled', '2025-03-19T06:00:00Z', {
      status: 'canceled',
      canceledAt: '2025-03-19T06:00:00Z',
      cancelReason: 'payment_failed',
    });
  f.charge('TX0000000012', declined, '2025-02-05T06:00:00Z', 39);
  f.charge('TX0000000009', declined, '2025-03-05T06:00:00Z', 39, 'insufficient_funds');
  f.charge('TX0000000010', declined, '2025-03-12T06:00:00Z', 39, 'insufficient_funds');

  // A new account on the second day loaded: starter × 1 = 15, new in January.
  const fresh = f
    .subscription('SUB0000011', A.newInJanuary, '2025-01-30', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
      periodStart: '2025-01-30',
      periodEnd: '2025-02-28',
    })
    .change('created', '2025-01-30T09:00:00Z');
  f.charge('TX0000000001', fresh, '2025-01-30T09:00:00Z', 15);

  // Canceled before the first day loaded, and it stays away: nothing anywhere.
  f.subscription('SUB0000012', A.longGone, '2023-05-02', {
    plan: 'pro',
    cycle: 'monthly',
    seats: 2,
    status: 'canceled',
    canceledAt: '2024-11-03T10:00:00Z',
    cancelReason: 'voluntary',
  }).change('initial_load', '2024-11-03T10:00:00Z', {}, FIRST_DAY);

  // 1b. Upgrade starter × 2 = 30 → pro × 2 = 78 effective 31 January in the evening, delivered in
  //     the file of 1 February: known from 1 February, so a February expansion, not a January one.
  f.subscription('SUB0000014', A.lateUpgrade, '2024-11-20', {
    plan: 'starter',
    cycle: 'monthly',
    seats: 2,
    status: 'active',
  })
    .change('initial_load', '2024-11-20T16:00:00Z', {}, FIRST_DAY)
    .change('upgraded', '2025-01-31T20:00:00Z', { plan: 'pro' }, '2025-02-01');

  // 9. Two subscriptions: starter × 1 = 15 from 5 March, pro × 1 = 39 added on 20 March (account
  //    MRR 54, new in March); the starter one canceled on 5 April: a contraction of 15, not churn.
  const first = f
    .subscription('SUB0000015', A.twoSubscriptions, '2025-03-05', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
    })
    .change('created', '2025-03-05T09:00:00Z')
    .change('canceled', '2025-04-05T09:00:00Z', {
      status: 'canceled',
      canceledAt: '2025-04-05T09:00:00Z',
      cancelReason: 'voluntary',
    });
  const second = f
    .subscription('SUB0000016', A.twoSubscriptions, '2025-03-20', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
    })
    .change('created', '2025-03-20T09:00:00Z');
  f.charge('TX0000000013', first, '2025-03-05T09:00:00Z', 15);
  f.charge('TX0000000014', second, '2025-03-20T09:00:00Z', 39);

  // The free plan: live (a daily row) but worth 0, so never paying.
  f.subscription('SUB0000013', A.free, '2024-10-01', {
    plan: 'free',
    cycle: 'monthly',
    seats: 3,
    status: 'active',
  }).change('initial_load', '2024-10-01T08:00:00Z', {}, FIRST_DAY);
  f.event('UE0000000001', '2025-01-29T08:00:00Z', A.free, 'U1', 'dashboards');
  f.event('UE0000000002', '2025-01-29T09:00:00Z', A.upgrade, 'U1');
  f.event('UE0000000007', '2025-02-10T09:00:00Z', A.free, 'U1', 'dashboards');
  f.event('UE0000000008', '2025-03-02T09:00:00Z', A.upgrade, 'U2', 'reports');
  return f;
}

type Movement = 'new' | 'reactivation' | 'expansion' | 'contraction' | 'churn' | 'none';

interface Expected {
  /** MRR at the opening day (29 Jan) and at the ends of January, February, March and April (10 Apr). */
  mrr: readonly [number, number, number, number, number];
  /** The movement of each month; null where the account has no row (0 at both ends). */
  movements: readonly [Movement | null, Movement | null, Movement | null, Movement | null];
}

/** Every story by hand, from the definitions. */
const EXPECTED: Record<Story, Expected> = {
  upgrade: {
    mrr: [15 * 4, 15 * 4, 39 * 4, 39 * 4, 39 * 4],
    movements: ['none', 'expansion', 'none', 'none'],
  },
  downgrade: {
    mrr: [39 * 5, 39 * 5, 39 * 5, 15 * 5, 15 * 5],
    movements: ['none', 'none', 'contraction', 'none'],
  },
  seats: {
    mrr: [39 * 3, 39 * 3, 39 * 8, 39 * 8, 39 * 6],
    movements: ['none', 'expansion', 'none', 'contraction'],
  },
  annual: {
    mrr: [(990 * 2) / 12, (990 * 2) / 12, (990 * 2) / 12, (990 * 2) / 12, (990 * 2) / 12],
    movements: ['none', 'none', 'none', 'none'],
  },
  cancelAtPeriodEnd: {
    mrr: [0, 0, 15 * 10, 15 * 10, 0],
    movements: [null, 'new', 'none', 'churn'],
  },
  churnAndBack: {
    mrr: [39 * 2, 39 * 2, 0, 0, 15 * 3],
    movements: ['none', 'churn', null, 'reactivation'],
  },
  trialExpires: { mrr: [0, 0, 0, 0, 0], movements: [null, null, null, null] },
  trialConverts: {
    mrr: [0, 0, 15 * 2, 15 * 2, 15 * 2],
    movements: [null, 'new', 'none', 'none'],
  },
  paymentRecovered: {
    mrr: [15 * 6, 15 * 6, 15 * 6, 15 * 6, 15 * 6],
    movements: ['none', 'none', 'none', 'none'],
  },
  involuntary: { mrr: [39, 39, 39, 0, 0], movements: ['none', 'none', 'churn', null] },
  newInJanuary: { mrr: [0, 15, 15, 15, 15], movements: ['new', 'none', 'none', 'none'] },
  longGone: { mrr: [0, 0, 0, 0, 0], movements: [null, null, null, null] },
  free: { mrr: [0, 0, 0, 0, 0], movements: [null, null, null, null] },
  lateUpgrade: {
    mrr: [15 * 2, 15 * 2, 39 * 2, 39 * 2, 39 * 2],
    movements: ['none', 'expansion', 'none', 'none'],
  },
  twoSubscriptions: {
    mrr: [0, 0, 0, 15 + 39, 39],
    movements: [null, null, 'new', 'contraction'],
  },
};

interface MovementRow {
  month: string;
  account: string;
  movement: Movement;
  start: number;
  end: number;
  /** Amounts in cents. */
  new: number;
  reactivation: number;
  expansion: number;
  contraction: number;
  churn: number;
}

/** A movement row from the definitions: one movement, its amount read off the two month ends. */
function movementRow(
  month: string,
  account: string,
  movement: Movement,
  start: number,
  end: number,
): MovementRow {
  const [s, e] = [cents(start), cents(end)];
  return {
    month,
    account,
    movement,
    start: s,
    end: e,
    new: movement === 'new' ? e : 0,
    reactivation: movement === 'reactivation' ? e : 0,
    expansion: movement === 'expansion' ? e - s : 0,
    contraction: movement === 'contraction' ? s - e : 0,
    churn: movement === 'churn' ? s : 0,
  };
}

function expectedRows(story: Story): MovementRow[] {
  const { mrr, movements } = EXPECTED[story];
  return MONTHS.flatMap((month, i) => {
    const movement = movements[i];
    return movement ? [movementRow(month, ACCOUNTS[story], movement, mrr[i] ?? 0, mrr[i + 1] ?? 0)] : [];
  });
}

const ALL_EXPECTED_ROWS = (Object.keys(ACCOUNTS) as Story[]).flatMap(expectedRows);

/** The sum of `field` over the expected rows of `month`. */
const expectedSum = (month: string, field: keyof Omit<MovementRow, 'month' | 'account' | 'movement'>) =>
  ALL_EXPECTED_ROWS.filter((r) => r.month === month).reduce((sum, r) => sum + r[field], 0);

const MOVEMENTS_BY_ACCOUNT = `select cast(month_start as varchar) as month_start, account_id, movement,
    mrr_start, mrr_end, new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr
  from marts.mrr_movements_by_account`;

function toMovementRow(r: Row): MovementRow {
  return {
    month: String(r.month_start),
    account: String(r.account_id),
    movement: r.movement as Movement,
    start: cents(r.mrr_start),
    end: cents(r.mrr_end),
    new: cents(r.new_mrr),
    reactivation: cents(r.reactivation_mrr),
    expansion: cents(r.expansion_mrr),
    contraction: cents(r.contraction_mrr),
    churn: cents(r.churned_mrr),
  };
}

const byMonthAndAccount = (a: MovementRow, b: MovementRow) =>
  a.month.localeCompare(b.month) || a.account.localeCompare(b.account);

describe('SaaS pack: account timelines', () => {
  const feeds = timeline();
  let project: SaasProject;
  let response: RunResponse;

  /** The account's MRR movement rows, month by month. */
  const movementsOf = async (story: Story): Promise<MovementRow[]> =>
    (
      await project.query(
        `${MOVEMENTS_BY_ACCOUNT} where account_id = '${ACCOUNTS[story]}' order by month_start`,
      )
    ).map(toMovementRow);

  /** The account's daily snapshot: day → "status plan×seats mrr" (absent when it has no row). */
  const dailyOf = async (story: Story): Promise<Record<string, string>> => {
    const rows = await project.query(
      `select cast(snapshot_date as varchar) as day, status, plan_id, billing_cycle, seats, mrr
       from warehouse.fact_subscription_daily where account_id = '${ACCOUNTS[story]}' order by snapshot_date`,
    );
    return Object.fromEntries(
      rows.map((r) => [
        String(r.day),
        `${String(r.status)} ${String(r.plan_id)}×${String(r.seats)} ${cents(r.mrr)}`,
      ]),
    );
  };

  const monthRow = async (table: string, month: string): Promise<Row> => {
    const rows = await project.query(`select * from marts.${table} where month_start = date '${month}'`);
    expect(rows).toHaveLength(1);
    return rows[0] as Row;
  };

  const churnRow = async (story: Story): Promise<Row[]> =>
    project.query(
      `select cast(month_start as varchar) as month_start, last_plan_id, mrr_lost, cancel_reason, is_involuntary,
         cast(first_paid_date as varchar) as first_paid_date, cast(last_paid_date as varchar) as last_paid_date,
         tenure_days, tenure_months, cast(last_activity_at as varchar) as last_activity_at
       from marts.churned_accounts where account_id = '${ACCOUNTS[story]}' order by month_start`,
    );

  beforeAll(async () => {
    project = await SaasProject.create();
    await project.writeFeeds(feeds.files);
    response = await project.run({ from: FIRST_DAY, to: LAST_DAY });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('runs clean: every check passes, the MRR identity checks among them', () => {
    expect(response.summary.status).toBe('success');
    const statuses = Object.fromEntries(response.summary.checks.map((c) => [c.checkId, c.status]));
    expect(statuses).toMatchObject({
      'mrr_movements:mrr_identity': 'pass',
      'mrr_movements:mrr_identity_in_total': 'pass',
      'mrr_movements:mrr_carries_over': 'pass',
      'mrr_movements_by_account:mrr_identity_per_account': 'pass',
    });
    expect(response.summary.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    // Every record written is staged: none quarantined (the re-delivered upgrade included; the
    // subscription states count it once).
    const written = Object.fromEntries(
      Object.entries(feeds.files).map(([feed, byDate]) => {
        const records = [...byDate.values()].reduce((n, list) => n + list.length, 0);
        return [feed, { received: records, staged: records, quarantined: 0, duplicates: 0 }];
      }),
    );
    expect(response.summary.metrics.sources).toEqual(written);
  });

  it('months run from the opening day to the month end; the first opens on the first day loaded', async () => {
    const rows = await project.query(
      `select distinct cast(month_start as varchar) as month_start, cast(opening_day as varchar) as opening_day,
         cast(month_end as varchar) as month_end
       from marts.account_mrr_monthly order by month_start`,
    );
    expect(rows).toEqual(
      MONTHS.map((month, i) => ({
        month_start: month,
        opening_day: OPENING_DAY[i],
        month_end: MONTH_END[i],
      })),
    );
  });

  it('opening balance: accounts paying on the first day loaded are not new in the first month', async () => {
    const january = await monthRow('mrr_movements', '2025-01-01');
    // Paying on 29 January: upgrade 60, downgrade 195, seats 117, annual 165, churnAndBack 78,
    // paymentRecovered 90, involuntary 39, lateUpgrade 30 — all "none" in January (their first day
    // with MRR is in January too). newInJanuary (from the 30th) is the only new account.
    const opening = 60 + 195 + 117 + 165 + 78 + 90 + 39 + 30;
    expect(cents(january.mrr_start)).toBe(cents(opening));
    expect(january.accounts_start).toBe(8);
    expect(january.new_accounts).toBe(1);
    expect(cents(january.new_mrr)).toBe(cents(15));
    expect(cents(january.mrr_end)).toBe(cents(opening + 15));
    const firstPaid = await project.query(
      `select account_id, cast(min(first_paid_date) as varchar) as first_paid
       from marts.account_mrr_monthly group by account_id order by account_id`,
    );
    expect(Object.fromEntries(firstPaid.map((r) => [r.account_id, r.first_paid]))).toEqual({
      [A.upgrade]: FIRST_DAY,
      [A.downgrade]: FIRST_DAY,
      [A.seats]: FIRST_DAY,
      [A.annual]: FIRST_DAY,
      [A.cancelAtPeriodEnd]: '2025-02-03',
      [A.churnAndBack]: FIRST_DAY,
      [A.trialConverts]: '2025-02-14',
      [A.paymentRecovered]: FIRST_DAY,
      [A.involuntary]: FIRST_DAY,
      [A.newInJanuary]: '2025-01-30',
      [A.lateUpgrade]: FIRST_DAY,
      [A.twoSubscriptions]: '2025-03-05',
    });
    // Cohorts are only the accounts that first paid after the first day loaded.
    const cohorts = await project.query(
      `select cast(cohort_month as varchar) as cohort_month, months_since, cohort_accounts, retained_accounts,
         cohort_mrr, retained_mrr
       from marts.subscription_cohorts order by cohort_month, months_since`,
    );
    expect(
      cohorts.map((r) => [r.cohort_month, r.months_since, r.cohort_accounts, r.retained_accounts]),
    ).toEqual([
      ['2025-01-01', 0, 1, 1],
      ['2025-01-01', 1, 1, 1],
      ['2025-01-01', 2, 1, 1],
      ['2025-01-01', 3, 1, 1],
      // cancelAtPeriodEnd (150) and trialConverts (30); cancelAtPeriodEnd gone by April.
      ['2025-02-01', 0, 2, 2],
      ['2025-02-01', 1, 2, 2],
      ['2025-02-01', 2, 2, 1],
      // twoSubscriptions: 54 at the end of March, 39 at the end of April.
      ['2025-03-01', 0, 1, 1],
      ['2025-03-01', 1, 1, 1],
    ]);
    expect(cohorts.map((r) => [cents(r.cohort_mrr), cents(r.retained_mrr)])).toEqual([
      [1500, 1500],
      [1500, 1500],
      [1500, 1500],
      [1500, 1500],
      [18000, 18000],
      [18000, 18000],
      [18000, 3000],
      [5400, 5400],
      [5400, 3900],
    ]);
  });

  it('1. a mid-month upgrade is an expansion of the month-end difference, in its month', async () => {
    expect(await movementsOf('upgrade')).toEqual(expectedRows('upgrade'));
    const feb = (await movementsOf('upgrade'))[1];
    expect(feb?.expansion).toBe(cents(39 * 4 - 15 * 4));
    const daily = await dailyOf('upgrade');
    expect(daily['2025-02-14']).toBe(`active starter×4 ${cents(60)}`);
    expect(daily['2025-02-15']).toBe(`active pro×4 ${cents(156)}`);
    // Effective on the evening of 31 January, delivered on 1 February: known from 1 February.
    expect(await movementsOf('lateUpgrade')).toEqual(expectedRows('lateUpgrade'));
    const late = await dailyOf('lateUpgrade');
    expect(late['2025-01-31']).toBe(`active starter×2 ${cents(30)}`);
    expect(late['2025-02-01']).toBe(`active pro×2 ${cents(78)}`);
  });

  it('2. a downgrade is a contraction (known from the day its file arrived)', async () => {
    expect(await movementsOf('downgrade')).toEqual(expectedRows('downgrade'));
    const daily = await dailyOf('downgrade');
    expect(daily['2025-03-10']).toBe(`active pro×5 ${cents(195)}`);
    expect(daily['2025-03-11']).toBe(`active starter×5 ${cents(75)}`);
  });

  it('3. seat changes move MRR by unit price × Δseats; a late one counts from its arrival', async () => {
    const rows = await movementsOf('seats');
    expect(rows).toEqual(expectedRows('seats'));
    expect(rows.map((r) => [r.month, r.expansion, r.contraction])).toEqual([
      ['2025-01-01', 0, 0],
      ['2025-02-01', cents(39 * (8 - 3)), 0],
      ['2025-03-01', 0, 0],
      ['2025-04-01', 0, cents(39 * (8 - 6))],
    ]);
    const daily = await dailyOf('seats');
    expect(daily['2025-01-31']).toBe(`active pro×3 ${cents(117)}`);
    expect(daily['2025-02-01']).toBe(`active pro×8 ${cents(312)}`);
    expect(daily['2025-03-31']).toBe(`active pro×8 ${cents(312)}`);
    expect(daily['2025-04-01']).toBe(`active pro×6 ${cents(234)}`);
  });

  it('4. an annual plan is worth unit price × seats / 12 every day and every month', async () => {
    expect(await movementsOf('annual')).toEqual(expectedRows('annual'));
    const daily = await dailyOf('annual');
    const days = datesBetween(FIRST_DAY, LAST_DAY);
    expect(Object.keys(daily)).toEqual(days);
    expect(new Set(Object.values(daily))).toEqual(new Set([`active enterprise×2 ${cents((990 * 2) / 12)}`]));
    const cycles = await project.query(
      `select distinct billing_cycle from warehouse.fact_subscription_daily where account_id = '${A.annual}'`,
    );
    expect(cycles).toEqual([{ billing_cycle: 'annual' }]);
  });

  it('5. a cancellation at period end keeps MRR until the period ends and churns in that month', async () => {
    expect(await movementsOf('cancelAtPeriodEnd')).toEqual(expectedRows('cancelAtPeriodEnd'));
    const daily = await dailyOf('cancelAtPeriodEnd');
    expect(daily['2025-03-20']).toBe(`active starter×10 ${cents(150)}`);
    expect(daily['2025-04-02']).toBe(`active starter×10 ${cents(150)}`);
    expect(daily['2025-04-03']).toBeUndefined();
    expect(await churnRow('cancelAtPeriodEnd')).toEqual([
      {
        month_start: '2025-04-01',
        last_plan_id: 'starter',
        mrr_lost: 150,
        cancel_reason: 'voluntary',
        is_involuntary: false,
        first_paid_date: '2025-02-03',
        last_paid_date: '2025-04-02',
        // 3 Feb → 2 Apr inclusive: 26 + 31 + 2 days, two whole months (3 Feb – 2 Mar, 3 Mar – 2 Apr).
        tenure_days: 26 + 31 + 2,
        tenure_months: 2,
        last_activity_at: '2025-04-02 11:00:00',
      },
    ]);
  });

  it('6. a churn, then a reactivation (not new) in the month it comes back', async () => {
    expect(await movementsOf('churnAndBack')).toEqual(expectedRows('churnAndBack'));
    expect(await churnRow('churnAndBack')).toEqual([
      {
        month_start: '2025-02-01',
        last_plan_id: 'pro',
        mrr_lost: 78,
        cancel_reason: 'voluntary',
        is_involuntary: false,
        first_paid_date: FIRST_DAY,
        last_paid_date: '2025-02-01',
        // 29 Jan → 1 Feb inclusive (from the first day loaded: see the opening balance).
        tenure_days: 4,
        tenure_months: 0,
        // Its activity up to the end of February: not the event after it came back.
        last_activity_at: '2025-02-01 10:00:00',
      },
    ]);
    const april = await monthRow('mrr_movements', '2025-04-01');
    expect(april.reactivated_accounts).toBe(1);
    expect(april.new_accounts).toBe(0);
  });

  it('7. trials are worth 0; the conversion rate counts trials by the month they started', async () => {
    expect(await movementsOf('trialExpires')).toEqual([]);
    expect(await movementsOf('trialConverts')).toEqual(expectedRows('trialConverts'));
    const expired = await dailyOf('trialExpires');
    // Trialing from 31 January to 13 February (14 days), at 0; canceled from the 14th.
    expect(expired).toEqual(
      Object.fromEntries(datesBetween('2025-01-31', '2025-02-13').map((d) => [d, 'trialing pro×3 0'])),
    );
    const converted = await dailyOf('trialConverts');
    expect(converted['2025-02-13']).toBe('trialing starter×2 0');
    expect(converted['2025-02-14']).toBe(`active starter×2 ${cents(30)}`);
    const trials = await project.query(
      `select cast(month_start as varchar) as month_start, trials_started, trials_converted, trial_conversion_rate
       from marts.saas_kpis_monthly order by month_start`,
    );
    expect(trials).toEqual([
      { month_start: '2025-01-01', trials_started: 2, trials_converted: 1, trial_conversion_rate: 0.5 },
      { month_start: '2025-02-01', trials_started: 0, trials_converted: 0, trial_conversion_rate: null },
      { month_start: '2025-03-01', trials_started: 0, trials_converted: 0, trial_conversion_rate: null },
      { month_start: '2025-04-01', trials_started: 0, trials_converted: 0, trial_conversion_rate: null },
    ]);
  });

  it('8. a failed payment keeps MRR (past_due) and moves nothing; the failures make the rate', async () => {
    expect(await movementsOf('paymentRecovered')).toEqual(expectedRows('paymentRecovered'));
    const daily = await dailyOf('paymentRecovered');
    expect(daily['2025-02-11']).toBe(`active starter×6 ${cents(90)}`);
    expect(daily['2025-02-12']).toBe(`past_due starter×6 ${cents(90)}`);
    expect(daily['2025-02-14']).toBe(`past_due starter×6 ${cents(90)}`);
    expect(daily['2025-02-15']).toBe(`active starter×6 ${cents(90)}`);
    const payments = await project.query(
      `select cast(month_start as varchar) as month_start, charges_attempted, charges_failed, failed_payment_rate,
         cash_collected, refunds
       from marts.saas_kpis_monthly order by month_start`,
    );
    expect(
      payments.map((r) => ({ ...r, cash_collected: cents(r.cash_collected), refunds: cents(r.refunds) })),
    ).toEqual([
      // 30 Jan: newInJanuary 15.
      {
        month_start: '2025-01-01',
        charges_attempted: 1,
        charges_failed: 0,
        failed_payment_rate: 0,
        cash_collected: cents(15),
        refunds: 0,
      },
      // cancelAtPeriodEnd 150, involuntary 39, paymentRecovered 90 failed then 90, trialConverts 30;
      // churnAndBack refunded 20.
      {
        month_start: '2025-02-01',
        charges_attempted: 5,
        charges_failed: 1,
        failed_payment_rate: 1 / 5,
        cash_collected: cents(150 + 39 + 90 + 30 - 20),
        refunds: cents(20),
      },
      // annual 1980, cancelAtPeriodEnd 150, involuntary 39 failed twice, twoSubscriptions 15 and 39.
      {
        month_start: '2025-03-01',
        charges_attempted: 6,
        charges_failed: 2,
        failed_payment_rate: 2 / 6,
        cash_collected: cents(1980 + 150 + 15 + 39),
        refunds: 0,
      },
      {
        month_start: '2025-04-01',
        charges_attempted: 1,
        charges_failed: 0,
        failed_payment_rate: 0,
        cash_collected: cents(45),
        refunds: 0,
      },
    ]);
  });

  it('8b. a subscription canceled after failed payments is involuntary churn', async () => {
    expect(await movementsOf('involuntary')).toEqual(expectedRows('involuntary'));
    const daily = await dailyOf('involuntary');
    expect(daily['2025-03-18']).toBe(`past_due pro×1 ${cents(39)}`);
    expect(daily['2025-03-19']).toBeUndefined();
    expect(await churnRow('involuntary')).toEqual([
      {
        month_start: '2025-03-01',
        last_plan_id: 'pro',
        mrr_lost: 39,
        cancel_reason: 'payment_failed',
        is_involuntary: true,
        first_paid_date: FIRST_DAY,
        last_paid_date: '2025-03-18',
        // 29 Jan → 18 Mar inclusive: 3 + 28 + 18 days, one whole month (29 Jan – 28 Feb) and 18 days.
        tenure_days: 3 + 28 + 18,
        tenure_months: 1,
        last_activity_at: null,
      },
    ]);
    const involuntary = await project.query(
      `select cast(month_start as varchar) as month_start, churned_accounts, involuntary_churned_accounts,
         involuntary_churned_mrr
       from marts.saas_kpis_monthly order by month_start`,
    );
    expect(
      involuntary.map((r) => ({ ...r, involuntary_churned_mrr: cents(r.involuntary_churned_mrr) })),
    ).toEqual([
      {
        month_start: '2025-01-01',
        churned_accounts: 0,
        involuntary_churned_accounts: 0,
        involuntary_churned_mrr: 0,
      },
      {
        month_start: '2025-02-01',
        churned_accounts: 1,
        involuntary_churned_accounts: 0,
        involuntary_churned_mrr: 0,
      },
      {
        month_start: '2025-03-01',
        churned_accounts: 1,
        involuntary_churned_accounts: 1,
        involuntary_churned_mrr: cents(39),
      },
      {
        month_start: '2025-04-01',
        churned_accounts: 1,
        involuntary_churned_accounts: 0,
        involuntary_churned_mrr: 0,
      },
    ]);
  });

  it('9. account MRR is the sum of its subscriptions; losing one of two is a contraction', async () => {
    expect(await movementsOf('twoSubscriptions')).toEqual(expectedRows('twoSubscriptions'));
    const daily = await dailyOf('twoSubscriptions');
    expect(daily['2025-03-19']).toBe(`active starter×1 ${cents(15)}`);
    // One row for the account: the plan of the subscription worth the most, seats and MRR summed.
    expect(daily['2025-03-20']).toBe(`active pro×2 ${cents(15 + 39)}`);
    expect(daily['2025-04-05']).toBe(`active pro×1 ${cents(39)}`);
    expect(await churnRow('twoSubscriptions')).toEqual([]);
  });

  it('free plans, old cancellations and trials never pay; free accounts still have daily rows', async () => {
    const daily = await dailyOf('free');
    expect(Object.keys(daily)).toEqual(datesBetween(FIRST_DAY, LAST_DAY));
    expect(new Set(Object.values(daily))).toEqual(new Set(['active free×3 0']));
    expect(await dailyOf('longGone')).toEqual({});
    const paying = await project.query(
      `select account_id from marts.account_mrr_monthly
       where account_id in ('${A.free}', '${A.longGone}', '${A.trialExpires}')`,
    );
    expect(paying).toEqual([]);
  });

  it('every account × month: exactly the rows the stories give', async () => {
    const rows = (await project.query(MOVEMENTS_BY_ACCOUNT)).map(toMovementRow).sort(byMonthAndAccount);
    expect(rows).toEqual([...ALL_EXPECTED_ROWS].sort(byMonthAndAccount));
  });

  it('mrr_movements: each month is the sum of the accounts, and the identity holds per month and in total', async () => {
    const months = await project.query(`select * from marts.mrr_movements order by month_start`);
    expect(months.map((m) => String(m.month_start))).toEqual([...MONTHS]);
    for (const m of months) {
      const month = String(m.month_start);
      const rows = ALL_EXPECTED_ROWS.filter((r) => r.month === month);
      expect({
        month,
        mrr_start: cents(m.mrr_start),
        new_mrr: cents(m.new_mrr),
        reactivation_mrr: cents(m.reactivation_mrr),
        expansion_mrr: cents(m.expansion_mrr),
        contraction_mrr: cents(m.contraction_mrr),
        churned_mrr: cents(m.churned_mrr),
        mrr_end: cents(m.mrr_end),
        net_new_mrr: cents(m.net_new_mrr),
        accounts_start: m.accounts_start,
        accounts_end: m.accounts_end,
        new_accounts: m.new_accounts,
        reactivated_accounts: m.reactivated_accounts,
        churned_accounts: m.churned_accounts,
      }).toEqual({
        month,
        mrr_start: expectedSum(month, 'start'),
        new_mrr: expectedSum(month, 'new'),
        reactivation_mrr: expectedSum(month, 'reactivation'),
        expansion_mrr: expectedSum(month, 'expansion'),
        contraction_mrr: expectedSum(month, 'contraction'),
        churned_mrr: expectedSum(month, 'churn'),
        mrr_end: expectedSum(month, 'end'),
        net_new_mrr: expectedSum(month, 'end') - expectedSum(month, 'start'),
        accounts_start: rows.filter((r) => r.start > 0).length,
        accounts_end: rows.filter((r) => r.end > 0).length,
        new_accounts: rows.filter((r) => r.movement === 'new').length,
        reactivated_accounts: rows.filter((r) => r.movement === 'reactivation').length,
        churned_accounts: rows.filter((r) => r.movement === 'churn').length,
      });
      // MRR_end = MRR_start + new + reactivation + expansion − contraction − churn.
      expect(cents(m.mrr_end)).toBe(
        cents(m.mrr_start) +
          cents(m.new_mrr) +
          cents(m.reactivation_mrr) +
          cents(m.expansion_mrr) -
          cents(m.contraction_mrr) -
          cents(m.churned_mrr),
      );
    }
    // Month ends by hand: 774 + 15; + 150 + 30 + 96 + 48 + 195 − 78; + 54 − 120 − 39;
    // + 45 − 78 − 15 − 150.
    const ends = [
      774 + 15,
      789 + 150 + 30 + 96 + 48 + 195 - 78,
      1230 + 54 - 120 - 39,
      1125 + 45 - 78 - 15 - 150,
    ];
    expect(months.map((m) => cents(m.mrr_end))).toEqual(ends.map(cents));
    // Each month opens where the previous one ended; in total, first opening + movements = last end.
    months.slice(1).forEach((m, i) => expect(cents(m.mrr_start)).toBe(cents(months[i]?.mrr_end)));
    const movements = months.reduce(
      (sum, m) =>
        sum +
        cents(m.new_mrr) +
        cents(m.reactivation_mrr) +
        cents(m.expansion_mrr) -
        cents(m.contraction_mrr) -
        cents(m.churned_mrr),
      0,
    );
    expect(cents(months[0]?.mrr_start) + movements).toBe(cents(months.at(-1)?.mrr_end));
    expect(cents(months.at(-1)?.mrr_end)).toBe(cents(927));
  });

  it('February by hand: logo churn, gross revenue churn, NRR, GRR, ARPA, ARR', async () => {
    // Opens (31 Jan) with 789 over 9 accounts; expansion 96 (upgrade) + 48 (lateUpgrade) + 195
    // (seats) = 339, churn 78 (churnAndBack), no contraction, new 150 + 30; ends (28 Feb) with 1230
    // over 10 accounts.
    const feb = await monthRow('mrr_movements', '2025-02-01');
    expect(feb.logo_churn_rate).toBeCloseTo(1 / 9, 12);
    expect(feb.gross_revenue_churn_rate).toBeCloseTo((78 + 0) / 789, 12);
    expect(feb.net_revenue_retention).toBeCloseTo((789 + 339 - 0 - 78) / 789, 12);
    expect(feb.gross_revenue_retention).toBeCloseTo((789 - 0 - 78) / 789, 12);
    expect(cents(feb.arpa)).toBe(cents(1230 / 10));
    const kpis = await monthRow('saas_kpis_monthly', '2025-02-01');
    expect(cents(kpis.mrr)).toBe(cents(1230));
    expect(cents(kpis.arr)).toBe(cents(12 * 1230));
    expect(kpis.active_accounts).toBe(10);
    expect(cents(kpis.arpa)).toBe(cents(123));
    expect(kpis.logo_churn_rate).toBeCloseTo(1 / 9, 12);
    expect(kpis.gross_revenue_churn_rate).toBeCloseTo(78 / 789, 12);
    expect(kpis.net_revenue_retention).toBeCloseTo(1050 / 789, 12);
    expect(kpis.gross_revenue_retention).toBeCloseTo(711 / 789, 12);
  });

  it('March and April by hand: contraction and churn in the rates', async () => {
    // March opens with 1230 over 10; contraction 120 (downgrade), churn 39 (involuntary), new 54
    // (twoSubscriptions, outside the retention rates); ends 1125 over 10.
    const mar = await monthRow('mrr_movements', '2025-03-01');
    expect(mar.logo_churn_rate).toBeCloseTo(1 / 10, 12);
    expect(mar.gross_revenue_churn_rate).toBeCloseTo((39 + 120) / 1230, 12);
    expect(mar.net_revenue_retention).toBeCloseTo((1230 - 120 - 39) / 1230, 12);
    expect(mar.gross_revenue_retention).toBeCloseTo((1230 - 120 - 39) / 1230, 12);
    expect(cents(mar.arpa)).toBe(cents(1125 / 10));
    // April opens with 1125 over 10; contraction 78 (seats) + 15 (twoSubscriptions), churn 150
    // (cancelAtPeriodEnd), reactivation 45 (churnAndBack, outside the retention rates); ends 927
    // over 10.
    const apr = await monthRow('mrr_movements', '2025-04-01');
    expect(apr.logo_churn_rate).toBeCloseTo(1 / 10, 12);
    expect(apr.gross_revenue_churn_rate).toBeCloseTo((150 + 78 + 15) / 1125, 12);
    expect(apr.net_revenue_retention).toBeCloseTo((1125 - 78 - 15 - 150) / 1125, 12);
    expect(apr.gross_revenue_retention).toBeCloseTo((1125 - 78 - 15 - 150) / 1125, 12);
    expect(cents(apr.arpa)).toBe(cents(927 / 10));
  });

  it('mrr_monthly: the month-end MRR by plan, and ARR = 12 × MRR', async () => {
    const rows = await project.query(
      `select cast(month_start as varchar) as month_start, cast(month_end as varchar) as month_end, plan_id,
         sum(mrr) as mrr, sum(arr) as arr, sum(paying_accounts) as paying
       from marts.mrr_monthly group by 1, 2, 3 order by month_start, plan_id`,
    );
    const got = rows.map((r) => [
      r.month_start,
      r.month_end,
      r.plan_id,
      cents(r.mrr),
      cents(r.arr),
      Number(r.paying),
    ]);
    const row = (month: number, plan: string, mrr: number, paying: number) => [
      MONTHS[month],
      MONTH_END[month],
      plan,
      cents(mrr),
      cents(12 * mrr),
      paying,
    ];
    expect(got).toEqual([
      // 31 Jan: enterprise annual 165; pro downgrade 195 + seats 117 + churnAndBack 78 + involuntary 39;
      // starter upgrade 60 + paymentRecovered 90 + newInJanuary 15 + lateUpgrade 30.
      row(0, 'enterprise', 165, 1),
      row(0, 'pro', 195 + 117 + 78 + 39, 4),
      row(0, 'starter', 60 + 90 + 15 + 30, 4),
      // 28 Feb: pro upgrade 156 + downgrade 195 + seats 312 + involuntary 39 + lateUpgrade 78;
      // starter cancelAtPeriodEnd 150 + trialConverts 30 + paymentRecovered 90 + newInJanuary 15.
      row(1, 'enterprise', 165, 1),
      row(1, 'pro', 156 + 195 + 312 + 39 + 78, 5),
      row(1, 'starter', 150 + 30 + 90 + 15, 4),
      // 31 Mar: the downgrade moved to starter, involuntary gone; twoSubscriptions (15 + 39) counts
      // under its main subscription's plan, pro.
      row(2, 'enterprise', 165, 1),
      row(2, 'pro', 156 + 312 + 78 + 54, 4),
      row(2, 'starter', 75 + 150 + 30 + 90 + 15, 5),
      // 10 Apr: seats at 6, cancelAtPeriodEnd gone, churnAndBack back on starter × 3,
      // twoSubscriptions down to its pro subscription.
      row(3, 'enterprise', 165, 1),
      row(3, 'pro', 156 + 234 + 78 + 39, 4),
      row(3, 'starter', 75 + 45 + 30 + 90 + 15, 5),
    ]);
  });

  describe('loaded one day at a time', () => {
    /**
     * The first days, across the end of January, with a change in the subscriptions every day (see
     * the quiet-day suite below for a day without one), the late upgrade of 31 January among them.
     * A run costs seconds, so the other 66 days follow as one range, which must then give the
     * warehouse of the single range run.
     */
    const WINDOW = datesBetween(FIRST_DAY, '2025-02-03');

    it('gives the same warehouse as one range run, and then as the whole range', async () => {
      const daily = await project.copy();
      const range = await project.copy();
      try {
        let last: RunResponse | undefined;
        for (const date of WINDOW) last = await daily.run({ date });
        // The last day replaced only the keys it touched in every mart: a row replaced (deleted and
        // inserted again) or fewer rows written than the mart holds; a whole rebuild deletes none
        // and writes them all.
        const counts = await daily.martRowCounts();
        const rebuilt = SAAS_MARTS.filter((mart) => {
          const rows = last?.summary.tasks.find((t) => t.task === mart)?.rows;
          return !rows || (rows.rowsDeleted === 0 && rows.rowsInserted >= (counts[mart] ?? 0));
        });
        expect(rebuilt).toEqual([]);
        await range.run({ from: FIRST_DAY, to: WINDOW.at(-1) });
        const window = await daily.checksums(MODEL_SCHEMAS);
        expect(window).toEqual(await range.checksums(MODEL_SCHEMAS));
        await daily.expectEveryMart(window);
        // Sanity: the window holds January (newInJanuary new) and a February so far (churnAndBack gone).
        const months = await daily.query(
          `select cast(month_start as varchar) as m, new_mrr, expansion_mrr, churned_mrr, mrr_end
           from marts.mrr_movements order by 1`,
        );
        expect(
          months.map((m) => [
            m.m,
            cents(m.new_mrr),
            cents(m.expansion_mrr),
            cents(m.churned_mrr),
            cents(m.mrr_end),
          ]),
        ).toEqual([
          ['2025-01-01', cents(15), 0, 0, cents(789)],
          // To 3 Feb: seats at 8 (+195), lateUpgrade (+48), cancelAtPeriodEnd new (+150), churnAndBack
          // churned (−78).
          ['2025-02-01', cents(150), cents(195 + 48), cents(78), cents(789 + 195 + 48 + 150 - 78)],
        ]);
        // The rest in one go: the same as the whole range in one run.
        await daily.run({ from: '2025-02-04', to: LAST_DAY });
        const whole = await daily.checksums(MODEL_SCHEMAS);
        expect(whole).toEqual(await project.checksums(MODEL_SCHEMAS));
        await daily.expectEveryMart(whole);
      } finally {
        await daily.dispose();
        await range.dispose();
      }
    }, 120_000);

    it('a day re-run with a changed subscriptions file leaves every mart equal to a full rebuild of the marts', async () => {
      // The file of 14 February loses trialConverts' conversion (so its trial, started in January,
      // never converts) and gains a late seat change of the annual account, effective on the 10th:
      // enterprise annual × 3 = 247.50 a month instead of 165, known from the 14th.
      const day = '2025-02-14';
      const rerun = await project.copy();
      try {
        await rerun.run({ from: FIRST_DAY, to: LAST_DAY });
        const records = feeds.files.subscriptions.get(day) ?? [];
        const annual = feeds.files.subscriptions
          .get(FIRST_DAY)
          ?.find((r) => r.subscription_id === 'SUB0000004' && r.change_type === 'initial_load');
        expect(records.some((r) => r.change_type === 'trial_converted')).toBe(true);
        expect(annual).toBeDefined();
        await rerun.writeFeed('subscriptions', day, [
          ...records.filter((r) => r.change_type !== 'trial_converted'),
          {
            ...annual,
            seats: 3,
            previous_seats: 2,
            change_type: 'seats_changed',
            effective_at: '2025-02-10T12:00:00Z',
          },
        ]);
        const dayTotal = async () =>
          cents(
            (
              await rerun.query(
                `select sum(mrr) as mrr from marts.mrr_daily where snapshot_date = date '${day}'`,
              )
            )[0]?.mrr,
          );
        const januaryTrials = async () =>
          (
            await rerun.query(
              `select trials_started, trials_converted from marts.saas_kpis_monthly
               where month_start = date '2025-01-01'`,
            )
          ).map((r) => [Number(r.trials_started), Number(r.trials_converted)]);
        const before = await dayTotal();
        expect(await januaryTrials()).toEqual([[2, 1]]);

        await rerun.run({ date: day });
        // The day's MRR lost the conversion (30) and gained the seat (82.50); the conversion is
        // gone from January's trials, a month the new file no longer names.
        expect(await dayTotal()).toBe(before - cents(30) + cents(82.5));
        expect(await januaryTrials()).toEqual([[2, 0]]);
        const incremental = await rerun.checksums(['marts']);
        await rerun.expectEveryMart(incremental);
        await rerun.run({ fullRefresh: true, select: [...SAAS_MARTS] });
        expect(await rerun.checksums(['marts'])).toEqual(incremental);
      } finally {
        await rerun.dispose();
      }
    }, 120_000);
  });
});

describe('SaaS pack: days without subscription changes, loaded one at a time', () => {
  // The subscriptions export runs every day; on 31 January (a month end) and on 2 February (the
  // last day loaded) nothing changed, so their files are empty.
  // - quiet: starter × 2 = 30 since 2024, unchanged throughout.
  // - leaver: pro × 1 = 39 since 2024; the first export also holds its cancellation at the end of
  //   its period, effective 2 February.
  // - newcomer: starter × 1 = 15 from 1 February.
  // Definitions: every day loaded has its snapshot; January ends on the 31st, February on the 2nd
  // (the last day loaded); MRR 69 at both ends of January; February: new 15, churn 39, ends at 45.
  const quiet = 'ACC0000101';
  const leaver = 'ACC0000102';
  const newcomer = 'ACC0000103';
  const days = datesBetween('2025-01-30', '2025-02-02');
  let project: SaasProject;

  beforeAll(async () => {
    const first = '2025-01-30';
    const f = new Feeds();
    f.plans(first);
    f.touch('transactions', first);
    f.touch('usage_events', first);
    f.account(quiet, 'Quiet Corp', '2024-04-30T10:00:00Z', first);
    f.account(leaver, 'Leaving Soon', '2024-06-02T10:00:00Z', first);
    f.account(newcomer, 'Newcomer Inc', '2025-02-01T10:00:00Z');
    f.subscription('SUB0000101', quiet, '2024-04-30', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 2,
      status: 'active',
    }).change('initial_load', '2024-04-30T10:00:00Z', {}, first);
    f.subscription('SUB0000102', leaver, '2024-06-02', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
      periodStart: '2025-01-02',
      periodEnd: '2025-02-02',
    })
      .change('initial_load', '2024-06-02T10:00:00Z', {}, first)
      .change(
        'canceled',
        '2025-02-02T10:00:00Z',
        { status: 'canceled', canceledAt: '2025-01-20T10:00:00Z', cancelReason: 'voluntary' },
        first,
      );
    f.subscription('SUB0000103', newcomer, '2025-02-01', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
    }).change('created', '2025-02-01T10:00:00Z');
    f.touch('subscriptions', '2025-01-31');
    f.touch('subscriptions', '2025-02-02');
    project = await SaasProject.create();
    await project.writeFeeds(f.files);
    for (const date of days) await project.run({ date });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('has a daily snapshot for every day loaded, the quiet ones too', async () => {
    const rows = await project.query(
      `select cast(snapshot_date as varchar) as day, account_id, mrr from warehouse.fact_subscription_daily
       order by 1, 2`,
    );
    expect(rows.map((r) => [r.day, r.account_id, cents(r.mrr)])).toEqual([
      ['2025-01-30', quiet, cents(30)],
      ['2025-01-30', leaver, cents(39)],
      ['2025-01-31', quiet, cents(30)],
      ['2025-01-31', leaver, cents(39)],
      ['2025-02-01', quiet, cents(30)],
      ['2025-02-01', leaver, cents(39)],
      ['2025-02-01', newcomer, cents(15)],
      ['2025-02-02', quiet, cents(30)],
      ['2025-02-02', newcomer, cents(15)],
    ]);
  });

  it('ends January on the quiet 31st, where nobody churned', async () => {
    const rows = (await project.query(`${MOVEMENTS_BY_ACCOUNT} where month_start = date '2025-01-01'`))
      .map(toMovementRow)
      .sort(byMonthAndAccount);
    expect(rows).toEqual([
      movementRow('2025-01-01', quiet, 'none', 30, 30),
      movementRow('2025-01-01', leaver, 'none', 39, 39),
    ]);
  });

  it('ends February on the last day loaded, when the cancellation took effect', async () => {
    const bounds = await project.query(
      `select distinct cast(opening_day as varchar) as opening_day, cast(month_end as varchar) as month_end
       from marts.account_mrr_monthly where month_start = date '2025-02-01'`,
    );
    expect(bounds).toEqual([{ opening_day: '2025-01-31', month_end: '2025-02-02' }]);
    const rows = (await project.query(`${MOVEMENTS_BY_ACCOUNT} where month_start = date '2025-02-01'`))
      .map(toMovementRow)
      .sort(byMonthAndAccount);
    expect(rows).toEqual([
      movementRow('2025-02-01', quiet, 'none', 30, 30),
      movementRow('2025-02-01', leaver, 'churn', 39, 0),
      movementRow('2025-02-01', newcomer, 'new', 0, 15),
    ]);
    const churned = await project.query(
      `select cast(month_start as varchar) as month_start, account_id, mrr_lost, cancel_reason
       from marts.churned_accounts`,
    );
    expect(churned).toEqual([
      { month_start: '2025-02-01', account_id: leaver, mrr_lost: 39, cancel_reason: 'voluntary' },
    ]);
  });
});

describe('SaaS pack: an account that left before the first day loaded comes back', () => {
  // winBack: pro × 2, canceled by the customer in November 2024 (so it paid before); the first export
  // (30 January) holds that canceled state. On 3 February it is reactivated on starter × 3 = 45.
  // stayer: starter × 1 = 15 throughout.
  const winBack = 'ACC0000201';
  const stayer = 'ACC0000202';
  let project: SaasProject;

  beforeAll(async () => {
    const f = new Feeds();
    const first = '2025-01-30';
    f.plans(first);
    f.touch('transactions', first);
    f.touch('usage_events', first);
    f.account(winBack, 'Win Back Ltd', '2023-05-02T10:00:00Z', first);
    f.account(stayer, 'Stayer Co', '2024-02-02T10:00:00Z', first);
    f.subscription('SUB0000201', winBack, '2023-05-02', {
      plan: 'pro',
      cycle: 'monthly',
      seats: 2,
      status: 'canceled',
      canceledAt: '2024-11-03T10:00:00Z',
      cancelReason: 'voluntary',
    })
      .change('initial_load', '2024-11-03T10:00:00Z', {}, first)
      .change('reactivated', '2025-02-03T10:00:00Z', {
        plan: 'starter',
        seats: 3,
        status: 'active',
        canceledAt: null,
        cancelReason: null,
      });
    f.subscription('SUB0000202', stayer, '2024-02-02', {
      plan: 'starter',
      cycle: 'monthly',
      seats: 1,
      status: 'active',
    }).change('initial_load', '2024-02-02T10:00:00Z', {}, first);
    project = await SaasProject.create();
    await project.writeFeeds(f.files);
    await project.run({ from: first, to: '2025-02-03' });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('is a reactivation (it had MRR before), not new MRR', async () => {
    const rows = (await project.query(MOVEMENTS_BY_ACCOUNT)).map(toMovementRow).sort(byMonthAndAccount);
    expect(rows).toEqual([
      movementRow('2025-01-01', stayer, 'none', 15, 15),
      movementRow('2025-02-01', winBack, 'reactivation', 0, 45),
      movementRow('2025-02-01', stayer, 'none', 15, 15),
    ]);
  });
});
