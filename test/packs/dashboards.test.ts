/**
 * The dashboard pages the two domain packs ship, on a small generated project of each pack built
 * on the test run's engine and served through the dashboards' API (the site `strata serve`
 * holds): every page parses, every query runs with its default inputs and with dropdown choices,
 * every chart has rows and the columns its component names, and the headline KPIs equal SQL
 * written here over the warehouse and the marts (not the page's SQL).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initProject } from '../../src/api/init.ts';
import { pageView } from '../../src/api/dashboard-pages.ts';
import { runPageQuery } from '../../src/api/dashboard-query.ts';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import { run } from '../../src/api/run.ts';
import { parsePage } from '../../src/dashboards/parse-page.ts';
import type { DashboardPage } from '../../src/dashboards/types.ts';
import type { QueryResultView } from '../../src/dashboards/views.ts';
import { generate } from '../../src/generate/index.ts';
import { testEnvironment } from '../helpers/project.ts';

const START = '2025-01-01';
/** January and February 2025: two whole months, so a month can be compared with the one before. */
const DAYS = 59;
const LAST_DAY = '2025-02-28';

const PAGES = {
  ecommerce: ['executive', 'sales', 'products', 'customers', 'engagement', 'inventory'],
  saas: ['mrr', 'movements', 'retention', 'engagement'],
} as const;

type Pack = keyof typeof PAGES;

/** Components that draw data: their query must give rows. */
const CHARTS = new Set(['KPI', 'LineChart', 'BarChart', 'AreaChart', 'Waterfall', 'Heatmap', 'Funnel']);

interface Built {
  dir: string;
  /** The project served, its warehouse open. */
  site: DashboardSite;
  dispose: () => Promise<void>;
}

/** Each pack is generated and built once for the whole file. */
const builds = new Map<Pack, Promise<Built>>();

function builtPack(pack: Pack): Promise<Built> {
  let build = builds.get(pack);
  if (!build) {
    build = buildPack(pack);
    builds.set(pack, build);
  }
  return build;
}

afterAll(async () => {
  for (const build of builds.values()) {
    const built = await build.catch(() => undefined);
    if (!built) continue;
    await built.dispose();
    await rm(join(built.dir, '..'), { recursive: true, force: true });
  }
});

async function buildPack(pack: Pack): Promise<Built> {
  const dir = join(await mkdtemp(join(tmpdir(), `strata-pages-${pack}-`)), pack);
  await initProject(dir, pack);
  await generate({ domain: pack, out: join(dir, 'data'), start: START, days: DAYS, scale: 0.02, threads: 0 });
  const { env, dispose } = await testEnvironment();
  const response = await run({ projectDir: dir, env });
  const failed = response.summary.tasks.filter((t) => t.status !== 'success');
  expect(failed.map((t) => `${t.task}: ${t.status} ${t.error?.message ?? ''}`)).toEqual([]);
  const site = await openDashboardSite({ projectDirs: [dir], env });
  return {
    dir,
    site,
    dispose: async () => {
      await site.close();
      await dispose();
    },
  };
}

/** A day as YYYY-MM-DD, whatever type the engine gave it. */
function day(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

function num(value: unknown): number {
  return Number(value);
}

/** The project's URL segment: the site serves one project, the pack's folder. */
function slugOf(site: DashboardSite): string {
  const served = site.projects[0];
  if (!served) throw new Error('the site serves no project');
  return served.slug;
}

/** Every query of a page through the API, with the given inputs: its result, by query name. */
async function runPage(
  site: DashboardSite,
  page: DashboardPage,
  params: Record<string, string> = {},
): Promise<Map<string, QueryResultView>> {
  const results = new Map<string, QueryResultView>();
  for (const query of page.queries) {
    const request = new URLSearchParams({ ...params, limit: '10000' });
    results.set(
      query.name,
      await runPageQuery(site, {
        project: slugOf(site),
        page: page.name,
        query: query.name,
        params: request,
      }),
    );
  }
  return results;
}

function firstRow(results: Map<string, QueryResultView>, name: string): Record<string, unknown> {
  const row = results.get(name)?.rows[0];
  if (!row) throw new Error(`the query ${name} gave no row`);
  return row;
}

describe.each(['ecommerce', 'saas'] as const)('the %s pack’s dashboard pages', (pack) => {
  let built: Built | undefined;
  const site = (): DashboardSite => {
    if (!built) throw new Error('the project was not built');
    return built.site;
  };

  beforeAll(async () => {
    built = await builtPack(pack);
  }, 600_000);

  it('are copied into the project and parse without a problem', async () => {
    if (!built) throw new Error('the project was not built');
    const files = (await readdir(join(built.dir, 'dashboards'))).sort();
    expect(files).toEqual([...PAGES[pack]].map((name) => `${name}.md`).sort());
    for (const file of files) {
      const text = await readFile(join(built.dir, 'dashboards', file), 'utf8');
      const parsed = parsePage({ file: `dashboards/${file}`, name: file.replace(/\.md$/, ''), text });
      expect(
        parsed.problems.map((p) => `${p.message} (line ${p.location.line ?? '?'})`),
        file,
      ).toEqual([]);
      expect(
        parsed.page?.inputs.some((i) => i.kind === 'date_range' && i.data !== undefined),
        file,
      ).toBe(true);
    }
    // Loading the project checks every page's refs against the DAG, and would throw on a problem.
    expect(site().projects[0]?.project.dashboards.map((p) => p.name)).toEqual([...PAGES[pack]]);
  });

  it('show every page with its models built, its inputs resolved and no column problem', async () => {
    for (const page of site().projects[0]?.project.dashboards ?? []) {
      const view = await pageView(site(), slugOf(site()), page.name, new URLSearchParams());
      expect(view.missingModels, page.file).toEqual([]);
      expect(view.problems, page.file).toEqual([]);
      for (const input of view.inputs) {
        if (input.kind === 'date_range') {
          expect([input.min, input.max], `${page.file}: ${input.name}`).toEqual([START, LAST_DAY]);
          expect(input.to, `${page.file}: ${input.name}`).toBe(LAST_DAY);
        } else {
          expect(input.options.length, `${page.file}: ${input.name} has no choices`).toBeGreaterThan(0);
        }
      }
    }
  }, 300_000);

  it('run every query with the default inputs; every chart has rows and the columns it names', async () => {
    for (const page of site().projects[0]?.project.dashboards ?? []) {
      const results = await runPage(site(), page);
      for (const block of page.blocks) {
        if (block.kind !== 'component' || !block.component.data) continue;
        const { name, data, columns } = block.component;
        if (name === 'DateRange' || name === 'Dropdown') continue;
        const result = results.get(data);
        const where = `${page.file}:${block.line} <${name} data="${data}">`;
        expect(result, where).toBeDefined();
        const have = new Set(result?.columns.map((c) => c.name));
        expect(
          columns.filter((c) => !have.has(c)),
          where,
        ).toEqual([]);
        if (CHARTS.has(name)) expect(result?.rows.length, `${where} gives no rows`).toBeGreaterThan(0);
      }
    }
  }, 300_000);

  it('run every query with each choice of each dropdown', async () => {
    for (const page of site().projects[0]?.project.dashboards ?? []) {
      const view = await pageView(site(), slugOf(site()), page.name, new URLSearchParams());
      for (const input of view.inputs) {
        if (input.kind !== 'dropdown') continue;
        for (const option of input.options.slice(0, 3)) {
          await runPage(site(), page, { [input.name]: option });
        }
      }
    }
  }, 300_000);
});

describe('KPIs against SQL written here', () => {
  const february = { period_from: '2025-02-01', period_to: LAST_DAY };
  // The 28 days before February.
  const previous = { from: '2025-01-04', to: '2025-01-31' };

  describe('e-commerce executive summary', () => {
    let built: Built | undefined;
    beforeAll(async () => {
      built = await builtPack('ecommerce');
    }, 600_000);

    it('gives net revenue, orders, AOV and customers of the period and of the one before', async () => {
      if (!built) throw new Error('the project was not built');
      const { site } = built;
      const engine = site.projects[0]?.engine;
      const page = site.projects[0]?.project.dashboards.find((p) => p.name === 'executive');
      if (!engine || !page) throw new Error('no executive page');
      const kpis = firstRow(await runPage(site, page, february), 'kpis');

      // From the warehouse's sales lines: counted sales only; new = first counted purchase ever.
      const expected = async (from: string, to: string) => {
        const { rows } = await engine.query(`
            with counted as (select * from warehouse.sales_lines where counts_as_sale),
            firsts as (select customer_id, min(sale_date) as first_day from counted group by customer_id)
            select
              (select sum(net_revenue) from counted where sale_date between cast('${from}' as date) and cast('${to}' as date)) as net_revenue,
              (select count(distinct sale_id) from counted where sale_date between cast('${from}' as date) and cast('${to}' as date)) as orders,
              (select count(distinct customer_id) from counted where sale_date between cast('${from}' as date) and cast('${to}' as date)) as customers,
              (select count(*) from firsts where first_day between cast('${from}' as date) and cast('${to}' as date)) as new_customers`);
        const row = rows[0] ?? {};
        return {
          net_revenue: num(row.net_revenue),
          orders: num(row.orders),
          customers: num(row.customers),
          new_customers: num(row.new_customers),
        };
      };
      const now = await expected('2025-02-01', LAST_DAY);
      const before = await expected(previous.from, previous.to);
      expect(now.orders).toBeGreaterThan(0);
      expect(before.orders).toBeGreaterThan(0);

      expect(num(kpis.net_revenue)).toBeCloseTo(now.net_revenue, 2);
      expect(num(kpis.previous_net_revenue)).toBeCloseTo(before.net_revenue, 2);
      expect(num(kpis.orders)).toBe(now.orders);
      expect(num(kpis.previous_orders)).toBe(before.orders);
      expect(num(kpis.average_order_value)).toBeCloseTo(now.net_revenue / now.orders, 2);
      expect(num(kpis.previous_average_order_value)).toBeCloseTo(before.net_revenue / before.orders, 2);
      expect(num(kpis.customers)).toBe(now.customers);
      expect(num(kpis.previous_customers)).toBe(before.customers);
      expect(num(kpis.new_customers)).toBe(now.new_customers);
      expect(num(kpis.previous_new_customers)).toBe(before.new_customers);
      expect(num(kpis.returning_customers)).toBe(now.customers - now.new_customers);
      expect(num(kpis.previous_returning_customers)).toBe(before.customers - before.new_customers);

      // February is a calendar month: the page's numbers are monthly_sales' February.
      const { rows } = await engine.query(
        `select * from marts.monthly_sales where month_start = cast('2025-02-01' as date)`,
      );
      const month = rows[0];
      if (!month) throw new Error('monthly_sales has no February');
      expect(num(kpis.net_revenue)).toBeCloseTo(num(month.net_revenue), 2);
      expect(num(kpis.orders)).toBe(num(month.orders));
      expect(num(kpis.customers)).toBe(num(month.customers));
      expect(num(kpis.new_customers)).toBe(num(month.new_customers));
      expect(num(kpis.returning_customers)).toBe(num(month.returning_customers));
      expect(num(kpis.average_order_value)).toBeCloseTo(num(month.average_order_value), 2);

      // By default the page shows the last 90 days, here all 59 of them: the period before lies
      // outside the data, so no change is shown rather than one against an empty period.
      const defaults = firstRow(await runPage(site, page), 'kpis');
      const all = await expected(START, LAST_DAY);
      expect(num(defaults.net_revenue)).toBeCloseTo(all.net_revenue, 2);
      expect(num(defaults.customers)).toBe(all.customers);
      for (const column of Object.keys(defaults).filter((c) => c.startsWith('previous_'))) {
        expect(defaults[column], column).toBeNull();
      }
    }, 120_000);
  });

  describe('SaaS MRR and ARR', () => {
    let built: Built | undefined;
    beforeAll(async () => {
      built = await builtPack('saas');
    }, 600_000);

    it('gives MRR, ARR, paying accounts and ARPA at the end of the period and of the one before', async () => {
      if (!built) throw new Error('the project was not built');
      const { site } = built;
      const engine = site.projects[0]?.engine;
      const page = site.projects[0]?.project.dashboards.find((p) => p.name === 'mrr');
      if (!engine || !page) throw new Error('no mrr page');
      const kpis = firstRow(await runPage(site, page, february), 'kpis');

      // From the account × day snapshot: MRR and paying accounts on one day.
      const onDay = async (date: string) => {
        const { rows } = await engine.query(`
            select sum(mrr) as mrr,
              sum(case when mrr > 0 then 1 else 0 end) as paying,
              sum(case when status = 'trialing' then 1 else 0 end) as trialing
            from warehouse.fact_subscription_daily where snapshot_date = cast('${date}' as date)`);
        const row = rows[0] ?? {};
        return { mrr: num(row.mrr), paying: num(row.paying), trialing: num(row.trialing) };
      };
      const end = await onDay(LAST_DAY);
      const before = await onDay(previous.to);
      expect(end.paying).toBeGreaterThan(0);

      expect(num(kpis.mrr)).toBeCloseTo(end.mrr, 2);
      expect(num(kpis.previous_mrr)).toBeCloseTo(before.mrr, 2);
      expect(num(kpis.arr)).toBeCloseTo(12 * end.mrr, 2);
      expect(num(kpis.previous_arr)).toBeCloseTo(12 * before.mrr, 2);
      expect(num(kpis.paying_accounts)).toBe(end.paying);
      expect(num(kpis.previous_paying_accounts)).toBe(before.paying);
      expect(num(kpis.arpa)).toBeCloseTo(end.mrr / end.paying, 2);
      expect(num(kpis.previous_arpa)).toBeCloseTo(before.mrr / before.paying, 2);
      expect(num(kpis.trialing_accounts)).toBe(end.trialing);

      // The period ends with February, and the one before with January: the marts' month ends.
      const { rows } = await engine.query(
        `select month_start, mrr, arr, active_accounts, arpa from marts.saas_kpis_monthly order by month_start`,
      );
      const [january, feb] = rows;
      if (!january || !feb) throw new Error('saas_kpis_monthly lacks January or February');
      expect(day(feb.month_start)).toBe('2025-02-01');
      expect(num(kpis.mrr)).toBeCloseTo(num(feb.mrr), 2);
      expect(num(kpis.arr)).toBeCloseTo(num(feb.arr), 2);
      expect(num(kpis.paying_accounts)).toBe(num(feb.active_accounts));
      expect(num(kpis.arpa)).toBeCloseTo(num(feb.arpa), 2);
      expect(num(kpis.previous_mrr)).toBeCloseTo(num(january.mrr), 2);
      expect(num(kpis.previous_paying_accounts)).toBe(num(january.active_accounts));

      // The trial conversion of the period: the months' trials, converted or not, from the
      // subscription change log.
      const totals = firstRow(await runPage(site, page, february), 'trial_totals');
      const trials = await engine.query(`
          select count(distinct t.subscription_id) as started, count(distinct c.subscription_id) as converted
          from staging.stg_subscriptions as t
          left join staging.stg_subscriptions as c
            on c.subscription_id = t.subscription_id and c.change_type = 'trial_converted'
          where t.change_type = 'trial_started' and t.effective_at >= cast('2025-02-01' as date)
            and t.effective_at < cast('2025-03-01' as date)`);
      expect(num(totals.trials_started)).toBe(num(trials.rows[0]?.started));
      expect(num(totals.trials_converted)).toBe(num(trials.rows[0]?.converted));

      // February's bridge on the movements page: it opens with the MRR at the end of January (the
      // snapshot), and its steps add up to the MRR at the end of February.
      const movements = site.projects[0]?.project.dashboards.find((p) => p.name === 'movements');
      if (!movements) throw new Error('no movements page');
      const bridge = (await runPage(site, movements, february)).get('waterfall')?.rows ?? [];
      expect(bridge.map((r) => r.step)).toEqual([
        'Opening MRR',
        'New',
        'Reactivation',
        'Expansion',
        'Contraction',
        'Churn',
      ]);
      expect(num(bridge[0]?.amount)).toBeCloseTo(before.mrr, 2);
      expect(bridge.reduce((sum, r) => sum + num(r.amount), 0)).toBeCloseTo(end.mrr, 2);
    }, 120_000);
  });
});
