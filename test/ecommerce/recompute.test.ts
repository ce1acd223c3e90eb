/**
 * The warehouse and marts against an independent recomputation from the raw files
 * (independent-reader.ts: plain JSON/CSV/zlib, money in integer cents), on clean generated data
 * loaded with one range run. Every comparison is to the cent and, where cheap, row by row (per
 * order, per day), so a difference names what differs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventDates,
  funnel,
  readEvents,
  readOrderRecords,
  readSales,
  sessionise,
  summariseOrders,
  type FunnelCounts,
  type RawOrder,
  type RawSale,
} from './independent-reader.ts';
import { PackProject } from './pack.ts';

const DATA = { start: '2025-03-01', days: 21, scale: 0.01, seed: 11, defects: 0 };
const LAST = '2025-03-21';

/** SQL: an amount column or sum as integer cents. */
const sqlCents = (expression: string) => `cast(round(${expression} * 100) as bigint)`;

function increment<K>(map: Map<K, number>, key: K, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** A map as a plain object with sorted keys, for readable diffs. */
function sorted<V>(map: Map<string, V>): Record<string, V> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

describe('e-commerce pack against a recomputation from the raw files', () => {
  let project: PackProject;
  let orders: Map<string, RawOrder>;
  let sales: RawSale[];
  let funnels: Map<string, FunnelCounts>;

  beforeAll(async () => {
    project = await PackProject.withData(DATA);
    orders = summariseOrders(await readOrderRecords(project.dataDir));
    sales = await readSales(project.dataDir);
    funnels = new Map();
    for (const date of await eventDates(project.dataDir)) {
      funnels.set(date, funnel(sessionise(await readEvents(project.dataDir, date))));
    }
    await project.run({ from: DATA.start, to: LAST });
  });

  afterAll(async () => {
    await project?.dispose();
  });

  it('reads a meaningful amount of data (or the comparisons would prove little)', () => {
    expect(orders.size).toBeGreaterThan(300);
    const statuses = new Set([...orders.values()].map((o) => o.status));
    expect([...statuses].sort()).toEqual(['cancelled', 'completed', 'placed', 'returned', 'shipped']);
    expect(sales.length).toBeGreaterThan(50);
    expect(funnels.size).toBe(DATA.days);
    expect([...funnels.values()].reduce((sum, f) => sum + f.purchase, 0)).toBeGreaterThan(DATA.days);
  });

  describe('online orders', () => {
    it('fact_orders holds every order with its status, day, customer and net revenue', async () => {
      const rows = await project.query(
        `select order_id, customer_id, cast(order_date as varchar) as order_date, status, counts_as_sale,
                cast(load_date as varchar) as load_date, ${sqlCents('net_revenue')} as net_cents,
                ${sqlCents('gross_revenue')} as gross_cents, ${sqlCents('discount_amount')} as discount_cents,
                lines, units
         from warehouse.fact_orders order by order_id`,
      );
      const expected = [...orders.values()]
        .sort((a, b) => a.orderId.localeCompare(b.orderId))
        .map((o) => ({
          order_id: o.orderId,
          customer_id: o.customerId,
          order_date: o.orderDate,
          status: o.status,
          counts_as_sale: o.counted,
          load_date: o.firstFileDate,
          net_cents: o.netCents,
          gross_cents: o.grossCents,
          discount_cents: o.discountCents,
          lines: o.lines.length,
          units: o.units,
        }));
      expect(rows.length).toBe(orders.size);
      expect(rows).toEqual(expected);
    });

    it('orders per status', async () => {
      const rows = await project.query(
        'select status, count(*) as n from warehouse.fact_orders group by status',
      );
      const expected = new Map<string, number>();
      for (const o of orders.values()) increment(expected, o.status, 1);
      expect(sorted(new Map(rows.map((r) => [String(r.status), Number(r.n)])))).toEqual(sorted(expected));
    });

    it('Σ net revenue per order day, all orders and counted orders, to the cent', async () => {
      const rows = await project.query(
        `select cast(order_date as varchar) as day, ${sqlCents('sum(net_revenue)')} as all_cents,
                ${sqlCents('sum(case when counts_as_sale then net_revenue else 0 end)')} as counted_cents,
                sum(case when counts_as_sale then 1 else 0 end) as counted_orders
         from warehouse.fact_orders group by order_date`,
      );
      const expected = new Map<
        string,
        { all_cents: number; counted_cents: number; counted_orders: number }
      >();
      for (const o of orders.values()) {
        const day = expected.get(o.orderDate) ?? { all_cents: 0, counted_cents: 0, counted_orders: 0 };
        day.all_cents += o.netCents;
        if (o.counted) {
          day.counted_cents += o.netCents;
          day.counted_orders += 1;
        }
        expected.set(o.orderDate, day);
      }
      const actual = new Map(
        rows.map((r) => [
          String(r.day),
          {
            all_cents: Number(r.all_cents),
            counted_cents: Number(r.counted_cents),
            counted_orders: Number(r.counted_orders),
          },
        ]),
      );
      expect(sorted(actual)).toEqual(sorted(expected));
    });

    it('fact_order_items holds every line of the first record, and adds up to fact_orders', async () => {
      const lines = await project.query(
        `select order_id, line_number, product_id, quantity, ${sqlCents('unit_price')} as unit_price_cents,
                ${sqlCents('discount_amount')} as discount_cents, ${sqlCents('net_revenue')} as net_cents
         from warehouse.fact_order_items order by order_id, line_number`,
      );
      const expected = [...orders.values()]
        .sort((a, b) => a.orderId.localeCompare(b.orderId))
        .flatMap((o) =>
          [...o.lines]
            .sort((a, b) => a.lineNumber - b.lineNumber)
            .map((l) => ({
              order_id: o.orderId,
              line_number: l.lineNumber,
              product_id: l.productId,
              quantity: l.quantity,
              unit_price_cents: l.unitPriceCents,
              discount_cents: l.discountCents,
              net_cents: l.quantity * l.unitPriceCents - l.discountCents,
            })),
        );
      expect(lines).toEqual(expected);
      const [totals] = await project.query(
        `select (select ${sqlCents('sum(net_revenue)')} from warehouse.fact_order_items) as items_cents,
                (select ${sqlCents('sum(net_revenue)')} from warehouse.fact_orders) as orders_cents`,
      );
      expect(totals?.items_cents).toBe(totals?.orders_cents);
      expect(totals?.orders_cents).toBe([...orders.values()].reduce((sum, o) => sum + o.netCents, 0));
    });
  });

  it('store sales: count and Σ total_amount per day, to the cent', async () => {
    const rows = await project.query(
      `select cast(sale_date as varchar) as day, count(*) as n, ${sqlCents('sum(net_revenue)')} as cents
       from warehouse.fact_store_sales group by sale_date`,
    );
    const expected = new Map<string, { n: number; cents: number }>();
    for (const s of sales) {
      const day = expected.get(s.saleDate) ?? { n: 0, cents: 0 };
      day.n += 1;
      day.cents += s.totalCents;
      expected.set(s.saleDate, day);
    }
    const actual = new Map(rows.map((r) => [String(r.day), { n: Number(r.n), cents: Number(r.cents) }]));
    expect(sorted(actual)).toEqual(sorted(expected));
  });

  it('sessions (30 minutes of inactivity) and the funnel, every day', async () => {
    const rows = await project.query(
      `select cast(load_date as varchar) as day, count(*) as sessions,
              sum(case when reached_product_view then 1 else 0 end) as product_view,
              sum(case when reached_add_to_cart then 1 else 0 end) as add_to_cart,
              sum(case when reached_checkout then 1 else 0 end) as checkout,
              sum(case when reached_purchase then 1 else 0 end) as purchase
       from warehouse.fact_sessions group by load_date`,
    );
    const actual = new Map(
      rows.map((r) => [
        String(r.day),
        {
          sessions: Number(r.sessions),
          product_view: Number(r.product_view),
          add_to_cart: Number(r.add_to_cart),
          checkout: Number(r.checkout),
          purchase: Number(r.purchase),
        },
      ]),
    );
    expect(sorted(actual)).toEqual(sorted(funnels));
  });

  describe('marts', () => {
    /** Counted purchases of both channels: online orders neither cancelled nor returned, and store sales. */
    const purchases = () => [
      ...[...orders.values()]
        .filter((o) => o.counted)
        .map((o) => ({ id: o.orderId, customerId: o.customerId, day: o.orderDate, netCents: o.netCents })),
      ...sales.map((s) => ({
        id: s.transactionId,
        customerId: s.customerId,
        day: s.saleDate,
        netCents: s.totalCents,
      })),
    ];

    it('daily_sales: orders, customers, revenue, cancellations and returns per day, to the cent', async () => {
      const rows = await project.query(
        `select cast(sale_date as varchar) as day, orders, customers, new_customers, returning_customers,
                ${sqlCents('gross_revenue')} as gross_cents, ${sqlCents('discounts')} as discount_cents,
                ${sqlCents('net_revenue')} as net_cents, cancelled_orders, returned_orders
         from marts.daily_sales`,
      );
      interface Day {
        orders: number;
        customers: number;
        new_customers: number;
        returning_customers: number;
        gross_cents: number;
        discount_cents: number;
        net_cents: number;
        cancelled_orders: number;
        returned_orders: number;
      }
      const days = new Map<string, Day & { buyers: Set<string> }>();
      const day = (date: string) => {
        let d = days.get(date);
        if (!d) {
          d = {
            orders: 0,
            customers: 0,
            new_customers: 0,
            returning_customers: 0,
            gross_cents: 0,
            discount_cents: 0,
            net_cents: 0,
            cancelled_orders: 0,
            returned_orders: 0,
            buyers: new Set(),
          };
          days.set(date, d);
        }
        return d;
      };
      for (const o of orders.values()) {
        const d = day(o.orderDate);
        if (o.status === 'cancelled') d.cancelled_orders += 1;
        if (o.status === 'returned') d.returned_orders += 1;
        if (!o.counted) continue;
        d.orders += 1;
        d.gross_cents += o.grossCents;
        d.discount_cents += o.discountCents;
        d.net_cents += o.netCents;
        d.buyers.add(o.customerId);
      }
      for (const s of sales) {
        const d = day(s.saleDate);
        d.orders += 1;
        d.gross_cents += s.quantity * s.unitPriceCents;
        d.net_cents += s.totalCents;
        d.buyers.add(s.customerId);
      }
      const firstDay = new Map<string, string>();
      for (const p of purchases()) {
        const seen = firstDay.get(p.customerId);
        if (seen === undefined || p.day < seen) firstDay.set(p.customerId, p.day);
      }
      const expected = new Map<string, Day>();
      for (const [date, { buyers, ...d }] of days) {
        const fresh = [...buyers].filter((c) => firstDay.get(c) === date).length;
        expected.set(date, {
          ...d,
          customers: buyers.size,
          new_customers: fresh,
          returning_customers: buyers.size - fresh,
        });
      }
      const actual = new Map(
        rows.map((r) => {
          const { day: date, ...rest } = r;
          return [
            String(date),
            Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, Number(v)])) as unknown as Day,
          ];
        }),
      );
      expect(sorted(actual)).toEqual(sorted(expected));
    });

    it('daily_sales adds up: Σ net revenue = counted order lines + store sales', async () => {
      const [row] = await project.query(
        `select (select ${sqlCents('sum(net_revenue)')} from marts.daily_sales) as daily_cents,
                (select ${sqlCents('sum(net_revenue)')} from warehouse.fact_order_items where counts_as_sale) as lines_cents,
                (select ${sqlCents('sum(net_revenue)')} from warehouse.fact_store_sales) as store_cents`,
      );
      expect(Number(row?.daily_cents)).toBe(Number(row?.lines_cents) + Number(row?.store_cents));
      expect(Number(row?.daily_cents)).toBe(purchases().reduce((sum, p) => sum + p.netCents, 0));
    });

    it('funnel_daily: sessions reaching each step, every day', async () => {
      const rows = await project.query(
        `select cast(session_date as varchar) as day, sessions, product_view_sessions, add_to_cart_sessions,
                checkout_sessions, purchase_sessions
         from marts.funnel_daily`,
      );
      const actual = new Map(
        rows.map((r) => [
          String(r.day),
          {
            sessions: Number(r.sessions),
            product_view: Number(r.product_view_sessions),
            add_to_cart: Number(r.add_to_cart_sessions),
            checkout: Number(r.checkout_sessions),
            purchase: Number(r.purchase_sessions),
          },
        ]),
      );
      expect(sorted(actual)).toEqual(sorted(funnels));
    });

    it('customer_metrics: lifetime value, orders, first and last order of sample customers', async () => {
      const byCustomer = new Map<
        string,
        { orders: number; ltv: number; first: string; last: string; channels: Set<string> }
      >();
      for (const p of purchases()) {
        const c = byCustomer.get(p.customerId) ?? {
          orders: 0,
          ltv: 0,
          first: p.day,
          last: p.day,
          channels: new Set(),
        };
        c.orders += 1;
        c.ltv += p.netCents;
        if (p.day < c.first) c.first = p.day;
        if (p.day > c.last) c.last = p.day;
        c.channels.add(p.id.startsWith('T') ? 'store' : 'online');
        byCustomer.set(p.customerId, c);
      }
      // Spread over the ids, plus the most frequent buyer and a buyer in both channels.
      const ids = [...byCustomer.keys()].sort();
      const sample = new Set([0, 0.33, 0.66].map((q) => ids[Math.floor(q * (ids.length - 1))] as string));
      sample.add([...byCustomer.entries()].sort(([, a], [, b]) => b.orders - a.orders)[0]?.[0] as string);
      const both = ids.find((id) => byCustomer.get(id)?.channels.size === 2 && !sample.has(id));
      expect(both).toBeDefined();
      sample.add(both as string);
      expect(sample.size).toBe(5);
      const rows = await project.query(
        `select customer_id, orders, ${sqlCents('lifetime_value')} as ltv,
                cast(first_order_date as varchar) as first, cast(last_order_date as varchar) as last
         from marts.customer_metrics
         where customer_id in (${[...sample].map((id) => `'${id}'`).join(', ')}) order by customer_id`,
      );
      const expected = [...sample].sort().map((id) => {
        const c = byCustomer.get(id);
        return { customer_id: id, orders: c?.orders, ltv: c?.ltv, first: c?.first, last: c?.last };
      });
      expect(rows).toEqual(expected);
      const [count] = await project.query('select count(*) as n from marts.customer_metrics');
      expect(count?.n).toBe(byCustomer.size);
    });
  });
});
