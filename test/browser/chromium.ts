/**
 * Debian's chromium driven by playwright-core, which never downloads a browser: `.ci/run`
 * installs the package (`apt-get install chromium`). The flags keep it off the network (this
 * machine's only network is loopback) and let it run as root in a container.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import { type RunningServer, startServer } from '../../src/serve/start-server.ts';

export const CHROMIUM = process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go: test artefacts, gitignored, looked at by people. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}: apt-get install -y chromium (or set STRATA_CHROMIUM).`,
    );
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Console errors and page errors of a page, collected from its first load. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Waits until every component of the page has drawn its data or shown its error. */
export async function pageReady(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector('#app[data-state="ready"]', { timeout });
}

/** Projects served by `strata serve`'s server on a free port, and a browser to open its pages. */
export interface ServedInChromium {
  site: DashboardSite;
  server: RunningServer;
  browser: Browser;
  /** A new page at `width` (a laptop's or a phone's height), its console errors collected, once ready. */
  open(path: string, width: number): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function serveInChromium(
  projectDirs: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<ServedInChromium> {
  const site = await openDashboardSite({ projectDirs, ...(env ? { env } : {}) });
  const server = await startServer({ site, port: 0 });
  const browser = await launchChromium();
  return {
    site,
    server,
    browser,
    async open(path, width) {
      const page = await browser.newPage({ viewport: { width, height: width > 800 ? 900 : 844 } });
      const errors = collectErrors(page);
      await page.goto(new URL(path, server.url).href);
      await pageReady(page);
      return { page, errors };
    },
    async close() {
      await browser.close();
      await server.close();
      await site.close();
    },
  };
}
