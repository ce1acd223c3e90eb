/**
 * Sanity checks that the generated business behaves like one: weekly and holiday seasonality,
 * long-tailed product popularity, segment-dependent repeat buying, a plausible funnel, campaigns
 * that bring traffic, stock that depletes and is restocked, and SaaS churn within bounds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOfWeek, parseDay } from './calendar.ts';
import { generate, type Manifest } from './index.ts';

interface Order {
  order_id: string;
  customer_id: string;
  status: string;
  placed_at: string;
  campaign_id: string | null;
  items: { product_id: number; quantity: number; unit_price: number }[];
}

let root: string;
let shop: string;
let holidays: string;
let saas: string;

function filesOf(out: string, feed: string): string[] {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  return manifest.files.filter((f) => f.feed === feed).map((f) => join(out, f.path));
}

function placedOrders(out: string): Order[] {
  return filesOf(out, 'ecommerce/orders').flatMap((path) =>
    (JSON.parse(readFileSync(path, 'utf8')) as Order[]).filter((o) => o.status === 'placed'),
  );
}

function csvRows(path: string): Record<string, string>[] {
  const [header = '', ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header.split(',');
  // Clean clickstream has no quoted fields.
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i] ?? '', v])));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'strata-realism-'));
  shop = join(root, 'shop');
  holidays = join(root, 'holidays');
  saas = join(root, 'saas');
  const common = { defects: 0, seed: 7, threads: 0 } as const;
  await generate({ ...common, domain: 'ecommerce', start: '2025-03-03', days: 28, scale: 0.05, out: shop });
  await generate({
    ...common,
    domain: 'ecommerce',
    start: '2025-11-14',
    days: 16,
    scale: 0.01,
    out: holidays,
  });
  await generate({ ...common, domain: 'saas', start: '2025-01-01', days: 90, scale: 0.1, out: saas });
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('e-commerce realism', () => {
  it('sells more per day at the weekend than on weekdays', () => {
    const perDay = new Map<string, number>();
    for (const o of placedOrders(shop)) {
      const day = o.placed_at.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const weekend: number[] = [];
    const weekday: number[] = [];
    for (const [day, n] of perDay) {
      const dow = dayOfWeek(parseDay(day));
      (dow === 0 || dow === 6 ? weekend : weekday).push(n);
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(weekend) / mean(weekday)).toBeGreaterThan(1.08);
  });

  it('peaks on Black Friday', () => {
    const perDay = new Map<string, number>();
    for (const o of placedOrders(holidays)) {
      const day = o.placed_at.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const blackFriday = perDay.get('2025-11-28') ?? 0;
    const weekBefore = ['2025-11-17', '2025-11-18', '2025-11-19', '2025-11-20', '2025-11-21'].map(
      (d) => perDay.get(d) ?? 0,
    );
    const average = weekBefore.reduce((a, b) => a + b, 0) / weekBefore.length;
    expect(blackFriday / average).toBeGreaterThan(2);
  });

  it('has long-tailed product popularity: the top 10% of products take more than 40% of revenue', () => {
    const revenue = new Map<number, number>();
    for (const o of placedOrders(shop)) {
      for (const item of o.items)
        revenue.set(item.product_id, (revenue.get(item.product_id) ?? 0) + item.quantity * item.unit_price);
    }
    const products = JSON.parse(
      readFileSync(filesOf(shop, 'ecommerce/products')[0] as string, 'utf8'),
    ) as unknown[];
    const sorted = [...revenue.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top = sorted.slice(0, Math.ceil(products.length * 0.1)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.4);
  });

  it('has customers whose segment predicts how often they buy again', () => {
    const segment = new Map<string, string>();
    for (const line of readFileSync(filesOf(shop, 'ecommerce/customers')[0] as string, 'utf8')
      .trim()
      .split('\n')) {
      const c = JSON.parse(line) as { customer_id: string; segment: string };
      segment.set(c.customer_id, c.segment);
    }
    const orders = new Map<string, number>();
    for (const o of placedOrders(shop)) orders.set(o.customer_id, (orders.get(o.customer_id) ?? 0) + 1);
    const rate = (s: string): number => {
      const ids = [...segment].filter(([, seg]) => seg === s).map(([id]) => id);
      return ids.reduce((sum, id) => sum + (orders.get(id) ?? 0), 0) / ids.length;
    };
    expect(rate('vip')).toBeGreaterThan(2 * rate('regular'));
    expect(rate('regular')).toBeGreaterThan(1.5 * rate('occasional'));
    const repeat = [...orders.values()].filter((n) => n > 1).length / orders.size;
    expect(repeat).toBeGreaterThan(0.1);
  });

  it('converts 2–4% of sessions into purchases through the funnel', () => {
    const steps = new Map<string, Set<string>>();
    for (const path of filesOf(shop, 'ecommerce/events')) {
      for (const e of csvRows(path)) {
        const set = steps.get(e.event_type ?? '') ?? new Set<string>();
        set.add(e.session_id ?? '');
        steps.set(e.event_type ?? '', set);
      }
    }
    const n = (step: string): number => steps.get(step)?.size ?? 0;
    const sessions = n('page_view');
    expect(n('purchase') / sessions).toBeGreaterThan(0.02);
    expect(n('purchase') / sessions).toBeLessThan(0.04);
    expect(n('product_view')).toBeLessThan(sessions);
    expect(n('add_to_cart')).toBeLessThan(n('product_view'));
    expect(n('checkout')).toBeLessThan(n('add_to_cart'));
    expect(n('purchase')).toBeLessThan(n('checkout'));
  });

  it('has campaigns that bring tagged traffic and attributed orders', () => {
    const orders = placedOrders(shop);
    const attributed = orders.filter((o) => o.campaign_id !== null).length / orders.length;
    expect(attributed).toBeGreaterThan(0.02);
    expect(attributed).toBeLessThan(0.4);
    const landings = filesOf(shop, 'ecommerce/events').flatMap((p) =>
      csvRows(p).filter((e) => e.event_type === 'page_view'),
    );
    expect(landings.filter((e) => e.utm_campaign !== '').length).toBeGreaterThan(0);
  });

  it('depletes and restocks inventory, keeping the stock identity', async () => {
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    const glob = join(shop, 'ecommerce', 'inventory', '*.parquet');
    const reader = await connection.runAndReadAll(`
      WITH s AS (
        SELECT *, lag(on_hand_qty) OVER (PARTITION BY warehouse_id, product_id ORDER BY snapshot_date) AS before
        FROM read_parquet('${glob}'))
      SELECT
        count(*) FILTER (WHERE before IS NOT NULL AND on_hand_qty <> before - units_sold + units_received + units_returned) AS broken,
        sum(units_sold) AS sold, sum(units_received) AS received,
        count(*) FILTER (WHERE on_hand_qty = 0) AS stockouts,
        count(*) FILTER (WHERE on_hand_qty < 0) AS negative
      FROM s`);
    const [row] = reader.getRowObjectsJson();
    connection.closeSync();
    duck.closeSync();
    expect(row).toBeDefined();
    expect(Number(row?.broken)).toBe(0);
    expect(Number(row?.negative)).toBe(0);
    expect(Number(row?.sold)).toBeGreaterThan(1000);
    expect(Number(row?.received)).toBeGreaterThan(0);
    expect(Number(row?.stockouts)).toBeGreaterThan(0);
  });
});

describe('SaaS realism', () => {
  interface Change {
    account_id: string;
    plan_id: string;
    status: string;
    change_type: string;
    effective_at: string;
  }

  function changes(): Change[] {
    return filesOf(saas, 'saas/subscriptions').flatMap((path) =>
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Change),
    );
  }

  /** Accounts paying at the end of a day: a paid plan, active or past due. */
  function payingAt(all: Change[], endOf: string): Map<string, string> {
    const latest = new Map<string, Change>();
    for (const c of all) {
      if (c.effective_at.slice(0, 10) > endOf) continue;
      const prev = latest.get(c.account_id);
      if (!prev || prev.effective_at <= c.effective_at) latest.set(c.account_id, c);
    }
    const paying = new Map<string, string>();
    for (const [id, c] of latest) {
      if (c.plan_id !== 'free' && (c.status === 'active' || c.status === 'past_due'))
        paying.set(id, c.plan_id);
    }
    return paying;
  }

  it('loses 1–8% of paying accounts a month, fewer on bigger plans', () => {
    const all = changes();
    const months: [string, string][] = [
      ['2025-01-31', '2025-02-28'],
      ['2025-02-28', '2025-03-31'],
    ];
    const lostByPlan = new Map<string, [number, number]>();
    for (const [start, end] of months) {
      const before = payingAt(all, start);
      const after = payingAt(all, end);
      let lost = 0;
      for (const [id, plan] of before) {
        const counts = lostByPlan.get(plan) ?? [0, 0];
        counts[1] += 1;
        if (!after.has(id)) {
          lost += 1;
          counts[0] += 1;
        }
        lostByPlan.set(plan, counts);
      }
      const churn = lost / before.size;
      expect(churn, `${start}..${end}`).toBeGreaterThan(0.01);
      expect(churn, `${start}..${end}`).toBeLessThan(0.08);
    }
    const rate = (plan: string): number => {
      const [lost, base] = lostByPlan.get(plan) ?? [0, 1];
      return lost / base;
    };
    expect(rate('starter')).toBeGreaterThan(rate('enterprise'));
  });

  it('has trials that convert or expire, upgrades, downgrades, seat changes and reactivations', () => {
    const types = new Set(changes().map((c) => c.change_type));
    for (const t of [
      'trial_started',
      'trial_converted',
      'trial_expired',
      'upgraded',
      'downgraded',
      'seats_changed',
      'canceled',
      'reactivated',
      'renewed',
      'payment_failed',
    ]) {
      expect(types, t).toContain(t);
    }
  });

  it('fails a few percent of charges and refunds some', () => {
    const rows = filesOf(saas, 'saas/transactions').flatMap((p) => csvRows(p));
    const charges = rows.filter((r) => r.type === 'charge');
    const failed = charges.filter((r) => r.status === 'failed').length / charges.length;
    expect(failed).toBeGreaterThan(0.02);
    expect(failed).toBeLessThan(0.12);
    expect(rows.some((r) => r.type === 'refund')).toBe(true);
  });

  it('has usage that is busier on weekdays and differs by plan', async () => {
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    const glob = join(saas, 'saas', 'usage_events', '*.ndjson.gz');
    const reader = await connection.runAndReadAll(`
      SELECT
        count(*) FILTER (WHERE dayofweek(event_time::TIMESTAMP) IN (0, 6)) / 2.0 AS weekend_day,
        count(*) FILTER (WHERE dayofweek(event_time::TIMESTAMP) BETWEEN 1 AND 5) / 5.0 AS weekday_day,
        count(*) FILTER (WHERE feature = 'sso') AS sso
      FROM read_ndjson('${glob}')`);
    const [row] = reader.getRowObjectsJson();
    connection.closeSync();
    duck.closeSync();
    expect(Number(row?.weekday_day)).toBeGreaterThan(2 * Number(row?.weekend_day));
    expect(Number(row?.sso)).toBeGreaterThan(0);
  });
});
