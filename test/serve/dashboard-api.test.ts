import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import type { ErrorView, PageView, QueryResultView, ServerIndex } from '../../src/dashboards/views.ts';
import { StrataAggregateError } from '../../src/errors/strata-error.ts';
import { createApp } from '../../src/serve/app.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

/**
 * The dashboards' JSON API through `app.request()`, on a real warehouse (DuckDB, or PostgreSQL
 * under the postgres test project): every number is compared with SQL over the mart it reads.
 */
const ORDERS = csv(
  'order_id,order_date,channel,amount',
  ...Array.from({ length: 40 }, (_, i) => [
    i + 1,
    `2025-03-${String(1 + (i % 20)).padStart(2, '0')}`,
    ['web', 'store', "o'hara"][i % 3] ?? 'web',
    (10 + i * 2.5).toFixed(2),
  ]),
);

const DAILY = model(
  { materialized: 'table', schema: 'marts' },
  `select cast(order_date as date) as order_date, channel, count(*) as orders, sum(cast(amount as decimal(12,2))) as revenue
   from {{ ref('orders') }} group by 1, 2`,
);

const SALES_PAGE = `---
title: Sales
order: 1
---

# Sales by day

Revenue of **every** order. <script>alert(1)</script>

\`\`\`sql bounds
SELECT min(order_date) AS first_day, max(order_date) AS last_day FROM {{ ref('daily') }}
\`\`\`

\`\`\`sql channels
SELECT DISTINCT channel FROM {{ ref('daily') }} ORDER BY channel
\`\`\`

\`\`\`sql by_day
SELECT order_date, sum(revenue) AS revenue, sum(orders) AS orders
FROM {{ ref('daily') }}
WHERE order_date BETWEEN {{ inputs.period.from }} AND {{ inputs.period.to }}
  AND ({{ inputs.channel }} IS NULL OR channel = {{ inputs.channel }})
GROUP BY order_date
ORDER BY order_date
\`\`\`

\`\`\`sql kpis
SELECT
  (SELECT sum(revenue) FROM {{ ref('daily') }} WHERE order_date BETWEEN {{ inputs.period.from }} AND {{ inputs.period.to }}) AS revenue,
  (SELECT sum(revenue) FROM {{ ref('daily') }} WHERE order_date BETWEEN {{ inputs.period.previous_from }} AND {{ inputs.period.previous_to }}) AS previous_revenue
\`\`\`

\`\`\`sql broken
SELECT no_such_column FROM {{ ref('daily') }}
\`\`\`

<DateRange name="period" data="bounds" min="first_day" max="last_day" default="10" />
<Dropdown name="channel" data="channels" value="channel" all="All channels" />

<KPI data="kpis" value="revenue" compare="previous_revenue" title="Revenue" format="currency" />
<LineChart data="by_day" x="order_date" y="revenue,orders" />
<BarChart
  data="by_day"
  x="order_date"
  y="profit"
  stacked
/>
<Table data="broken" />
`;

let project: TestProject;
let site: DashboardSite;
let app: Hono;

async function getJson<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await app.request(path, init);
  return { status: response.status, body: (await response.json()) as T };
}

const num = (value: unknown) => Number(value);

beforeAll(async () => {
  project = await TestProject.create({
    'seeds/orders.csv': ORDERS,
    'models/marts/daily.sql': DAILY,
    'dashboards/sales.md': SALES_PAGE,
  });
  const result = await project.run({});
  expect(result.exitCode).toBe(0);
  site = await openDashboardSite({ projectDirs: [project.dir], env: project.env });
  app = createApp({ site });
});

afterAll(async () => {
  await site?.close();
  await project?.dispose();
});

describe('the index and the page', () => {
  it('lists the project, its pages and their query URLs', async () => {
    const { status, body } = await getJson<ServerIndex>('/api');
    expect(status).toBe(200);
    const [served] = body.projects;
    expect(served?.pages.map((p) => p.name)).toEqual(['sales']);
    expect(served?.pages[0]?.queries.map((q) => q.name)).toEqual([
      'bounds',
      'channels',
      'by_day',
      'kpis',
      'broken',
    ]);
    expect(served?.pages[0]?.queries[2]?.url).toBe(`/api/${served?.name}/pages/sales/queries/by_day`);
  });

  it('renders prose as HTML with raw HTML shown as text, and resolves inputs from the data', async () => {
    const slug = site.projects[0]?.slug ?? '';
    const { status, body } = await getJson<PageView>(`/api/${slug}/pages/sales`);
    expect(status).toBe(200);
    const html = body.blocks.filter((b) => b.kind === 'html').map((b) => (b.kind === 'html' ? b.html : ''));
    expect(html.join('')).toContain('<strong>every</strong>');
    expect(html.join('')).not.toContain('<script>');
    expect(
      body.blocks.filter((b) => b.kind === 'component').map((b) => b.kind === 'component' && b.component),
    ).toEqual(['DateRange', 'Dropdown', 'KPI', 'LineChart', 'BarChart', 'Table']);
    expect(body.inputs).toEqual([
      {
        kind: 'date_range',
        name: 'period',
        label: 'Dates',
        from: '2025-03-11',
        to: '2025-03-20',
        min: '2025-03-01',
        max: '2025-03-20',
      },
      {
        kind: 'dropdown',
        name: 'channel',
        label: 'channel',
        value: null,
        options: ["o'hara", 'store', 'web'],
        all: 'All channels',
      },
    ]);
    expect(body.missingModels).toEqual([]);
  });

  it('reports the column a component names that its query lacks, and a query that fails, with file and line', async () => {
    const slug = site.projects[0]?.slug ?? '';
    const { body } = await getJson<PageView>(`/api/${slug}/pages/sales`);
    expect(body.problems).toEqual([
      expect.objectContaining({
        code: 'DASHBOARD_UNKNOWN_COLUMN',
        file: 'dashboards/sales.md',
        line: 42,
        message: expect.stringContaining('profit'),
      }),
      expect.objectContaining({ code: 'DASHBOARD_QUERY_FAILED', file: 'dashboards/sales.md', line: 33 }),
    ]);
  });
});

describe('query results', () => {
  const path = (query: string, params = '') =>
    `/api/${site.projects[0]?.slug ?? ''}/pages/sales/queries/${query}${params}`;

  it('equal SQL over the mart for the default inputs', async () => {
    const { status, body } = await getJson<QueryResultView>(path('by_day'));
    expect(status).toBe(200);
    const expected = await project.query(
      `select cast(order_date as varchar) as d, sum(revenue) as revenue, sum(orders) as orders from marts.daily
       where order_date between date '2025-03-11' and date '2025-03-20' group by 1 order by 1`,
    );
    expect(body.total).toBe(10);
    expect(body.rows.map((r) => [r.order_date, num(r.revenue), num(r.orders)])).toEqual(
      expected.map((r) => [r.d, num(r.revenue), num(r.orders)]),
    );
  });

  it('bind the inputs given, and compare with the period before', async () => {
    const { body } = await getJson<QueryResultView>(
      path('kpis', '?period_from=2025-03-06&period_to=2025-03-10'),
    );
    const [now] = await project.query(
      `select sum(revenue) as r from marts.daily where order_date between date '2025-03-06' and date '2025-03-10'`,
    );
    const [before] = await project.query(
      `select sum(revenue) as r from marts.daily where order_date between date '2025-03-01' and date '2025-03-05'`,
    );
    expect(num(body.rows[0]?.revenue)).toBe(num(now?.r));
    expect(num(body.rows[0]?.previous_revenue)).toBe(num(before?.r));
  });

  it('filter by a dropdown value with a quote in it, as a parameter, never as SQL', async () => {
    const quoted = await getJson<QueryResultView>(
      path('by_day', `?channel=${encodeURIComponent("o'hara")}&period_from=2025-03-01&period_to=2025-03-20`),
    );
    const [expected] = await project.query(
      `select count(distinct order_date) as n from marts.daily where channel = 'o''hara'`,
    );
    expect(quoted.status).toBe(200);
    expect(quoted.body.total).toBe(num(expected?.n));
    const injection = await getJson<QueryResultView>(
      path('by_day', `?channel=${encodeURIComponent("x' OR 1=1 --")}`),
    );
    expect(injection.status).toBe(200);
    expect(injection.body.total).toBe(0);
  });

  it('page and sort by a column of the result', async () => {
    const { body } = await getJson<QueryResultView>(
      path('by_day', '?period_from=2025-03-01&period_to=2025-03-20&limit=3&offset=2&sort=revenue:desc'),
    );
    const expected = await project.query(
      `select sum(revenue) as revenue from marts.daily group by order_date order by 1 desc limit 3 offset 2`,
    );
    expect(body.rows.map((r) => num(r.revenue))).toEqual(expected.map((r) => num(r.revenue)));
    expect(body).toMatchObject({ total: 20, limit: 3, offset: 2 });
  });

  it('come as CSV with the same rows as the JSON', async () => {
    const params = '?period_from=2025-03-01&period_to=2025-03-20';
    const response = await app.request(path('by_day', `${params}&format=csv`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\n');
    const { body } = await getJson<QueryResultView>(path('by_day', params));
    expect(lines[0]).toBe('order_date,revenue,orders');
    expect(lines.slice(1).map((l) => l.split(',').map(Number).slice(1))).toEqual(
      body.rows.map((r) => [num(r.revenue), num(r.orders)]),
    );
    expect(body.csv).toBe(path('by_day', `${params}&format=csv`));
  });
});

describe('bad requests get a JSON error with a code, never a stack trace', () => {
  const slug = () => site.projects[0]?.slug ?? '';

  it.each([
    [
      'a date that is not one',
      '/pages/sales/queries/by_day?period_from=2025-02-30',
      400,
      'DASHBOARD_BAD_INPUT',
      'period_from',
    ],
    [
      'a range that ends before it starts',
      '/pages/sales/queries/by_day?period_from=2025-03-10&period_to=2025-03-01',
      400,
      'DASHBOARD_BAD_INPUT',
      'after',
    ],
    ['a page size out of range', '/pages/sales/queries/by_day?limit=0', 400, 'DASHBOARD_BAD_INPUT', 'limit'],
    [
      'a sort column the result lacks',
      '/pages/sales/queries/by_day?sort=nope',
      400,
      'DASHBOARD_BAD_INPUT',
      'nope',
    ],
    [
      'a dropdown value that is not a choice (page view)',
      '/pages/sales?channel=mail',
      400,
      'DASHBOARD_BAD_INPUT',
      'channel',
    ],
    ['an unknown page', '/pages/nope', 404, 'DASHBOARD_NOT_FOUND', 'nope'],
    ['an unknown query', '/pages/sales/queries/nope', 404, 'DASHBOARD_NOT_FOUND', 'nope'],
    ['SQL that fails', '/pages/sales/queries/broken', 500, 'DASHBOARD_QUERY_FAILED', 'broken'],
  ])('%s', async (_what, suffix, status, code, mentioned) => {
    const response = await app.request(`/api/${slug()}${suffix}`);
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorView;
    expect(body.error.code).toBe(code);
    expect(body.error.message).toContain(mentioned);
    expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
    // On PostgreSQL the warehouse's URL holds a password: no answer may carry it.
    const url = project.env.STRATA_DATABASE_URL;
    if (url) expect(JSON.stringify(body)).not.toContain(new URL(url).password || url);
  });

  it('an unknown project or API path', async () => {
    expect((await getJson<ErrorView>('/api/nope/pages')).body.error.code).toBe('DASHBOARD_NOT_FOUND');
    expect((await getJson<ErrorView>('/api/what')).status).toBe(404);
  });

  it('a CSV of SQL that fails is a JSON error, not a broken file', async () => {
    const response = await app.request(`/api/${slug()}/pages/sales/queries/broken?format=csv`);
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorView).error.code).toBe('DASHBOARD_QUERY_FAILED');
  });
});

describe('a warehouse whose models are not built yet', () => {
  it('says which models the page needs instead of failing', async () => {
    const fresh = await TestProject.create({
      'seeds/orders.csv': ORDERS,
      'models/marts/daily.sql': DAILY,
      'dashboards/sales.md': SALES_PAGE,
    });
    const freshSite = await openDashboardSite({ projectDirs: [fresh.dir], env: fresh.env });
    try {
      const freshApp = createApp({ site: freshSite });
      const slug = freshSite.projects[0]?.slug ?? '';
      const page = (await (await freshApp.request(`/api/${slug}/pages/sales`)).json()) as PageView;
      expect(page.missingModels).toEqual(['daily']);
      const query = await freshApp.request(`/api/${slug}/pages/sales/queries/by_day`);
      expect(query.status).toBe(409);
      expect(((await query.json()) as ErrorView).error).toMatchObject({
        code: 'DASHBOARD_MODELS_MISSING',
        hint: expect.stringContaining('strata run'),
      });
    } finally {
      await freshSite.close();
      await fresh.dispose();
    }
  });
});

describe('with a token', () => {
  it('every request needs it: as a bearer, or once as ?token= which sets a cookie', async () => {
    const secured = createApp({ site, token: 's3cret-token' });
    expect((await secured.request('/api')).status).toBe(401);
    expect((await secured.request('/api', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(
      (await secured.request('/api', { headers: { Authorization: 'Bearer s3cret-token' } })).status,
    ).toBe(200);
    const opened = await secured.request('/some/page?token=s3cret-token&x=1');
    expect(opened.status).toBe(302);
    expect(opened.headers.get('location')).toBe('/some/page?x=1');
    const cookie = opened.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect((await secured.request('/api', { headers: { Cookie: cookie.split(';')[0] ?? '' } })).status).toBe(
      200,
    );
    const denied = (await (await secured.request('/api')).json()) as ErrorView;
    expect(denied.error.code).toBe('SERVE_UNAUTHORIZED');
    expect(JSON.stringify(denied)).not.toContain('s3cret-token');
  });
});

describe('reads while the same process writes', () => {
  it('every query answers, from a committed state, while a run rebuilds the mart', async () => {
    const path = `/api/${site.projects[0]?.slug ?? ''}/pages/sales/queries/by_day?period_from=2025-03-01&period_to=2025-03-20`;
    const running = project.run({ fullRefresh: true });
    let done = false;
    void running.finally(() => (done = true));
    const answers: number[] = [];
    while (!done || answers.length < 3) {
      const { status, body } = await getJson<QueryResultView>(path);
      expect(status).toBe(200);
      answers.push(body.total);
    }
    expect((await running).exitCode).toBe(0);
    expect(new Set(answers)).toEqual(new Set([20]));
  });
});

describe('a project whose pages have problems', () => {
  it('is refused with every problem of its pages and models listed together', async () => {
    const broken = await TestProject.create({
      'seeds/orders.csv': ORDERS,
      'models/marts/daily.sql': DAILY,
      'models/marts/bad.sql': model({ materialized: 'table' }, "select * from {{ ref('nothing') }}"),
      'dashboards/a.md': '```sql q\nSELECT * FROM {{ ref(\'missing_model\') }}\n```\n<Gauge data="q" />\n',
      'dashboards/b.md': '<LineChart data="nope" x="a" y="b" />\n',
    });
    try {
      const error = await openDashboardSite({ projectDirs: [broken.dir], env: broken.env }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StrataAggregateError);
      const found = (error as StrataAggregateError).problems.map((p) => [
        p.code,
        p.location.file,
        p.location.line,
      ]);
      expect(found).toEqual([
        ['DASHBOARD_UNKNOWN_REF', 'dashboards/a.md', 2],
        ['DASHBOARD_UNKNOWN_COMPONENT', 'dashboards/a.md', 4],
        ['DASHBOARD_UNKNOWN_QUERY', 'dashboards/b.md', 1],
        ['REF_UNKNOWN', 'models/marts/bad.sql', expect.any(Number)],
      ]);
    } finally {
      await broken.dispose();
    }
  });
});
