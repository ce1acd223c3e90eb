/**
 * The documentation site in Chromium (playwright-core), opened from the file system (file://, no
 * server), for a hand-built project and for both packs' demo projects (`strata docs`' API over
 * their warehouses): every link of every page reaches a file and its anchor, the lineage graph
 * holds every node of the DAG and highlights a node's lineage, search finds a column by a word of
 * its description, and no page logs an error; the e-commerce pack's fact_orders shows its columns,
 * descriptions and checks with their latest results, and its upstream leads back to the orders
 * source; a page served by `strata serve` under /docs runs its script under the server's CSP.
 * Screenshots of every page type at 1280 and 390 px in test-artifacts/screenshots/ (docs-*.png),
 * to be looked at.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_ASSETS, type DocsFile, renderDocsSite } from '../../src/docs/render-site.ts';
import { slug } from '../../src/docs/paths.ts';
import type { DocsData } from '../../src/docs/types.ts';
import { demoPacks } from '../../src/api/demo.ts';
import { buildDocsSite, writeDocsSite } from '../../src/api/docs.ts';
import { withProject } from '../../src/api/open-project.ts';
import { sampleDocsData } from '../docs/sample-docs-data.ts';
import { SCREENSHOTS, collectErrors, launchChromium, serveInChromium } from './chromium.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Writes the site's files and the bundled assets (dist/web, built by `npm test`'s pretest). */
async function writeSite(files: readonly DocsFile[], dir: string): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true });
    await writeFile(join(dir, file.path), file.content);
  }
  for (const asset of DOCS_ASSETS) {
    await mkdir(dirname(join(dir, asset.path)), { recursive: true });
    await copyFile(join(DIST, asset.dist), join(dir, asset.path));
  }
}

/** Opens a page of the site from the file system, once its script has run. */
async function open(browser: Browser, dir: string, path: string, width = 1280) {
  const page = await browser.newPage({ viewport: { width, height: width > 800 ? 900 : 844 } });
  const errors = collectErrors(page);
  await page.goto(pathToFileURL(join(dir, path)).href);
  await page.waitForSelector('html[data-ready="true"]');
  return { page, errors };
}

/**
 * Every `<a href>` of every page (resolved by the browser), each checked once all pages are read: a
 * file: URL naming a file of the site, and an anchor that is an element's id on that page. One tab
 * walks the pages. Returns what is broken and how many links were followed.
 */
async function crawl(browser: Browser, dir: string, pages: readonly string[]) {
  const broken: string[] = [];
  const ids = new Map<string, Set<string>>();
  const links: { from: string; href: string }[] = [];
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = collectErrors(tab);
  try {
    for (const path of pages) {
      const url = pathToFileURL(join(dir, path)).href;
      await tab.goto(url);
      await tab.waitForSelector('html[data-ready="true"]');
      ids.set(url, new Set(await tab.$$eval('[id]', (els) => els.map((el) => el.id))));
      // The attribute, resolved against the page as the browser does (an SVG link's `href` is no string).
      const hrefs = await tab.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      for (const href of hrefs) links.push({ from: path, href: new URL(href, url).href });
      if (errors.length > 0) broken.push(`${path}: ${errors.splice(0).join('; ')}`);
    }
  } finally {
    await tab.close();
  }
  for (const { from, href } of links) {
    const url = new URL(href);
    const anchor = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    url.search = '';
    if (url.protocol !== 'file:') {
      broken.push(`${from} → ${href} (not a relative link)`);
      continue;
    }
    const file = fileURLToPath(url);
    if (!file.startsWith(dir) || !existsSync(file)) broken.push(`${from} → ${href} (no such file)`);
    else if (anchor !== '' && !ids.get(url.href)?.has(anchor))
      broken.push(`${from} → ${href} (no #${anchor})`);
  }
  return { broken, followed: links.length };
}

const htmlPages = (files: readonly DocsFile[]) => files.map((f) => f.path).filter((p) => p.endsWith('.html'));

let browser: Browser;
let root: string;

beforeAll(async () => {
  browser = await launchChromium();
  root = await mkdtemp(join(tmpdir(), 'strata-docs-browser-'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** What the browser checks on a site, whichever project it documents. */
function siteSuite(
  name: string,
  key: string,
  load: () => Promise<{ data: DocsData; files: DocsFile[]; dir: string }>,
) {
  describe(name, () => {
    let data: DocsData;
    let files: DocsFile[];
    let dir: string;

    beforeAll(async () => {
      ({ data, files, dir } = await load());
    }, 600_000);

    it('every link of every page reaches a file and its anchor, and no page logs an error', async () => {
      const { broken, followed } = await crawl(browser, dir, htmlPages(files));
      expect(broken).toEqual([]);
      expect(followed).toBeGreaterThan(htmlPages(files).length);
    }, 600_000);

    it('the lineage graph holds every node of the DAG, and hovering one lights its lineage', async () => {
      const { page, errors } = await open(browser, dir, 'lineage.html');
      try {
        const shown = await page.$$eval('svg.lineage g[data-node]', (gs) =>
          gs.map((g) => g.getAttribute('data-node')),
        );
        expect(shown.sort()).toEqual(data.lineage.nodes.map((n) => n.id).sort());
        expect(await page.$$('svg.lineage path.lg-edge')).toHaveLength(data.lineage.edges.length);
        // A node with both upstream and downstream: hovered, the others of its lineage stay lit.
        const middle = data.lineage.nodes.find(
          (n) =>
            data.lineage.edges.some((e) => e.target === n.id) &&
            data.lineage.edges.some((e) => e.source === n.id),
        );
        expect(middle).toBeDefined();
        await page.hover(`svg.lineage g[data-node="${middle?.id}"] rect`);
        const lit = await page.$$eval('svg.lineage g.is-up, svg.lineage g.is-down', (gs) =>
          gs.map((g) => g.getAttribute('data-node')),
        );
        const parents = data.lineage.edges.filter((e) => e.target === middle?.id).map((e) => e.source);
        const children = data.lineage.edges.filter((e) => e.source === middle?.id).map((e) => e.target);
        expect(lit).toEqual(expect.arrayContaining([...parents, ...children]));
        expect(await page.$eval('svg.lineage', (svg) => svg.classList.contains('lg-active'))).toBe(true);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('search finds a column by a word of its description, and its link opens the column', async () => {
      const { page, errors } = await open(browser, dir, 'index.html');
      try {
        // A word of a column's description that is in neither its name nor its model's: only the
        // description can match it.
        const wordOf = (c: { model: string; name: string; description: string | null }) =>
          (c.description ?? '')
            .split(/\W+/)
            .filter((w) => w.length >= 6)
            .find((w) => !`${c.model} ${c.name}`.toLowerCase().includes(w.toLowerCase()));
        const column = data.models
          .flatMap((m) => m.columns.map((c) => ({ model: m.name, ...c })))
          .find((c) => wordOf(c) !== undefined);
        expect(column).toBeDefined();
        const query = `${column?.model ?? ''} ${column ? wordOf(column) : ''}`;
        await page.fill('form[data-role="search"] input[name="q"]', query);
        const result = page.locator('[data-role="search-results"] a', {
          hasText: `${column?.model}.${column?.name}`,
        });
        await result.first().waitFor();
        // The arrow keys reach the results from the box.
        await page.press('form[data-role="search"] input[name="q"]', 'ArrowDown');
        expect(
          await page.evaluate<string | null>(
            "document.activeElement?.closest('[data-role=search-results]') ? 'result' : null",
          ),
        ).toBe('result');
        await result.first().click();
        await page.waitForURL(/#col-/);
        expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#col-${slug(column?.name ?? '')}`);
        // The column's row is on screen (the page scrolled to it), below the sticky header.
        const row = await page.locator(`tr[id="col-${slug(column?.name ?? '')}"]`).boundingBox();
        const header = await page.locator('header.top').boundingBox();
        expect(row && header && row.y >= header.y + header.height && row.y < 900).toBe(true);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('Enter in the search box of a page lists every result on search.html', async () => {
      const model = data.models[0];
      const { page, errors } = await open(browser, dir, `models/${slug(model?.name ?? '')}.html`);
      try {
        await page.fill('form[data-role="search"] input[name="q"]', model?.name ?? '');
        await page.press('form[data-role="search"] input[name="q"]', 'Enter');
        await page.waitForURL(/search\.html\?q=/);
        await page.waitForSelector('[data-role="search-page-results"] li');
        const status = await page.textContent('[data-role="search-status"]');
        const shown = await page.$$eval('[data-role="search-page-results"] li', (lis) => lis.length);
        expect(status).toBe(`${shown} result${shown === 1 ? '' : 's'} for “${model?.name}”`);
        // The model itself first, then its columns, whose node it names.
        expect(await page.textContent('[data-role="search-page-results"] li:first-child .name')).toBe(
          model?.name,
        );
        expect(shown).toBeGreaterThan(model?.columns.length ?? 0);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('looks right at a laptop’s and a phone’s width (screenshots)', async () => {
      const model = data.models.find((m) => m.name === 'fact_orders') ?? data.models[0];
      const check = data.checks.find((c) => c.latest?.status === 'fail') ?? data.checks[0];
      const types: [string, string | undefined][] = [
        ['index', 'index.html'],
        ['lineage', 'lineage.html'],
        ['coverage', 'coverage.html'],
        ['checks', 'checks.html'],
        ['source', files.find((f) => f.path.startsWith('sources/'))?.path],
        ['seed', files.find((f) => f.path.startsWith('seeds/'))?.path],
        ['model', model && `models/${slug(model.name)}.html`],
        ['check', check && `checks/${slug(check.id)}.html`],
        ['page', files.find((f) => f.path.startsWith('pages/'))?.path],
      ];
      for (const width of [1280, 390]) {
        for (const [type, path] of types) {
          if (!path) continue;
          const { page, errors } = await open(browser, dir, path, width);
          // Nothing wider than the screen but what scrolls in its own box.
          const overflow = await page.evaluate<number>(
            'document.documentElement.scrollWidth - window.innerWidth',
          );
          expect(overflow, `${path} at ${width}px`).toBeLessThanOrEqual(0);
          await page.screenshot({
            path: join(SCREENSHOTS, `docs-${key}-${type}-${width}.png`),
            fullPage: true,
          });
          expect(errors).toEqual([]);
          await page.close();
        }
      }
    }, 120_000);
  });
}

describe('without JavaScript', () => {
  it('shows every page but the search box, the graphs drawn and linked', async () => {
    const dir = join(root, 'no-js');
    const files = renderDocsSite(sampleDocsData());
    await writeSite(files, dir);
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(join(dir, 'models/fact_orders.html')).href);
      expect(await page.isVisible('form[data-role="search"]')).toBe(false);
      expect(await page.isVisible('table[data-role="columns"]')).toBe(true);
      expect(await page.$$('svg.lineage g[data-node] a')).not.toHaveLength(0);
      await page.click('svg.lineage g[data-node="stg_orders"] a');
      await page.waitForURL(/models\/stg_orders\.html$/);
      expect(await page.textContent('h1 [data-role="title"], h1')).toMatch(/^stg_orders/);
    } finally {
      await context.close();
    }
  });
});

siteSuite('a hand-built project', 'sample', async () => {
  const data = sampleDocsData();
  const files = renderDocsSite(data);
  const dir = join(root, 'sample');
  await writeSite(files, dir);
  return { data, files, dir };
});

/** Both packs' demo projects, built once (a fortnight of tiny data, a few defects). */
let packs: Promise<string> | undefined;
const packsDir = () =>
  (packs ??= (async () => {
    const dir = join(root, 'demo');
    const results = await demoPacks({ dir, pack: 'all', days: 14, scale: 0.01, defects: 0.01 });
    expect(results.map((r) => r.exitCode)).toEqual([0, 0]);
    return dir;
  })());

async function packSite(pack: string) {
  const projectDir = join(await packsDir(), pack);
  const { data, files } = await withProject({ projectDir }, (project, engine) =>
    buildDocsSite(project, engine),
  );
  const dir = join(root, `site-${pack}`);
  await writeDocsSite(files, dir);
  return { data, files, dir };
}

for (const pack of ['ecommerce', 'saas']) siteSuite(`the ${pack} pack`, pack, () => packSite(pack));

describe('the e-commerce pack’s fact_orders', () => {
  let data: DocsData;
  let dir: string;

  beforeAll(async () => {
    ({ data, dir } = await packSite('ecommerce'));
  }, 600_000);

  it('shows its columns, their descriptions, and its checks with their latest results', async () => {
    const model = data.models.find((m) => m.name === 'fact_orders');
    if (!model) throw new Error('no fact_orders');
    const { page, errors } = await open(browser, dir, 'models/fact_orders.html');
    try {
      const rows = await page.$$eval('table[data-role="columns"] tbody tr', (trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-column'),
          tr.querySelector('.col-desc')?.textContent?.trim() ?? '',
        ]),
      );
      expect(rows).toEqual(model.columns.map((c) => [c.name, c.description ?? '—']));
      expect(rows.length).toBeGreaterThan(10);
      const checks = data.checks.filter((c) => c.target === 'fact_orders');
      expect(checks.length).toBeGreaterThan(0);
      const shown = await page.$$eval('table[data-role="checks"] tbody tr', (trs) =>
        trs.map((tr) => [tr.getAttribute('data-check'), tr.getAttribute('data-status')]),
      );
      expect(shown).toEqual(checks.map((c) => [c.id, c.latest?.status ?? '']));
      expect(checks.some((c) => c.latest !== null)).toBe(true);
      // The column a check is on shows it, with its newest status.
      const onColumn = checks.find((c) => c.column !== null && c.latest !== null);
      if (onColumn) {
        const badge = await page.getAttribute(
          `tr[data-column="${onColumn.column}"] a[data-check="${onColumn.id}"] .badge`,
          'data-status',
        );
        expect(badge).toBe(onColumn.latest?.status);
      }
      expect(await page.textContent('[data-role="compiled-sql"]')).toBe(model.compiledSql);
      // Each column's lineage: its inputs, as the data has them, each a link to the column's row.
      const lineage = model.columnLineage;
      expect(lineage?.parseError ?? null).toBeNull();
      const inputs = await page.$$eval('table[data-role="columns"] tbody tr', (trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-column'),
          [...tr.querySelectorAll('.col-lineage[data-label="Comes from"] > .inputs a')].map(
            (a) => a.textContent,
          ),
        ]),
      );
      const expected = new Map(
        (lineage?.columns ?? []).map((c) => [c.column, c.inputs.map((i) => `${i.node}.${i.column}`)]),
      );
      expect(inputs).toEqual(model.columns.map((c) => [c.name, expected.get(c.name) ?? []]));
      expect(inputs.find(([name]) => name === 'order_id')?.[1]).toEqual(['stg_orders.order_id']);
      // And, through stg_orders, back to the orders source's column (and order_lines', the other feed).
      const origins = await page.$$eval('tr[data-column="order_id"] [data-role="origins"] a', (as) =>
        as.map((a) => a.textContent),
      );
      expect(origins).toContain('orders.order_id');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('leads to itself in the whole graph, lit with its lineage and in view', async () => {
    const { page, errors } = await open(browser, dir, 'models/fact_orders.html', 390);
    try {
      await page.click('[data-role="in-whole-graph"]');
      await page.waitForURL(/lineage\.html#node-fact_orders$/);
      await page.waitForSelector('html[data-ready="true"]');
      const node = page.locator('svg.lineage g[data-node="fact_orders"]');
      expect(await node.getAttribute('class')).toContain('is-on');
      const upstream = data.lineage.edges.filter((e) => e.target === 'fact_orders').map((e) => e.source);
      for (const id of upstream) {
        expect(await page.getAttribute(`svg.lineage g[data-node="${id}"]`, 'class')).toContain('is-up');
      }
      const box = await node.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844).toBe(
        true,
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('leads upstream, page by page, back to the orders source', async () => {
    // A walk over the upstream links the pages show, from fact_orders to the source's page.
    const seen = new Set<string>();
    const queue = [pathToFileURL(join(dir, 'models/fact_orders.html')).href];
    const tab = await browser.newPage();
    try {
      while (queue.length > 0) {
        const url = queue.shift() as string;
        if (seen.has(url)) continue;
        seen.add(url);
        await tab.goto(url);
        const ups = await tab.$$eval('[data-role="upstream"] a', (as) =>
          as.map((a) => a.getAttribute('href') ?? ''),
        );
        queue.push(...ups.map((href) => new URL(href, url).href));
      }
    } finally {
      await tab.close();
    }
    expect(seen).toContain(pathToFileURL(join(dir, 'sources/orders.html')).href);
  });
});

describe('a page under strata serve’s /docs', () => {
  it('runs its script under the server’s CSP: search and the graph work', async () => {
    const served = await serveInChromium([join(await packsDir(), 'ecommerce')]);
    try {
      const slug = served.site.projects[0]?.slug ?? '';
      const page = await served.browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = collectErrors(page);
      const response = await page.goto(
        new URL(`/docs/${slug}/models/fact_orders.html`, served.server.url).href,
      );
      expect(response?.headers()['content-security-policy'] ?? '').toContain("script-src 'self'");
      await page.waitForSelector('html[data-ready="true"]');
      await page.fill('form[data-role="search"] input[name="q"]', 'fact_orders customer_sk');
      await page
        .locator('[data-role="search-results"] a', { hasText: 'fact_orders.customer_sk' })
        .first()
        .waitFor();
      expect(await page.$$('svg.lineage g[data-node="fact_orders"]')).toHaveLength(1);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'docs-served-model-1280.png'), fullPage: false });
      await page.close();
    } finally {
      await served.close();
    }
  }, 600_000);
});
