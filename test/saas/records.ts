/**
 * Hand-written raw SaaS records, in the shapes `strata generate --domain saas` writes: the price
 * list, accounts, a subscription's change log (each record the full state after a change),
 * transactions and usage events. A `Feeds` collects them under the date of the file that delivers
 * them, ready for `SaasProject.writeFeeds`.
 */
import type { RawRecord, SaasFeed } from './pack.ts';

export type PlanId = 'free' | 'starter' | 'pro' | 'enterprise';
export type Cycle = 'monthly' | 'annual';
export type Status = 'trialing' | 'active' | 'past_due' | 'canceled';
export type CancelReason = 'voluntary' | 'payment_failed' | 'trial_expired';
export type ChangeType =
  | 'initial_load'
  | 'created'
  | 'trial_started'
  | 'trial_converted'
  | 'trial_expired'
  | 'upgraded'
  | 'downgraded'
  | 'seats_changed'
  | 'billing_cycle_changed'
  | 'renewed'
  | 'payment_failed'
  | 'payment_recovered'
  | 'canceled'
  | 'reactivated';

/** Prices per seat: per month on monthly billing, per year on annual billing (USD). */
export const PRICES: Record<PlanId, Record<Cycle, number>> = {
  free: { monthly: 0, annual: 0 },
  starter: { monthly: 15, annual: 150 },
  pro: { monthly: 39, annual: 390 },
  enterprise: { monthly: 99, annual: 990 },
};

/** The price list snapshot, stamped `updatedAt`. */
export function priceList(updatedAt: string): RawRecord[] {
  const tiers: PlanId[] = ['free', 'starter', 'pro', 'enterprise'];
  return tiers.map((plan, tier) => ({
    plan_id: plan,
    name: plan[0]?.toUpperCase() + plan.slice(1),
    tier,
    monthly_price: PRICES[plan].monthly,
    annual_price: PRICES[plan].annual,
    currency: 'USD',
    max_seats: plan === 'free' ? 3 : plan === 'enterprise' ? null : 100,
    trial_days: plan === 'free' ? 0 : 14,
    features: ['dashboards', 'reports'],
    updated_at: updatedAt,
  }));
}

/** The day of an ISO timestamp ('2025-02-15T09:30:00Z' → '2025-02-15'). */
export const dayOf = (timestamp: string): string => timestamp.slice(0, 10);

/** Records of every feed by the date of the file that delivers them. */
export class Feeds {
  readonly files: Record<SaasFeed, Map<string, RawRecord[]>> = {
    plans: new Map(),
    accounts: new Map(),
    subscriptions: new Map(),
    transactions: new Map(),
    usage_events: new Map(),
  };

  add(feed: SaasFeed, file: string, record: RawRecord): void {
    const byDate = this.files[feed];
    byDate.set(file, [...(byDate.get(file) ?? []), record]);
  }

  /** An empty file of `feed` for `date` (an export that ran and found nothing), unless it has records. */
  touch(feed: SaasFeed, date: string): void {
    if (!this.files[feed].has(date)) this.files[feed].set(date, []);
  }

  plans(file: string): void {
    for (const plan of priceList(`${file}T00:01:00Z`)) this.add('plans', file, plan);
  }

  /** An account record, delivered on the day it signed up unless `file` says otherwise. */
  account(id: string, name: string, signupAt: string, file: string = dayOf(signupAt)): void {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
    this.add('accounts', file, {
      account_id: id,
      company_name: name,
      email: `billing@${slug}.example.com`,
      country: 'US',
      industry: 'software',
      company_size: '11-50',
      website: null,
      signup_at: signupAt,
      updated_at: signupAt,
    });
  }

  /** A subscription whose changes are added to these feeds as they are recorded. */
  subscription(id: string, account: string, startedAt: string, state: SubscriptionState): Subscription {
    return new Subscription(this, id, account, startedAt, state);
  }

  charge(
    id: string,
    sub: Subscription,
    createdAt: string,
    amount: number,
    failure: string | null = null,
  ): void {
    this.transaction(id, sub, createdAt, 'charge', failure ? 'failed' : 'succeeded', amount, failure, null);
  }

  refund(id: string, sub: Subscription, createdAt: string, amount: number, refunded: string): void {
    this.transaction(id, sub, createdAt, 'refund', 'succeeded', amount, null, refunded);
  }

  private transaction(
    id: string,
    sub: Subscription,
    createdAt: string,
    type: 'charge' | 'refund',
    status: 'succeeded' | 'failed',
    amount: number,
    failure: string | null,
    refunded: string | null,
  ): void {
    this.add('transactions', dayOf(createdAt), {
      transaction_id: id,
      account_id: sub.account,
      subscription_id: sub.id,
      created_at: createdAt,
      type,
      status,
      amount: amount.toFixed(2),
      currency: 'USD',
      payment_method: 'card',
      failure_code: failure,
      refunded_transaction_id: refunded,
      description: `${type} of ${sub.id}`,
    });
  }

  /** A usage event of user `user` of `account`. */
  event(id: string, time: string, account: string, user: string, feature: string | null = null): void {
    this.add('usage_events', dayOf(time), {
      event_id: id,
      event_time: time,
      account_id: account,
      user_id: `${account}-${user}`,
      event_type: feature ? 'feature_used' : 'login',
      feature,
      platform: 'web',
      duration_ms: feature ? 30_000 : null,
      app_version: '5.0.0',
    });
  }
}

export interface SubscriptionState {
  plan: PlanId;
  cycle: Cycle;
  seats: number;
  status: Status;
  periodStart?: string | null;
  periodEnd?: string | null;
  trialEnd?: string | null;
  canceledAt?: string | null;
  cancelReason?: CancelReason | null;
}

/** One subscription's change log: every change writes the full state after it. */
export class Subscription {
  private state: SubscriptionState;

  constructor(
    private readonly feeds: Feeds,
    readonly id: string,
    readonly account: string,
    private readonly startedAt: string,
    state: SubscriptionState,
  ) {
    this.state = state;
  }

  /**
   * Records `change` taking effect at `effectiveAt`, with the state `patch` gives, in the file of
   * `file` (the day it takes effect unless said otherwise: a late or an early delivery).
   */
  change(
    change: ChangeType,
    effectiveAt: string,
    patch: Partial<SubscriptionState> = {},
    file: string = dayOf(effectiveAt),
  ): this {
    const before = this.state;
    const after = { ...before, ...patch };
    this.state = after;
    this.feeds.add('subscriptions', file, {
      subscription_id: this.id,
      account_id: this.account,
      plan_id: after.plan,
      billing_cycle: after.cycle,
      seats: after.seats,
      status: after.status,
      change_type: change,
      previous_plan_id: after.plan !== before.plan ? before.plan : null,
      previous_seats: after.seats !== before.seats ? before.seats : null,
      unit_price: PRICES[after.plan][after.cycle],
      effective_at: effectiveAt,
      started_at: this.startedAt,
      trial_end: after.trialEnd ?? null,
      current_period_start: after.periodStart ?? null,
      current_period_end: after.periodEnd ?? null,
      canceled_at: after.canceledAt ?? null,
      cancel_reason: after.cancelReason ?? null,
      coupon_code: null,
    });
    return this;
  }
}
