/**
 * A pack's dashboards over the warehouse the bench built, measured in the child process
 * (bench/child.ts) where the server runs: `strata serve`'s app started in-process on 127.0.0.1
 * (openDashboardSite + startServer, port 0), clients over real HTTP on loopback (Node's fetch).
 *
 * 1. Every page's view (`GET /api/<project>/pages/<page>`) gives its inputs' resolved defaults;
 *    each query is requested once with them (a check that it answers, and its row count).
 * 2. Each target alone: `ALONE_REQUESTS` requests one after the other (the median: what the
 *    target costs without the other clients, to read the concurrent figures against).
 * 3. `clients` concurrent clients take requests from one list — every page view and every query,
 *    `requestsPerQuery` rounds, pages in order — and time each one, body read; p50/p95/max.
 * 4. The executive page's first complete render in Chromium (playwright-core, Debian's chromium):
 *    navigation start to the page root's `data-state="ready"`, cold loads (a fresh context each).
 * 5. Reads while a run writes: `run --date D` in this process while `readClients` clients keep
 *    requesting the executive page's queries, until the run is over.
 * 6. Reads while a full run writes: the same clients and queries, first with no run
 *    (`IDLE_ROUNDS` rounds), then while `run --full-refresh` (every model rebuilt from every date)
 *    writes in this process; the p95 during the run over the p95 with none (target ≤ 3×).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openDashboardSite } from '../src/api/dashboard-site.ts';
import { run } from '../src/api/run.ts';
import type { InputView, PageView, QueryResultView, ServerIndex } from '../src/dashboards/views.ts';
import { startServer } from '../src/serve/start-server.ts';
import type {
  DashboardLatency,
  DashboardQueryFigure,
  DashboardRender,
  DashboardResult,
  ReadsDuringFullRun,
  ReadsDuringRun,
} from './report.ts';
import { percentile, summarize } from './stats.ts';

export interface DashboardJob {
  projectDir: string;
  /** The page timed in Chromium and read while the run writes (e-commerce `executive`, SaaS `mrr`). */
  executivePage: string;
  /** The day the run while reading loads (`run --date`). */
  runDate: string;
  clients: number;
  /** Clients requesting the executive page's queries while the run writes. */
  readClients: number;
  requestsPerQuery: number;
  renderLoads: number;
  targetP95Ms: number;
  /** Debian's chromium; the render is skipped, saying so, when it is missing. */
  chromium: string;
}

/** Sequential requests per target for its time alone. */
const ALONE_REQUESTS = 3;

/** Rounds of the executive page's queries with no run, the baseline of the full run's reads. */
const IDLE_ROUNDS = 10;

/** A full run may slow the dashboard's p95 by this factor at most. */
export const FULL_RUN_TARGET_RATIO = 3;

interface Target {
  page: string;
  query: string;
  kind: 'query' | 'page';
  url: string;
  rows: number;
}

interface Sample {
  ms: number;
  ok: boolean;
  /** `500 DASHBOARD_QUERY_FAILED`, `fetch failed: ...`. */
  failure?: string;
}

/** What the browser sends a query: every input's resolved value (src/web/inputs.ts). */
export function inputParams(inputs: readonly InputView[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const input of inputs) {
    if (input.kind === 'date_range') {
      if (input.from !== null) params.set(`${input.name}_from`, input.from);
      if (input.to !== null) params.set(`${input.name}_to`, input.to);
    } else if (input.value !== null) {
      params.set(input.name, input.value);
    }
  }
  return params;
}

function withParams(url: string, params: URLSearchParams): string {
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

async function request(url: string): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await fetch(url);
    const body = await response.text();
    const ms = performance.now() - started;
    if (response.status === 200) return { ms, ok: true };
    let code = '';
    try {
      code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? '';
    } catch {
      // Not JSON: the status says enough.
    }
    return { ms, ok: false, failure: `${response.status}${code ? ` ${code}` : ''}` };
  } catch (error) {
    const ms = performance.now() - started;
    return {
      ms,
      ok: false,
      failure: `fetch failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body.slice(0, 500)}`);
  return JSON.parse(body) as T;
}

/** `clients` workers, each taking the next item and awaiting it, until `next` gives none. */
async function drive<T>(
  clients: number,
  next: () => T | undefined,
  each: (item: T) => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let item = next(); item !== undefined; item = next()) await each(item);
    }),
  );
}

function latency(samples: readonly Sample[]): DashboardLatency {
  const ms = samples.map((s) => s.ms);
  return {
    requests: samples.length,
    failed: samples.filter((s) => !s.ok).length,
    p50Ms: ms.length > 0 ? percentile(ms, 50) : 0,
    p95Ms: ms.length > 0 ? percentile(ms, 95) : 0,
    maxMs: ms.length > 0 ? Math.max(...ms) : 0,
  };
}

export async function measureDashboards(job: DashboardJob): Promise<DashboardResult> {
  const load1 = loadavg()[0] ?? 0;
  const problems: string[] = [];
  const site = await openDashboardSite({ projectDirs: [job.projectDir] });
  try {
    const server = await startServer({ site, port: 0, host: '127.0.0.1' });
    try {
      const base = server.url.replace(/\/$/, '');
      const index = await getJson<ServerIndex>(`${base}/api`);
      const project = index.projects[0];
      if (!project) throw new Error('the server serves no project');

      // 1. Page views, then each query once with the inputs they resolved.
      const targets: Target[] = [];
      const views = new Map<string, { view: PageView; params: URLSearchParams }>();
      for (const page of project.pages) {
        const view = await getJson<PageView>(`${base}${page.api}`);
        if (view.missingModels.length > 0) {
          problems.push(`${page.name}: models not built: ${view.missingModels.join(', ')}`);
        }
        for (const p of view.problems) problems.push(`${page.name}: ${p.code} ${p.message}`);
        const params = inputParams(view.inputs);
        views.set(page.name, { view, params });
        targets.push({
          page: page.name,
          query: '(page view)',
          kind: 'page',
          url: `${base}${page.api}`,
          rows: 0,
        });
        for (const q of view.queries) {
          const url = withParams(`${base}${q.url}`, params);
          const response = await fetch(url);
          const body = await response.text();
          if (response.status !== 200) {
            problems.push(`${page.name}/${q.name}: ${response.status} ${body.slice(0, 300)}`);
            targets.push({ page: page.name, query: q.name, kind: 'query', url, rows: 0 });
            continue;
          }
          const result = JSON.parse(body) as QueryResultView;
          targets.push({ page: page.name, query: q.name, kind: 'query', url, rows: result.total });
        }
      }

      // 2. Each target alone, one request at a time.
      const alone = new Map<Target, number>();
      for (const target of targets) {
        const times: number[] = [];
        for (let i = 0; i < ALONE_REQUESTS; i++) times.push((await request(target.url)).ms);
        alone.set(target, summarize(times).median);
      }

      // 3. The concurrent clients: every target, round after round.
      const list = Array.from({ length: job.requestsPerQuery }, () => targets).flat();
      const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
      let position = 0;
      const started = performance.now();
      await drive(
        job.clients,
        () => list[position++],
        async (target) => {
          samples.get(target)?.push(await request(target.url));
        },
      );
      const wallMs = performance.now() - started;
      const figures: DashboardQueryFigure[] = targets.map((t) => ({
        page: t.page,
        query: t.query,
        kind: t.kind,
        rows: t.rows,
        aloneMs: alone.get(t) ?? 0,
        ...latency(samples.get(t) ?? []),
      }));
      for (const t of targets) {
        const failures = (samples.get(t) ?? []).filter((s) => !s.ok);
        if (failures.length > 0) {
          problems.push(
            `${t.page}/${t.query}: ${failures.length} request(s) failed (${failures[0]?.failure ?? ''})`,
          );
        }
      }
      const querySamples = targets.filter((t) => t.kind === 'query').flatMap((t) => samples.get(t) ?? []);
      const overall = {
        ...latency(querySamples),
        wallMs,
        requestsPerSecond: wallMs > 0 ? list.length / (wallMs / 1000) : 0,
      };
      const queryFigures = figures.filter((f) => f.kind === 'query');

      // 4. The executive page in Chromium.
      const executive = project.pages.find((p) => p.name === job.executivePage);
      if (!executive) problems.push(`no page named ${job.executivePage}`);
      const render = await measureRender(
        job,
        executive ? `${base}${executive.url}` : undefined,
        job.executivePage,
      );

      // 5. Reads while a run writes, in this process.
      const executiveView = views.get(job.executivePage);
      const readsDuringRun = executiveView
        ? await readsWhileRunning(
            job,
            executiveView.view.queries.map((q) => withParams(`${base}${q.url}`, executiveView.params)),
          )
        : undefined;
      if (readsDuringRun && readsDuringRun.failed > 0) {
        problems.push(`${readsDuringRun.failed} read(s) failed while the run wrote`);
      }
      if (readsDuringRun && readsDuringRun.run.status !== 'success') {
        problems.push(`the run while reading ended ${readsDuringRun.run.status}`);
      }

      // 6. Reads with no run, then while a full run writes.
      const readsDuringFullRun = executiveView
        ? await readsWhileFullRun(
            job,
            executiveView.view.queries.map((q) => withParams(`${base}${q.url}`, executiveView.params)),
          )
        : undefined;
      if (readsDuringFullRun && readsDuringFullRun.during.failed > 0) {
        problems.push(`${readsDuringFullRun.during.failed} read(s) failed while the full run wrote`);
      }
      if (readsDuringFullRun && readsDuringFullRun.run.status !== 'success') {
        problems.push(`the full run while reading ended ${readsDuringFullRun.run.status}`);
      }

      return {
        project: project.name,
        pages: project.pages.length,
        queries: queryFigures.length,
        clients: job.clients,
        requestsPerQuery: job.requestsPerQuery,
        targetP95Ms: job.targetP95Ms,
        figures,
        overall,
        overTarget: queryFigures.filter((f) => f.p95Ms > job.targetP95Ms).length,
        render,
        ...(readsDuringRun ? { readsDuringRun } : {}),
        ...(readsDuringFullRun ? { readsDuringFullRun } : {}),
        load1,
        problems,
      };
    } finally {
      await server.close();
    }
  } finally {
    await site.close();
  }
}

/**
 * Records, in the page, when the root first becomes `ready` (a MutationObserver installed before
 * the page's script runs), on the page's own clock: milliseconds since navigation start.
 */
const READY_PROBE = `(() => {
  const watch = () => {
    const app = document.getElementById('app');
    if (!app) return;
    const seen = () => {
      if (app.dataset.state === 'ready' && window.__strataReadyAt === undefined) {
        window.__strataReadyAt = performance.now();
      }
    };
    new MutationObserver(seen).observe(app, { attributes: true, attributeFilter: ['data-state'] });
    seen();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
  else watch();
})();`;

async function measureRender(
  job: DashboardJob,
  url: string | undefined,
  page: string,
): Promise<DashboardRender> {
  const render: DashboardRender = { page, loads: 0, componentErrors: 0, consoleErrors: [] };
  if (!url) return { ...render, skipped: `the project has no page ${page}` };
  if (!existsSync(job.chromium)) {
    return {
      ...render,
      skipped: `no chromium at ${job.chromium} (apt-get install chromium, or set STRATA_CHROMIUM)`,
    };
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: job.chromium,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < job.renderLoads; i++) {
      // A fresh context: no cache, no cookies — a cold load of the page and its bundle.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      try {
        const tab = await context.newPage();
        tab.on('console', (message) => {
          if (message.type() === 'error') render.consoleErrors.push(message.text());
        });
        tab.on('pageerror', (error) => render.consoleErrors.push(error.message));
        await tab.addInitScript(READY_PROBE);
        await tab.goto(url, { waitUntil: 'commit' });
        const handle = await tab.waitForFunction(
          () => (globalThis as { __strataReadyAt?: number }).__strataReadyAt,
          undefined,
          { timeout: 120_000 },
        );
        times.push(Number(await handle.jsonValue()));
        render.componentErrors += await tab.locator('#app [data-component][data-state="error"]').count();
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { ...render, loads: times.length, ...(times.length > 0 ? { ms: summarize(times) } : {}) };
}

async function readsWhileRunning(job: DashboardJob, urls: readonly string[]): Promise<ReadsDuringRun> {
  const { samples, ran } = await readDuring(job, urls, { date: job.runDate });
  const failures = [...new Set(samples.filter((s) => !s.ok).map((s) => s.failure ?? ''))];
  return {
    page: job.executivePage,
    clients: job.readClients,
    ...latency(samples),
    run: { window: `run --date ${job.runDate}`, ...ran },
    failures: failures.slice(0, 5),
  };
}

async function readsWhileFullRun(job: DashboardJob, urls: readonly string[]): Promise<ReadsDuringFullRun> {
  // The baseline: the same clients and queries, IDLE_ROUNDS rounds, nothing else running.
  const idle: Sample[] = [];
  const list = Array.from({ length: IDLE_ROUNDS }, () => urls).flat();
  let position = 0;
  await drive(
    job.readClients,
    () => list[position++],
    async (url) => {
      idle.push(await request(url));
    },
  );
  const { samples, ran } = await readDuring(job, urls, { fullRefresh: true });
  const failures = [...new Set(samples.filter((s) => !s.ok).map((s) => s.failure ?? ''))];
  const idleLatency = latency(idle);
  const during = latency(samples);
  return {
    page: job.executivePage,
    clients: job.readClients,
    idle: idleLatency,
    during,
    run: { window: 'run --full-refresh', ...ran },
    p95Ratio: idleLatency.p95Ms > 0 ? during.p95Ms / idleLatency.p95Ms : 0,
    targetRatio: FULL_RUN_TARGET_RATIO,
    failures: failures.slice(0, 5),
  };
}

/** Requests `urls` round after round from `readClients` clients while a run writes, until it ends. */
async function readDuring(
  job: DashboardJob,
  urls: readonly string[],
  what: { date?: string; fullRefresh?: boolean },
): Promise<{ samples: Sample[]; ran: { ms: number; status: string; rowsWritten: number } }> {
  const samples: Sample[] = [];
  let done = false;
  const started = performance.now();
  const running = run({ projectDir: job.projectDir, ...what, trigger: 'bench', command: 'bench' })
    .then(
      ({ summary }) => ({
        ms: performance.now() - started,
        status: summary.status as string,
        rowsWritten: summary.tasks.reduce((a, t) => a + (t.rows?.rowsOut ?? 0), 0),
      }),
      (error: unknown) => ({
        ms: performance.now() - started,
        status: `failed: ${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)}`,
        rowsWritten: 0,
      }),
    )
    .finally(() => {
      done = true;
    });
  // Keep requesting until the run is over, and at least one round of every query.
  let position = 0;
  await drive(
    job.readClients,
    () => (done && position >= urls.length ? undefined : urls[position++ % urls.length]),
    async (url) => {
      samples.push(await request(url));
    },
  );
  return { samples, ran: await running };
}
