/**
 * The packs' dashboards in a real browser (Debian's chromium through playwright-core), served by
 * `strata serve`'s app over demo projects of both packs: every page loads with no console error
 * and every chart has data, at a laptop's and a phone's width (screenshots in
 * test-artifacts/screenshots/, to be looked at); a date range changes the numbers to what SQL over
 * the mart gives; a chart's CSV is its API's rows; the README's example page renders.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPacks } from '../../src/api/demo.ts';
import type { QueryResultView } from '../../src/dashboards/views.ts';
import { queryWarehouse } from '../helpers/project.ts';
import { SCREENSHOTS, type ServedInChromium, pageReady, serveInChromium } from './chromium.ts';

const TEMPLATES = fileURLToPath(new URL('../../src/templates/', import.meta.url));
const PACKS = ['ecommerce', 'saas'] as const;
const PAGES = PACKS.flatMap((pack) =>
  readdirSync(join(TEMPLATES, pack, 'dashboards'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => ({ pack, page: file.replace(/\.md$/, '') })),
);

/** The README's example page, as a user would copy it. */
function readmeExample(): string {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const example = /````md\n([\s\S]*?)````/.exec(readme)?.[1];
  if (!example) throw new Error('the README has no example page');
  return example;
}

let dir: string;
let served: ServedInChromium;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-browser-'));
  const results = await demoPacks({ dir, pack: 'all', days: 45, scale: 0.01, defects: 0.01 });
  expect(results.map((r) => r.exitCode)).toEqual([0, 0]);
  await writeFile(join(dir, 'ecommerce', 'dashboards', 'readme-example.md'), readmeExample());
  served = await serveInChromium(PACKS.map((pack) => join(dir, pack)));
}, 600_000);

afterAll(async () => {
  await served?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function open(path: string, width: number): ReturnType<ServedInChromium['open']> {
  return served.open(path, width);
}

/** The cards of a page: component, query, state and rows, inputs left out. */
async function cards(page: Page) {
  return page.$$eval('section[data-component]', (sections) =>
    sections.map((s) => ({
      component: s.getAttribute('data-component'),
      query: s.getAttribute('data-query'),
      state: s.getAttribute('data-state'),
      rows: Number(s.getAttribute('data-rows') ?? 'NaN'),
    })),
  );
}

describe.each(PAGES)('the $pack pack, page $page', ({ pack, page: name }) => {
  it.each([1280, 390])('draws every component with data, no console error, at %i px', async (width) => {
    const { page, errors } = await open(`/${pack}/${name}`, width);
    try {
      const drawn = await cards(page);
      expect(drawn.length).toBeGreaterThan(0);
      expect(drawn.filter((c) => c.state !== 'ready')).toEqual([]);
      expect(drawn.filter((c) => !(c.rows > 0))).toEqual([]);
      expect(await page.$$('[data-role="missing-models"], [data-role="problems"]')).toHaveLength(0);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `${pack}-${name}-${width}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  });
});

describe('inputs and downloads', () => {
  it('a date range on the executive page changes its numbers to what SQL over the mart gives', async () => {
    const { page, errors } = await open('/ecommerce/executive', 1280);
    try {
      const kpi = page
        .locator('section[data-component="KPI"][data-query="kpis"] [data-role="value"]')
        .first();
      const before = Number(await kpi.getAttribute('data-value'));
      const [bounds] = await queryWarehouse(
        join(dir, 'ecommerce'),
        'select cast(min(sale_date) as varchar) as lo from marts.daily_sales',
      );
      const from = String(bounds?.lo);
      const to = new Date(Date.parse(`${from}T00:00:00Z`) + 9 * 86_400_000).toISOString().slice(0, 10);
      await page.fill('input[name="period_from"]', from);
      await page.fill('input[name="period_to"]', to);
      await page.waitForURL(
        (url) => url.search.includes(`period_from=${from}`) && url.search.includes(`period_to=${to}`),
      );
      await pageReady(page);
      const after = Number(await kpi.getAttribute('data-value'));
      const [expected] = await queryWarehouse(
        join(dir, 'ecommerce'),
        `select sum(net_revenue) as revenue from marts.daily_sales where sale_date between date '${from}' and date '${to}'`,
      );
      expect(after).toBeCloseTo(Number(expected?.revenue), 2);
      expect(after).not.toBe(before);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a chart's CSV download holds its API's rows", async () => {
    const { page } = await open('/saas/mrr', 1280);
    try {
      const card = page.locator('section[data-component="LineChart"]').first();
      const href = await card.locator('a[data-role="csv"]').getAttribute('href');
      expect(href).toContain('format=csv');
      const csv = await (await fetch(new URL(href ?? '', served.server.url))).text();
      const json = (await (
        await fetch(new URL((href ?? '').replace('format=csv', 'format=json'), served.server.url))
      ).json()) as QueryResultView;
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe(json.columns.map((c) => c.name).join(','));
      expect(lines.length - 1).toBe(json.total);
      const firstRow = json.rows[0] ?? {};
      expect(lines[1]?.split(',').map((v) => (v === '' ? null : v))).toEqual(
        json.columns.map((c) => (firstRow[c.name] === null ? null : String(firstRow[c.name]))),
      );
    } finally {
      await page.close();
    }
  });

  it("the README's example page renders for the pack's own marts", async () => {
    const { page, errors } = await open('/ecommerce/readme-example', 1280);
    try {
      const drawn = await cards(page);
      expect(drawn).toEqual([
        { component: 'LineChart', query: 'revenue_by_day', state: 'ready', rows: expect.any(Number) },
      ]);
      expect(drawn[0]?.rows).toBeGreaterThan(0);
      await page.selectOption('select[name="channel"]', { index: 1 });
      await pageReady(page);
      expect(page.url()).toContain('channel=');
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'ecommerce-readme-example-1280.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('a bad date parameter gets a clear message on the page', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(new URL('/ecommerce/executive?period_from=2025-02-31', served.server.url).href);
      const message = page.locator('[data-code="DASHBOARD_BAD_INPUT"]').first();
      await message.waitFor({ timeout: 30_000 });
      expect(await message.textContent()).toContain('period_from must be a date written YYYY-MM-DD');
      await page.screenshot({ path: join(SCREENSHOTS, 'ecommerce-bad-date-1280.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
