import { dateLiteral } from '../time/dates.ts';

/**
 * What `strata demo` can show: a template to create the project from, the generator domain that
 * feeds it, and the headline numbers read from its marts. A second pack (SaaS) is one more entry
 * in DEMO_PACKS.
 */
export interface DemoPack {
  /** The pack's name (`demo --pack`), recorded in the demo project's marker file. */
  name: string;
  /** The template `initProject` copies. */
  template: string;
  /** The `generate` domain whose files the template's sources read. */
  domain: 'ecommerce' | 'saas';
  /** "an e-commerce shop", for the summary's first line. */
  title: string;
  /** A first query to suggest, against one of the pack's marts. */
  exampleQuery: string;
  /** The headline numbers, each read from one mart. */
  headline: readonly HeadlineQuery[];
}

/** One SELECT against one mart, giving one or more metrics from its single result row. */
export interface HeadlineQuery {
  /** The mart read, `schema.name` as `strata status` shows it. */
  mart: string;
  /** The SQL, portable between DuckDB and PostgreSQL, for the run's load-date window. */
  sql: (window: { from: string; to: string }) => string;
  metrics: readonly HeadlineMetric[];
}

export interface HeadlineMetric {
  key: string;
  label: string;
  kind: DemoMetricKind;
  /** The column of the result row holding the value. */
  column: string;
  /** For a "best of" metric: the column with the amount that made it best, and what it is. */
  amountColumn?: string;
  amountLabel?: string;
}

export type DemoMetricKind = 'money' | 'count' | 'percent' | 'month' | 'text';

const money = (expression: string) => `CAST(${expression} AS DOUBLE PRECISION)`;
const between = (column: string, window: { from: string; to: string }) =>
  `${column} BETWEEN ${dateLiteral(window.from)} AND ${dateLiteral(window.to)}`;

/**
 * The e-commerce marts the pack commits to:
 *   marts.monthly_sales(month_start, orders, customers, gross_revenue, discounts, net_revenue, average_order_value)
 *   marts.sales_by_dimension(sale_date, dimension, dimension_value, orders, units, gross_revenue, net_revenue)
 *   marts.customer_metrics(customer_id, lifetime_value, orders, ...)
 */
const ECOMMERCE: DemoPack = {
  name: 'ecommerce',
  template: 'ecommerce',
  domain: 'ecommerce',
  title: 'an e-commerce shop',
  exampleQuery: 'select * from marts.monthly_sales',
  headline: [
    {
      mart: 'marts.monthly_sales',
      sql: (w) =>
        `SELECT ${money('sum(net_revenue)')} AS net_revenue, CAST(sum(orders) AS BIGINT) AS orders,
                ${money('sum(net_revenue) / nullif(sum(orders), 0)')} AS average_order_value
         FROM marts.monthly_sales WHERE ${between('month_start', w)}`,
      metrics: [
        { key: 'net_revenue', label: 'Net revenue', kind: 'money', column: 'net_revenue' },
        { key: 'orders', label: 'Orders (online and in store)', kind: 'count', column: 'orders' },
        {
          key: 'average_order_value',
          label: 'Average order value',
          kind: 'money',
          column: 'average_order_value',
        },
      ],
    },
    {
      mart: 'marts.customer_metrics',
      sql: () => `SELECT count(*) AS customers FROM marts.customer_metrics WHERE orders > 0`,
      metrics: [{ key: 'customers', label: 'Customers who ordered', kind: 'count', column: 'customers' }],
    },
    {
      mart: 'marts.monthly_sales',
      sql: (w) =>
        `SELECT substr(CAST(month_start AS VARCHAR(10)), 1, 7) AS month, ${money('net_revenue')} AS net_revenue
         FROM marts.monthly_sales WHERE ${between('month_start', w)}
         ORDER BY 2 DESC, 1 LIMIT 1`,
      metrics: [
        {
          key: 'best_month',
          label: 'Best month',
          kind: 'month',
          column: 'month',
          amountColumn: 'net_revenue',
          amountLabel: 'net revenue',
        },
      ],
    },
    {
      mart: 'marts.sales_by_dimension',
      sql: (w) =>
        `SELECT dimension_value AS category, ${money('sum(net_revenue)')} AS net_revenue
         FROM marts.sales_by_dimension WHERE dimension = 'category' AND ${between('sale_date', w)}
         GROUP BY dimension_value ORDER BY 2 DESC, 1 LIMIT 1`,
      metrics: [
        {
          key: 'top_category',
          label: 'Top category',
          kind: 'text',
          column: 'category',
          amountColumn: 'net_revenue',
          amountLabel: 'net revenue',
        },
      ],
    },
  ],
};

/** The newest month of the window with a row in marts.mrr_movements. */
const lastMonth = (w: { from: string; to: string }) =>
  `(SELECT max(month_start) FROM marts.mrr_movements WHERE ${between('month_start', w)})`;

/**
 * The SaaS marts the pack commits to:
 *   marts.mrr_movements(month_start, mrr_start, new_mrr, ..., mrr_end, accounts_end, logo_churn_rate, net_revenue_retention, arpa)
 *   marts.mrr_monthly(month_start, plan_id, country, industry, mrr, arr, paying_accounts)
 *   marts.engagement_daily(activity_date, dau, wau, mau, stickiness)
 */
const SAAS: DemoPack = {
  name: 'saas',
  template: 'saas',
  domain: 'saas',
  title: 'a SaaS business',
  exampleQuery: 'select * from marts.mrr_movements',
  headline: [
    {
      mart: 'marts.mrr_movements',
      sql: (w) =>
        `SELECT ${money('mrr_end')} AS mrr, ${money('mrr_end * 12')} AS arr, accounts_end AS paying_accounts,
                ${money('arpa')} AS arpa, logo_churn_rate, net_revenue_retention
         FROM marts.mrr_movements WHERE month_start = ${lastMonth(w)}`,
      metrics: [
        { key: 'mrr', label: 'MRR (end of window)', kind: 'money', column: 'mrr' },
        { key: 'arr', label: 'ARR', kind: 'money', column: 'arr' },
        { key: 'paying_accounts', label: 'Paying accounts', kind: 'count', column: 'paying_accounts' },
        { key: 'arpa', label: 'ARPA', kind: 'money', column: 'arpa' },
        {
          key: 'logo_churn_rate',
          label: 'Logo churn (last month)',
          kind: 'percent',
          column: 'logo_churn_rate',
        },
        {
          key: 'net_revenue_retention',
          label: 'Net revenue retention (last month)',
          kind: 'percent',
          column: 'net_revenue_retention',
        },
      ],
    },
    {
      mart: 'marts.mrr_monthly',
      sql: (w) =>
        `SELECT plan_id, ${money('sum(mrr)')} AS mrr FROM marts.mrr_monthly WHERE month_start = ${lastMonth(w)}
         GROUP BY plan_id ORDER BY 2 DESC, 1 LIMIT 1`,
      metrics: [
        {
          key: 'top_plan',
          label: 'Top plan',
          kind: 'text',
          column: 'plan_id',
          amountColumn: 'mrr',
          amountLabel: 'MRR',
        },
      ],
    },
    {
      mart: 'marts.engagement_daily',
      sql: (w) =>
        `SELECT CAST(avg(stickiness) AS DOUBLE PRECISION) AS stickiness FROM marts.engagement_daily
         WHERE ${between('activity_date', w)}`,
      metrics: [{ key: 'stickiness', label: 'Stickiness (DAU/MAU)', kind: 'percent', column: 'stickiness' }],
    },
  ],
};

export const DEMO_PACKS: readonly DemoPack[] = [ECOMMERCE, SAAS];
