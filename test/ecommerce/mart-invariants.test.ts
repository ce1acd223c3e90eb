/**
 * The marts the raw-file recomputation does not cover, held to what their definitions imply:
 * breakdowns add up to their totals, rates are the ratios they claim, RFM scores are quintiles,
 * cohorts start at 100%, attribution never invents revenue, inventory figures follow the daily
 * snapshots. Each identity is computed here from the warehouse facts, not read back from the mart
 * it checks. They hold with the products from the product files and from the product API (the
 * fixture API serving the generated catalogue, with 500s and 429s to retry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureApi } from '../../src/fixture-api/index.ts';
import { PackProject, cents } from './pack.ts';

const DATA = { start: '2025-01-20', days: 45, scale: 0.01, seed: 7, defects: 0 };
const LAST = '2025-03-05';

const num = (value: unknown) => Number(value);

const PRODUCTS_API_ENV = 'STRATA_PRODUCTS_API_URL';

describe.each(['files', 'api'] as const)(
  'e-commerce marts (products from the %s): identities that follow from their definitions',
  (products) => {
    let project: PackProject;

    beforeAll(async () => {
      project = await PackProject.withData(DATA);
      if (products === 'files') {
        await project.run({ from: DATA.start, to: LAST });
        return;
      }
      const api = await startFixtureApi({ seed: DATA.seed, scale: DATA.scale, faults: '500:0.2,429:0.2@0' });
      const before = process.env[PRODUCTS_API_ENV];
      process.env[PRODUCTS_API_ENV] = api.url;
      try {
        const response = await project.run({ from: DATA.start, to: LAST });
        const failed = response.summary.checks.filter((c) => c.severity === 'error' && c.status !== 'pass');
        expect(failed.map((c) => c.checkId)).toEqual([]);
        const [served] = await project.query('select count(*) as n from staging.stg_products where from_api');
        expect(Number(served?.n)).toBeGreaterThan(0);
      } finally {
        if (before === undefined) delete process.env[PRODUCTS_API_ENV];
        else process.env[PRODUCTS_API_ENV] = before;
        await api.close();
      }
    });

    afterAll(async () => {
      await project?.dispose();
    });

    it('sales_by_dimension: every dimension adds up to daily_sales net revenue, day by day', async () => {
      const rows = await project.query(`
      select b.dimension, count(*) as days,
             count(*) filter (where round(b.net * 100) <> round(d.net_revenue * 100)) as mismatched
      from (select sale_date, dimension, sum(net_revenue) as net from marts.sales_by_dimension group by 1, 2) as b
      join marts.daily_sales as d on d.sale_date = b.sale_date
      group by b.dimension order by 1`);
      expect(rows.map((r) => r.dimension)).toEqual(['category', 'channel', 'payment_method', 'region']);
      for (const row of rows) {
        expect(num(row.days)).toBeGreaterThanOrEqual(DATA.days);
        expect(num(row.mismatched), String(row.dimension)).toBe(0);
      }
      const channels = await project.query(
        `select distinct dimension_value as v from marts.sales_by_dimension where dimension = 'channel' order by 1`,
      );
      expect(channels.map((r) => r.v)).toContain('store');
    });

    it('monthly_sales: revenue is the sum of its days; customers are distinct, so at most the sum of daily customers', async () => {
      const rows = await project.query(`
      select m.month_start, m.net_revenue, m.customers, d.net, d.customer_days, m.orders, d.orders as day_orders
      from marts.monthly_sales as m
      join (select cast(date_trunc('month', sale_date) as date) as month_start, sum(net_revenue) as net,
                   sum(customers) as customer_days, sum(orders) as orders
            from marts.daily_sales group by 1) as d on d.month_start = m.month_start
      order by 1`);
      expect(rows.length).toBe(3);
      for (const row of rows) {
        expect(cents(row.net_revenue)).toBe(cents(row.net));
        expect(num(row.orders)).toBe(num(row.day_orders));
        expect(num(row.customers)).toBeLessThanOrEqual(num(row.customer_days));
      }
    });

    it('executive_kpis: month-over-month change is (this − previous) / previous of monthly_sales', async () => {
      const rows = await project.query(`
      select k.month_start, k.net_revenue, k.net_revenue_change, m.net_revenue as monthly
      from marts.executive_kpis as k join marts.monthly_sales as m on m.month_start = k.month_start
      order by 1`);
      expect(rows[0]?.net_revenue_change).toBeNull();
      for (let i = 1; i < rows.length; i++) {
        const previous = num(rows[i - 1]?.monthly);
        const expected = (num(rows[i]?.monthly) - previous) / previous;
        expect(num(rows[i]?.net_revenue_change)).toBeCloseTo(expected, 4);
      }
    });

    it('product_performance: margin = net revenue − cost of goods; ranks are 1..n within each category', async () => {
      const [totals] = await project.query(`
      select sum(net_revenue) as net, sum(margin) as margin, sum(cost_of_goods) as cost
      from marts.product_performance`);
      const [facts] = await project.query(`
      select sum(net_revenue) as net, sum(cost_amount) as cost
      from warehouse.sales_lines where counts_as_sale and product_id <> 0`);
      expect(cents(totals?.net)).toBe(cents(facts?.net));
      expect(cents(totals?.cost)).toBe(cents(facts?.cost));
      expect(cents(totals?.margin)).toBe(cents(num(facts?.net) - num(facts?.cost)));
      const ranks = await project.query(`
      select category, count(*) as n, min(rank_in_category) as lo, max(rank_in_category) as hi,
             count(distinct rank_in_category) as distinct_ranks
      from marts.product_performance group by category`);
      expect(ranks.length).toBeGreaterThan(3);
      for (const row of ranks) {
        expect([num(row.lo), num(row.hi), num(row.distinct_ranks)]).toEqual([1, num(row.n), num(row.n)]);
      }
    });

    it('customer_metrics: RFM scores are quintiles of equal size and segments cover every customer', async () => {
      const scores = await project.query(`
      select r_score as score, count(*) as n from marts.customer_metrics group by 1 order by 1`);
      expect(scores.map((r) => num(r.score))).toEqual([1, 2, 3, 4, 5]);
      const sizes = scores.map((r) => num(r.n));
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      const [unsegmented] = await project.query(`
      select count(*) as n from marts.customer_metrics
      where rfm_segment is null or churn_risk not in ('low', 'medium', 'high')`);
      expect(num(unsegmented?.n)).toBe(0);
      // The most recent buyers score 5 on recency.
      const [recent] = await project.query(`
      select min(r_score) as lowest from marts.customer_metrics where last_order_date = as_of_date`);
      expect(num(recent?.lowest)).toBe(5);
    });

    it('cohort_retention: month 0 is the whole cohort; cohorts add up to the buying customers', async () => {
      const rows = await project.query(`
      select cohort_month, months_since_first, cohort_size, active_customers, retention_rate
      from marts.cohort_retention order by 1, 2`);
      const monthZero = rows.filter((r) => num(r.months_since_first) === 0);
      expect(monthZero.length).toBe(3);
      for (const row of monthZero) {
        expect(num(row.active_customers)).toBe(num(row.cohort_size));
        expect(num(row.retention_rate)).toBe(1);
      }
      for (const row of rows) expect(num(row.active_customers)).toBeLessThanOrEqual(num(row.cohort_size));
      const [customers] = await project.query(`select count(*) as n from marts.customer_metrics`);
      expect(monthZero.reduce((sum, r) => sum + num(r.cohort_size), 0)).toBe(num(customers?.n));
    });

    it('campaign_attribution: attributes each counted order at most once, never more revenue than was sold', async () => {
      const [attributed] = await project.query(`
      select sum(attributed_orders) as orders, sum(attributed_revenue) as revenue,
             count(*) filter (where budget > 0 and abs(roas - attributed_revenue / budget) > 0.0001) as bad_roas
      from marts.campaign_attribution`);
      const [sold] = await project.query(`
      select count(*) as orders, sum(net_revenue) as revenue from warehouse.fact_orders where counts_as_sale`);
      expect(num(attributed?.orders)).toBeGreaterThan(0);
      expect(num(attributed?.orders)).toBeLessThanOrEqual(num(sold?.orders));
      expect(cents(attributed?.revenue)).toBeLessThanOrEqual(cents(sold?.revenue));
      expect(num(attributed?.bad_roas)).toBe(0);
    });

    it('inventory_performance: stock-out days and units sold are those of the daily snapshots', async () => {
      const [mart] = await project.query(`
      select sum(stockout_days) as stockouts, sum(units_sold) as units, sum(snapshot_days) as days
      from marts.inventory_performance`);
      const [facts] = await project.query(`
      select count(*) filter (where on_hand_qty = 0) as stockouts, sum(units_sold) as units, count(*) as days
      from warehouse.fact_inventory_daily`);
      expect(num(mart?.days)).toBe(num(facts?.days));
      expect(num(mart?.stockouts)).toBe(num(facts?.stockouts));
      expect(num(mart?.units)).toBe(num(facts?.units));
      const [cover] = await project.query(`
      select count(*) as n from marts.inventory_performance
      where units_sold > 0 and abs(days_of_cover - closing_on_hand / (units_sold / snapshot_days)) > 0.06`);
      expect(num(cover?.n)).toBe(0);
    });

    it('sessions_daily and funnel_daily count the same sessions', async () => {
      const [row] = await project.query(`
      select count(*) as days, count(*) filter (where s.sessions <> f.sessions
        or s.purchasing_sessions <> f.purchase_sessions) as mismatched
      from marts.sessions_daily as s join marts.funnel_daily as f on f.session_date = s.session_date`);
      expect(num(row?.days)).toBeGreaterThanOrEqual(DATA.days);
      expect(num(row?.mismatched)).toBe(0);
    });

    it('visitor_journeys: one row per visitor, sessions add up to fact_sessions', async () => {
      const [row] = await project.query(`
      select (select sum(sessions) from marts.visitor_journeys) as journey_sessions,
             (select count(*) from warehouse.fact_sessions) as sessions,
             (select count(*) from marts.visitor_journeys where furthest_step = 'purchase') as buyers,
             (select count(*) from marts.visitor_journeys where first_purchase_at is not null) as with_purchase`);
      expect(num(row?.journey_sessions)).toBe(num(row?.sessions));
      expect(num(row?.buyers)).toBeGreaterThan(0);
      expect(num(row?.buyers)).toBe(num(row?.with_purchase));
    });
    it('customer_days: per day, as many customers and as much revenue as daily_sales', async () => {
      const [row] = await project.query(`
      select count(*) as days,
             count(*) filter (where d.customers <> c.customers or abs(d.net_revenue - c.net_revenue) > 0.005) as mismatched
      from marts.daily_sales as d
      join (select sale_date, count(customer_id) as customers, sum(net_revenue) as net_revenue
            from marts.customer_days group by sale_date) as c on c.sale_date = d.sale_date`);
      expect(num(row?.days)).toBeGreaterThanOrEqual(DATA.days);
      expect(num(row?.mismatched)).toBe(0);
    });
  },
);
