/**
 * The SaaS business (seed 000), simulated one day at a time: accounts sign up (trial or free),
 * trials convert or expire, paying subscriptions renew monthly or yearly, upgrade, downgrade,
 * change seats, fail payments (retried, then canceled), cancel with plan-specific hazards and
 * sometimes come back. Usage events follow plan, seats and the working week.
 */
import {
  addMonths,
  dayOfMonth,
  HOURLY_SAAS,
  IntradayProfile,
  saasSeasonality,
  SECONDS_PER_DAY,
} from './calendar.ts';
import { ACCOUNTS, PLANS, SUBSCRIPTIONS, TRANSACTIONS, USAGE_EVENTS } from './feeds.ts';
import type { RowWriter } from './feed-writer.ts';
import { AliasTable, hash32, Rng, SequenceIds, weightedIndex } from './prng.ts';
import {
  CITIES,
  COMPANY_SIZES,
  INDUSTRIES,
  SAAS_COMPANY_PREFIXES,
  SAAS_COMPANY_ROOTS,
  SAAS_COMPANY_SUFFIXES,
  SAAS_FEATURES,
} from './pools.ts';
import type { Row } from './schema.ts';

export const SAAS_VOLUME = {
  /** Accounts existing when the run starts, at scale 1. */
  accounts: 8_000,
  signupsPerDay: 25,
} as const;

export type SaasWriters = Record<
  'plans' | 'accounts' | 'subscriptions' | 'transactions' | 'usage_events',
  RowWriter
>;

export const SAAS_SPECS = { PLANS, ACCOUNTS, SUBSCRIPTIONS, TRANSACTIONS, USAGE_EVENTS };

export interface Plan {
  id: 'free' | 'starter' | 'pro' | 'enterprise';
  name: string;
  tier: number;
  monthlyCents: number;
  annualCents: number;
  maxSeats: number | null;
  trialDays: number;
  features: readonly string[];
  /** Monthly hazards: voluntary cancellation, upgrade, downgrade. */
  churn: number;
  upgrade: number;
  downgrade: number;
  /** Share of annual billing among paying subscriptions. */
  annualShare: number;
  /** Probability a seat's user is active on a weekday. */
  activity: number;
}

export const SAAS_PLANS: readonly Plan[] = [
  {
    id: 'free',
    name: 'Free',
    tier: 0,
    monthlyCents: 0,
    annualCents: 0,
    maxSeats: 3,
    trialDays: 0,
    features: ['dashboards', 'reports'],
    churn: 0.03,
    upgrade: 0.025,
    downgrade: 0,
    annualShare: 0,
    activity: 0.1,
  },
  {
    id: 'starter',
    name: 'Starter',
    tier: 1,
    monthlyCents: 1500,
    annualCents: 15000,
    maxSeats: 10,
    trialDays: 14,
    features: ['dashboards', 'reports', 'alerts', 'exports'],
    churn: 0.045,
    upgrade: 0.02,
    downgrade: 0.006,
    annualShare: 0.2,
    activity: 0.14,
  },
  {
    id: 'pro',
    name: 'Pro',
    tier: 2,
    monthlyCents: 3900,
    annualCents: 39000,
    maxSeats: 100,
    trialDays: 14,
    features: [
      'dashboards',
      'reports',
      'alerts',
      'exports',
      'integrations',
      'api',
      'automations',
      'collaboration',
    ],
    churn: 0.025,
    upgrade: 0.007,
    downgrade: 0.008,
    annualShare: 0.35,
    activity: 0.15,
  },
  {
    id: 'enterprise',
    name: 'Enterprise',
    tier: 3,
    monthlyCents: 9900,
    annualCents: 99000,
    maxSeats: null,
    trialDays: 30,
    features: SAAS_FEATURES,
    churn: 0.01,
    upgrade: 0,
    downgrade: 0.004,
    annualShare: 0.7,
    activity: 0.16,
  },
];

const TRIALING = 0;
const ACTIVE = 1;
const PAST_DUE = 2;
const CANCELED = 3;
const STATUS = ['trialing', 'active', 'past_due', 'canceled'] as const;
const CANCEL_REASON = [null, 'voluntary', 'payment_failed', 'trial_expired'] as const;
const PAYMENT_METHODS = ['card', 'sepa_debit', 'paypal', 'invoice'] as const;
const FAILURES = ['card_declined', 'insufficient_funds', 'expired_card', 'processing_error'] as const;
const FAILURE_WEIGHTS = [50, 25, 18, 7];

function planOf(i: number): Plan {
  return SAAS_PLANS[i] as Plan;
}

interface PendingRefund {
  account: number;
  transactionId: string;
  amountCents: number;
  second: number;
}

export class SaasSimulation {
  private n = 0;
  private plan: Uint8Array = new Uint8Array(0);
  private cycle: Uint8Array = new Uint8Array(0);
  private seats: Uint16Array = new Uint16Array(0);
  private status: Uint8Array = new Uint8Array(0);
  private startedDay: Int32Array = new Int32Array(0);
  private trialEnd: Int32Array = new Int32Array(0);
  private periodStart: Int32Array = new Int32Array(0);
  private periodEnd: Int32Array = new Int32Array(0);
  private anchor: Uint8Array = new Uint8Array(0);
  private canceledSecond: Float64Array = new Float64Array(0);
  private cancelReason: Uint8Array = new Uint8Array(0);
  private failures: Uint8Array = new Uint8Array(0);
  private retryDay: Int32Array = new Int32Array(0);
  private lastPaidPlan: Uint8Array = new Uint8Array(0);
  private city: Uint16Array = new Uint16Array(0);
  private industry: Uint8Array = new Uint8Array(0);
  private size: Uint8Array = new Uint8Array(0);
  private signupSecond: Float64Array = new Float64Array(0);
  private changedDay: Int32Array = new Int32Array(0);
  private accountEmittedDay: Int32Array = new Int32Array(0);
  private txSeq = 0;
  private readonly usageIds = new SequenceIds('UE', 12);
  private readonly refunds = new Map<number, PendingRefund[]>();
  private readonly cityAlias: AliasTable;
  private readonly intraday = new IntradayProfile(HOURLY_SAAS);

  constructor(
    private readonly seed: number,
    private readonly scale: number,
    private readonly firstDay: number,
    days: number,
  ) {
    this.cityAlias = new AliasTable(CITIES.map((c) => c.weight));
    const initial = Math.max(40, Math.round(SAAS_VOLUME.accounts * scale));
    this.reserve(initial + Math.ceil(SAAS_VOLUME.signupsPerDay * scale * days * 1.3) + 32);
    this.initAccounts(initial);
  }

  private reserve(capacity: number): void {
    const grow = <T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      if (capacity <= old.length) return old;
      const next = make(capacity);
      next.set(old);
      return next;
    };
    const u8 = (n: number): Uint8Array => new Uint8Array(n);
    const i32 = (n: number): Int32Array => new Int32Array(n);
    const f64 = (n: number): Float64Array => new Float64Array(n);
    this.plan = grow(this.plan, u8);
    this.cycle = grow(this.cycle, u8);
    this.seats = grow(this.seats, (n) => new Uint16Array(n));
    this.status = grow(this.status, u8);
    this.startedDay = grow(this.startedDay, i32);
    this.trialEnd = grow(this.trialEnd, i32);
    this.periodStart = grow(this.periodStart, i32);
    this.periodEnd = grow(this.periodEnd, i32);
    this.anchor = grow(this.anchor, u8);
    this.canceledSecond = grow(this.canceledSecond, f64);
    this.cancelReason = grow(this.cancelReason, u8);
    this.failures = grow(this.failures, u8);
    this.retryDay = grow(this.retryDay, i32);
    this.lastPaidPlan = grow(this.lastPaidPlan, u8);
    this.city = grow(this.city, (n) => new Uint16Array(n));
    this.industry = grow(this.industry, u8);
    this.size = grow(this.size, u8);
    this.signupSecond = grow(this.signupSecond, f64);
    const before = this.changedDay.length;
    this.changedDay = grow(this.changedDay, i32);
    this.accountEmittedDay = grow(this.accountEmittedDay, i32);
    this.changedDay.fill(-1, before);
    this.accountEmittedDay.fill(-1, before);
  }

  private seatsFor(rng: Rng, plan: number): number {
    switch (plan) {
      case 0:
        return 1 + rng.int(3);
      case 1:
        return Math.min(10, Math.max(1, Math.round(rng.logNormal(3, 0.6))));
      case 2:
        return Math.min(100, Math.max(2, Math.round(rng.logNormal(12, 0.7))));
      default:
        return Math.min(2000, Math.max(20, Math.round(rng.logNormal(60, 0.7))));
    }
  }

  private newAccount(rng: Rng, signupSecond: number): number {
    const i = this.n++;
    if (i >= this.plan.length) this.reserve(this.plan.length * 2);
    this.city[i] = this.cityAlias.sample(rng);
    this.industry[i] = rng.int(INDUSTRIES.length);
    this.size[i] = weightedIndex(rng, [30, 34, 20, 11, 5]);
    this.signupSecond[i] = signupSecond;
    const day = Math.floor(signupSecond / SECONDS_PER_DAY);
    this.startedDay[i] = day;
    this.anchor[i] = dayOfMonth(day);
    this.trialEnd[i] = -1;
    this.retryDay[i] = -1;
    return i;
  }

  /** The billing period containing `day` for a subscription anchored on `from`. */
  private currentPeriod(from: number, anchor: number, annual: boolean, day: number): [number, number] {
    const step = annual ? 12 : 1;
    let start = from;
    let k = 0;
    for (;;) {
      const next = addMonths(from, (k + 1) * step, anchor);
      if (next > day) return [start, next];
      start = next;
      k += 1;
    }
  }

  private initAccounts(initial: number): void {
    const rng = new Rng(this.seed, 'saas-init');
    for (let a = 0; a < initial; a++) {
      const signupDay = this.firstDay - 1 - Math.floor(Math.pow(rng.next(), 0.8) * 1095);
      const i = this.newAccount(rng, signupDay * SECONDS_PER_DAY + this.intraday.secondOfDay(rng.next()));
      const plan = weightedIndex(rng, [40, 32, 21, 7]);
      this.plan[i] = plan;
      this.lastPaidPlan[i] = plan;
      this.seats[i] = this.seatsFor(rng, plan);
      this.cycle[i] = plan > 0 && rng.chance(planOf(plan).annualShare) ? 1 : 0;
      const subStart = signupDay + (plan > 0 ? planOf(plan).trialDays : 0);
      this.anchor[i] = dayOfMonth(subStart);
      if (rng.chance(0.18)) {
        // Churned before the run started.
        this.status[i] = CANCELED;
        this.cancelReason[i] = 1;
        const span = Math.max(1, this.firstDay - 1 - subStart);
        const canceledDay = Math.min(this.firstDay - 1, subStart + rng.int(span));
        this.canceledSecond[i] = canceledDay * SECONDS_PER_DAY + this.intraday.secondOfDay(rng.next());
        const [ps, pe] = this.currentPeriod(
          subStart,
          this.anchor[i] as number,
          this.cycle[i] === 1,
          canceledDay,
        );
        this.periodStart[i] = ps;
        this.periodEnd[i] = pe;
        continue;
      }
      if (plan > 0 && subStart >= this.firstDay) {
        this.status[i] = TRIALING;
        this.trialEnd[i] = subStart - 1;
        this.periodStart[i] = -1;
        this.periodEnd[i] = -1;
        continue;
      }
      this.status[i] = ACTIVE;
      if (plan === 0) {
        this.periodStart[i] = -1;
        this.periodEnd[i] = -1;
      } else {
        const [ps, pe] = this.currentPeriod(
          subStart,
          this.anchor[i] as number,
          this.cycle[i] === 1,
          this.firstDay - 1,
        );
        this.periodStart[i] = ps;
        this.periodEnd[i] = pe;
      }
    }
  }

  // ── rendering ─────────────────────────────────────────────────────────────────────────────

  private accountId(i: number): string {
    return `ACC${String(i + 1).padStart(7, '0')}`;
  }

  private subscriptionId(i: number): string {
    return `SUB${String(i + 1).padStart(7, '0')}`;
  }

  private companyName(i: number): string {
    const h = hash32(this.seed, 'company', i);
    return `${SAAS_COMPANY_PREFIXES[h % SAAS_COMPANY_PREFIXES.length] as string}${SAAS_COMPANY_ROOTS[(h >>> 8) % SAAS_COMPANY_ROOTS.length] as string} ${SAAS_COMPANY_SUFFIXES[(h >>> 16) % SAAS_COMPANY_SUFFIXES.length] as string}`;
  }

  private domainOf(i: number): string {
    const slug = this.companyName(i)
      .split(' ')[0]!
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
    return `${slug}${(i + 1).toString(36)}.example.com`;
  }

  private paymentMethod(i: number): string {
    if (this.plan[i] === 3 && hash32(this.seed, 'pm', i) % 10 < 7) return 'invoice';
    return PAYMENT_METHODS[weightedIndexHash(hash32(this.seed, 'pm2', i), [70, 12, 8, 0])] as string;
  }

  private accountRow(i: number, updated: number): Row {
    const h = hash32(this.seed, 'site', i);
    return [
      this.accountId(i),
      this.companyName(i),
      `billing@${this.domainOf(i)}`,
      (CITIES[this.city[i] as number] as (typeof CITIES)[number]).country,
      INDUSTRIES[this.industry[i] as number] as string,
      COMPANY_SIZES[this.size[i] as number] as string,
      h % 5 === 0 ? null : `https://www.${this.domainOf(i)}`,
      this.signupSecond[i] as number,
      updated,
    ];
  }

  private async emitAccount(w: RowWriter, i: number, day: number, second: number): Promise<void> {
    if (this.accountEmittedDay[i] === day) return;
    this.accountEmittedDay[i] = day;
    if (w.write(this.accountRow(i, second))) await w.flush();
  }

  private unitPrice(i: number): number {
    const plan = planOf(this.plan[i] as number);
    return this.cycle[i] === 1 ? plan.annualCents : plan.monthlyCents;
  }

  private subscriptionRow(
    i: number,
    change: string,
    second: number,
    previousPlan: number | null = null,
    previousSeats: number | null = null,
  ): Row {
    const status = this.status[i] as number;
    const paid = this.plan[i] !== 0 && status !== TRIALING;
    return [
      this.subscriptionId(i),
      this.accountId(i),
      planOf(this.plan[i] as number).id,
      this.cycle[i] === 1 ? 'annual' : 'monthly',
      this.seats[i] as number,
      STATUS[status] as string,
      change,
      previousPlan === null ? null : planOf(previousPlan).id,
      previousSeats,
      this.unitPrice(i),
      second,
      this.startedDay[i] as number,
      (this.trialEnd[i] as number) >= 0 ? (this.trialEnd[i] as number) : null,
      paid && (this.periodStart[i] as number) >= 0 ? (this.periodStart[i] as number) : null,
      paid && (this.periodEnd[i] as number) >= 0 ? (this.periodEnd[i] as number) : null,
      status === CANCELED ? (this.canceledSecond[i] as number) : null,
      status === CANCELED ? CANCEL_REASON[this.cancelReason[i] as number] : null,
      hash32(this.seed, 'coupon', i) % 12 === 0 ? 'LAUNCH20' : null,
    ];
  }

  private async charge(
    rng: Rng,
    w: RowWriter,
    i: number,
    second: number,
    amountCents: number,
    description: string,
    canFail: boolean,
  ): Promise<boolean> {
    const method = this.paymentMethod(i);
    const failRate = method === 'invoice' ? 0.02 : 0.065;
    const failed = canFail && rng.chance(failRate);
    const id = `TX${String(++this.txSeq).padStart(10, '0')}`;
    if (
      w.write([
        id,
        this.accountId(i),
        this.subscriptionId(i),
        second,
        'charge',
        failed ? 'failed' : 'succeeded',
        amountCents,
        'USD',
        method,
        failed ? (FAILURES[weightedIndex(rng, FAILURE_WEIGHTS)] as string) : null,
        null,
        description,
      ])
    )
      await w.flush();
    if (!failed && rng.chance(0.015)) {
      const refundAt = second + 86_400 * (1 + rng.int(14)) + rng.int(3600);
      const day = Math.floor(refundAt / SECONDS_PER_DAY);
      const list = this.refunds.get(day) ?? [];
      list.push({ account: i, transactionId: id, amountCents, second: refundAt });
      this.refunds.set(day, list);
    }
    return !failed;
  }

  private periodAmount(i: number): number {
    return this.unitPrice(i) * (this.seats[i] as number);
  }

  private describe(i: number): string {
    return `${planOf(this.plan[i] as number).id} ${this.cycle[i] === 1 ? 'annual' : 'monthly'} × ${this.seats[i] as number} seats`;
  }

  private startPeriod(i: number, day: number): void {
    this.anchor[i] = dayOfMonth(day);
    this.periodStart[i] = day;
    this.periodEnd[i] = addMonths(day, this.cycle[i] === 1 ? 12 : 1, this.anchor[i] as number);
  }

  // ── the day ───────────────────────────────────────────────────────────────────────────────

  private async plansOfDay(day: number, w: RowWriter): Promise<void> {
    for (const plan of SAAS_PLANS) {
      if (
        w.write([
          plan.id,
          plan.name,
          plan.tier,
          plan.monthlyCents,
          plan.annualCents,
          'USD',
          plan.maxSeats,
          plan.trialDays,
          JSON.stringify(plan.features),
          day * SECONDS_PER_DAY + 60,
        ])
      )
        await w.flush();
    }
  }

  async runDay(day: number, writers: SaasWriters): Promise<void> {
    const rng = new Rng(this.seed, 'saas', day);
    const dayStart = day * SECONDS_PER_DAY;
    const at = (): number => dayStart + this.intraday.secondOfDay(rng.next());
    await this.plansOfDay(day, writers.plans);

    if (day === this.firstDay) {
      for (let i = 0; i < this.n; i++)
        await this.emitAccount(writers.accounts, i, day, this.signupSecond[i] as number);
      for (let i = 0; i < this.n; i++) {
        const status = this.status[i] as number;
        const since =
          status === CANCELED
            ? (this.canceledSecond[i] as number)
            : (this.periodStart[i] as number) >= 0
              ? (this.periodStart[i] as number) * SECONDS_PER_DAY + 3600
              : (this.signupSecond[i] as number);
        if (writers.subscriptions.write(this.subscriptionRow(i, 'initial_load', since)))
          await writers.subscriptions.flush();
      }
    }

    // Refunds of earlier charges.
    const refunds = this.refunds.get(day) ?? [];
    this.refunds.delete(day);
    for (const r of refunds) {
      if (
        writers.transactions.write([
          `TX${String(++this.txSeq).padStart(10, '0')}`,
          this.accountId(r.account),
          this.subscriptionId(r.account),
          r.second,
          'refund',
          'succeeded',
          r.amountCents,
          'USD',
          this.paymentMethod(r.account),
          null,
          r.transactionId,
          'refund requested by customer',
        ])
      )
        await writers.transactions.flush();
    }

    // Profile changes (company grows, site changes).
    const profileChanges = rng.poisson(this.n * 0.0004);
    for (let k = 0; k < profileChanges; k++) {
      const i = rng.int(this.n);
      if (rng.chance(0.7) && (this.size[i] as number) < COMPANY_SIZES.length - 1)
        this.size[i] = (this.size[i] as number) + 1;
      else this.industry[i] = rng.int(INDUSTRIES.length);
      await this.emitAccount(writers.accounts, i, day, at());
    }

    // Existing subscriptions.
    const existing = this.n;
    for (let i = 0; i < existing; i++) await this.advance(rng, day, i, writers, at);

    // Signups.
    const signups = rng.poisson(SAAS_VOLUME.signupsPerDay * this.scale * saasSeasonality(day));
    for (let k = 0; k < signups; k++) {
      const second = at();
      const i = this.newAccount(rng, second);
      await this.emitAccount(writers.accounts, i, day, second);
      this.changedDay[i] = day;
      if (rng.chance(0.65)) {
        const plan = 1 + weightedIndex(rng, [55, 35, 10]);
        this.plan[i] = plan;
        this.lastPaidPlan[i] = plan;
        this.seats[i] = this.seatsFor(rng, plan);
        this.cycle[i] = 0;
        this.status[i] = TRIALING;
        this.trialEnd[i] = day + planOf(plan).trialDays - 1;
        this.periodStart[i] = -1;
        this.periodEnd[i] = -1;
        if (writers.subscriptions.write(this.subscriptionRow(i, 'trial_started', second)))
          await writers.subscriptions.flush();
      } else {
        this.plan[i] = 0;
        this.seats[i] = 1 + rng.int(3);
        this.status[i] = ACTIVE;
        this.periodStart[i] = -1;
        this.periodEnd[i] = -1;
        if (writers.subscriptions.write(this.subscriptionRow(i, 'created', second)))
          await writers.subscriptions.flush();
      }
    }

    await this.usageOfDay(day, writers.usage_events);
  }

  /** One account's subscription on one day: trial end, renewal, retries, hazards. */
  private async advance(
    rng: Rng,
    day: number,
    i: number,
    writers: SaasWriters,
    at: () => number,
  ): Promise<void> {
    const status = this.status[i] as number;
    const plan = this.plan[i] as number;
    const subs = writers.subscriptions;
    const tx = writers.transactions;
    if (status === TRIALING) {
      if (day <= (this.trialEnd[i] as number)) return;
      const second = dayStart(day) + 3600 + rng.int(7200);
      this.changedDay[i] = day;
      if (rng.chance(plan === 2 ? 0.5 : 0.42)) {
        this.status[i] = ACTIVE;
        this.cycle[i] = rng.chance(planOf(plan).annualShare * 0.6) ? 1 : 0;
        this.startPeriod(i, day);
        const paid = await this.charge(rng, tx, i, second, this.periodAmount(i), this.describe(i), false);
        void paid;
        if (subs.write(this.subscriptionRow(i, 'trial_converted', second))) await subs.flush();
      } else if (rng.chance(0.6)) {
        this.plan[i] = 0;
        this.seats[i] = Math.min(3, this.seats[i] as number);
        this.status[i] = ACTIVE;
        if (subs.write(this.subscriptionRow(i, 'trial_expired', second, plan))) await subs.flush();
      } else {
        this.status[i] = CANCELED;
        this.cancelReason[i] = 3;
        this.canceledSecond[i] = second;
        if (subs.write(this.subscriptionRow(i, 'trial_expired', second, plan))) await subs.flush();
      }
      return;
    }
    if (status === CANCELED) {
      // Win-back: accounts that paid before sometimes return.
      const hazard = this.cancelReason[i] === 3 ? 0.004 : 0.015;
      if ((this.lastPaidPlan[i] as number) > 0 && rng.chance(hazard / 30)) {
        const second = at();
        this.changedDay[i] = day;
        this.plan[i] = Math.max(1, this.lastPaidPlan[i] as number);
        this.status[i] = ACTIVE;
        this.cycle[i] = 0;
        this.failures[i] = 0;
        this.cancelReason[i] = 0;
        this.startPeriod(i, day);
        await this.charge(rng, tx, i, second, this.periodAmount(i), this.describe(i), false);
        if (subs.write(this.subscriptionRow(i, 'reactivated', second))) await subs.flush();
      }
      return;
    }
    if (status === PAST_DUE) {
      if (day !== this.retryDay[i]) return;
      const second = dayStart(day) + 2 * 3600 + rng.int(3600);
      this.changedDay[i] = day;
      const ok = await this.charge(
        rng,
        tx,
        i,
        second,
        this.periodAmount(i),
        `${this.describe(i)} (retry)`,
        true,
      );
      if (ok) {
        this.status[i] = ACTIVE;
        this.failures[i] = 0;
        this.retryDay[i] = -1;
        this.startPeriod(i, this.periodEnd[i] as number);
        if (subs.write(this.subscriptionRow(i, 'payment_recovered', second))) await subs.flush();
      } else if ((this.failures[i] as number) >= 3) {
        this.status[i] = CANCELED;
        this.cancelReason[i] = 2;
        this.canceledSecond[i] = second;
        this.retryDay[i] = -1;
        if (subs.write(this.subscriptionRow(i, 'canceled', second))) await subs.flush();
      } else {
        this.failures[i] = (this.failures[i] as number) + 1;
        this.retryDay[i] = day + 2 + (this.failures[i] as number);
      }
      return;
    }
    // Active.
    if (plan > 0 && day >= (this.periodEnd[i] as number) && (this.periodEnd[i] as number) >= 0) {
      const second = dayStart(day) + 2 * 3600 + rng.int(3600);
      this.changedDay[i] = day;
      const renewalStart = this.periodEnd[i] as number;
      if (this.cycle[i] === 0 && rng.chance(0.03)) this.cycle[i] = 1;
      const ok = await this.charge(rng, tx, i, second, this.periodAmount(i), this.describe(i), true);
      if (ok) {
        this.startPeriod(i, renewalStart);
        if (subs.write(this.subscriptionRow(i, 'renewed', second))) await subs.flush();
      } else {
        this.status[i] = PAST_DUE;
        this.failures[i] = 1;
        this.retryDay[i] = day + 3;
        if (subs.write(this.subscriptionRow(i, 'payment_failed', second))) await subs.flush();
      }
      return;
    }
    if (this.changedDay[i] === day) return;
    const p = planOf(plan);
    const u = rng.next() * 30;
    let acc = p.churn;
    if (u < acc) {
      const second = at();
      this.changedDay[i] = day;
      this.status[i] = CANCELED;
      this.cancelReason[i] = 1;
      this.canceledSecond[i] = second;
      if (subs.write(this.subscriptionRow(i, 'canceled', second))) await subs.flush();
      return;
    }
    acc += p.upgrade;
    if (u < acc && plan < 3) {
      const second = at();
      this.changedDay[i] = day;
      const oldAmount = this.periodAmount(i);
      this.plan[i] = plan + 1;
      this.lastPaidPlan[i] = plan + 1;
      const maxSeats = planOf(plan + 1).maxSeats ?? 5000;
      this.seats[i] = Math.min(maxSeats, Math.max(this.seats[i] as number, plan + 1 === 3 ? 20 : 1));
      if (plan === 0) {
        this.cycle[i] = 0;
        this.startPeriod(i, day);
        await this.charge(rng, tx, i, second, this.periodAmount(i), this.describe(i), true);
      } else {
        const prorated = this.prorate(i, day, this.periodAmount(i) - oldAmount);
        if (prorated > 0)
          await this.charge(rng, tx, i, second, prorated, `${this.describe(i)} (proration)`, true);
      }
      if (subs.write(this.subscriptionRow(i, 'upgraded', second, plan))) await subs.flush();
      return;
    }
    acc += p.downgrade;
    if (u < acc && plan > 0) {
      const second = at();
      this.changedDay[i] = day;
      this.plan[i] = plan - 1;
      const maxSeats = planOf(plan - 1).maxSeats ?? 5000;
      this.seats[i] = Math.min(maxSeats, this.seats[i] as number);
      if (plan - 1 === 0) {
        this.cycle[i] = 0;
        this.periodStart[i] = -1;
        this.periodEnd[i] = -1;
      }
      if (subs.write(this.subscriptionRow(i, 'downgraded', second, plan))) await subs.flush();
      return;
    }
    acc += plan > 0 ? 0.05 : 0;
    if (u < acc) {
      const second = at();
      this.changedDay[i] = day;
      const before = this.seats[i] as number;
      const maxSeats = p.maxSeats ?? 5000;
      const delta = Math.max(1, Math.round(before * (0.05 + rng.next() * 0.25)));
      const grow = rng.chance(0.68);
      const after = Math.max(1, Math.min(maxSeats, grow ? before + delta : before - delta));
      if (after === before) return;
      const oldAmount = this.periodAmount(i);
      this.seats[i] = after;
      if (after > before) {
        const prorated = this.prorate(i, day, this.periodAmount(i) - oldAmount);
        if (prorated > 0)
          await this.charge(rng, tx, i, second, prorated, `${this.describe(i)} (seats added)`, true);
      }
      if (subs.write(this.subscriptionRow(i, 'seats_changed', second, null, before))) await subs.flush();
      return;
    }
    acc += plan > 0 && this.cycle[i] === 0 ? 0.004 : 0;
    if (u < acc) {
      const second = at();
      this.changedDay[i] = day;
      this.cycle[i] = 1;
      this.startPeriod(i, day);
      await this.charge(rng, tx, i, second, this.periodAmount(i), this.describe(i), true);
      if (subs.write(this.subscriptionRow(i, 'billing_cycle_changed', second))) await subs.flush();
    }
  }

  private prorate(i: number, day: number, difference: number): number {
    const start = this.periodStart[i] as number;
    const end = this.periodEnd[i] as number;
    if (difference <= 0 || end <= start) return 0;
    return Math.round((difference * Math.max(0, end - day)) / (end - start));
  }

  // ── usage ─────────────────────────────────────────────────────────────────────────────────

  /** One row array reused for every usage event (the writer keeps no reference). */
  private readonly usageScratch: Row = new Array<Row[number]>(9).fill(null);

  private async usageOfDay(day: number, w: RowWriter): Promise<void> {
    const rng = new Rng(this.seed, 'usage', day);
    const season = saasSeasonality(day);
    const dayStart0 = dayStart(day);
    const lastSecond = dayStart0 + SECONDS_PER_DAY - 1;
    const version = `4.${Math.max(0, Math.floor((day - 19_000) / 14))}.${day % 3}`;
    const row = this.usageScratch;
    for (let i = 0; i < this.n; i++) {
      const status = this.status[i] as number;
      if (status === CANCELED) continue;
      const plan = planOf(this.plan[i] as number);
      const seats = this.seats[i] as number;
      const activity = (status === TRIALING ? 0.3 : plan.activity) * season;
      const users = rng.poisson(seats * activity);
      if (users === 0) continue;
      const account = this.accountId(i);
      // One session per active user: a login, then actions in time order.
      for (let u = 0; u < users; u++) {
        const user = `${account}-U${rng.int(seats) + 1}`;
        const pu = rng.next();
        const platform = pu < 0.72 ? 'web' : pu < 0.87 ? 'desktop' : pu < 0.94 ? 'ios' : 'android';
        let second = dayStart0 + this.intraday.secondOfDay(rng.next());
        const clientVersion = platform === 'web' ? null : version;
        row[0] = this.usageIds.next();
        row[1] = second;
        row[2] = account;
        row[3] = user;
        row[4] = 'login';
        row[5] = null;
        row[6] = platform;
        row[7] = null;
        row[8] = clientVersion;
        if (w.write(row)) await w.flush();
        const actions = rng.poisson(2.6);
        for (let a = 0; a < actions; a++) {
          second = Math.min(lastSecond, second + 10 + Math.floor(rng.exponential(90)));
          const x = rng.next();
          let type: string;
          let feature: string | null = null;
          let duration: number | null = null;
          let eventPlatform = platform;
          if (x < 0.55) {
            type = 'feature_used';
            const k = Math.floor(Math.pow(rng.next(), 1.8) * plan.features.length);
            feature = plan.features[Math.min(plan.features.length - 1, k)] as string;
            duration = 500 + Math.floor(rng.exponential(40_000));
          } else if (x < 0.85) {
            type = 'page_view';
            duration = 200 + Math.floor(rng.exponential(15_000));
          } else if (x < 0.93 && plan.features.includes('api')) {
            type = 'api_call';
            eventPlatform = 'api';
            feature = 'api';
          } else if (x < 0.98) {
            type = 'export';
            feature = plan.features.includes('exports') ? 'exports' : 'reports';
          } else {
            type = 'invite_sent';
            feature = plan.features.includes('collaboration') ? 'collaboration' : null;
          }
          row[0] = this.usageIds.next();
          row[1] = second;
          row[4] = type;
          row[5] = feature;
          row[6] = eventPlatform;
          row[7] = duration;
          row[8] = eventPlatform === 'web' || eventPlatform === 'api' ? null : clientVersion;
          if (w.write(row)) await w.flush();
        }
      }
    }
  }
}

function dayStart(day: number): number {
  return day * SECONDS_PER_DAY;
}

function weightedIndexHash(h: number, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = ((h % 10_000) / 10_000) * total;
  for (let k = 0; k < weights.length; k++) {
    x -= weights[k] as number;
    if (x < 0) return k;
  }
  return weights.length - 1;
}
