/**
 * The monitor's runs views in a real Chromium, served by `strata serve`'s app over a project whose
 * run has a failed error check, quarantined records and a retried task: the list and the run page
 * show what audit holds, the timeline has a bar per task attempt, and a run started while the page
 * is open appears and fills in without a reload. Screenshots at a laptop's and a phone's width in
 * test-artifacts/screenshots/.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResponse } from '../../src/api/run.ts';
import { createMonitorProject, monitorConfig, plantFailOnce } from '../helpers/monitor-project.ts';
import type { TestProject } from '../helpers/project.ts';
import { SCREENSHOTS, type ServedInChromium, serveInChromium } from './chromium.ts';

let project: TestProject;
let served: ServedInChromium;
let slug: string;
let runId: string;

beforeAll(async () => {
  project = await createMonitorProject();
  const result = await project.run({ from: '2025-06-01', to: '2025-06-02' });
  expect(result.exitCode).toBe(1);
  runId = result.summary.runId;
  served = await serveInChromium([project.dir], project.env);
  slug = served.site.projects[0]?.slug ?? '';
}, 180_000);

afterAll(async () => {
  await served?.close();
  await project?.dispose();
});

function open(path: string, width: number): ReturnType<ServedInChromium['open']> {
  return served.open(path, width);
}

describe.each([1280, 390])('at %i px', (width) => {
  it('lists the run with the figures audit holds', async () => {
    const { page, errors } = await open(`/${slug}/monitor`, width);
    const [recorded] = await project.query(
      `select m.quarantined, m.checks_failed, cast(m.rows_by_layer as varchar) as layers,
              (select count(*) from audit.alerts a where a.run_id = m.run_id) as alerts
       from audit.daily_metrics m where m.run_id = '${runId}'`,
    );
    const row = page.locator(`tr[data-run="${runId}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('failed');
    const [times] = await project.query(
      `select cast(started_at as varchar) as started, cast(finished_at as varchar) as ended from audit.pipeline_runs where run_id = '${runId}'`,
    );
    const startedTitle = await row.locator('[data-role=started]').getAttribute('title');
    expect(startedTitle).toContain(`started ${String(times?.started).slice(0, 19)} UTC`);
    expect(startedTitle).toContain(`ended ${String(times?.ended).slice(0, 19)} UTC`);
    expect(await row.locator('[data-role=quarantined]').textContent()).toBe(String(recorded?.quarantined));
    expect(await row.locator('[data-role=checks-failed]').textContent()).toBe(
      String(recorded?.checks_failed),
    );
    expect(await row.locator('[data-role=alerts]').textContent()).toBe(String(recorded?.alerts));
    const layers = JSON.parse(String(recorded?.layers)) as Record<string, number>;
    for (const layer of ['raw', 'staging', 'warehouse', 'marts']) {
      const text = await row.locator(`[data-layer=${layer}]`).textContent();
      expect(text).toBe(layer in layers ? (layers[layer] as number).toLocaleString('en-US') : '—');
      expect(await row.locator(`[data-layer=${layer}]`).getAttribute('title')).toMatch(
        layer in layers ? / rows$/ : /not recorded$/,
      );
    }
    // The sidebar has the monitor's views; the current one is marked.
    if (width < 800) await page.click('[data-role=menu]');
    expect(
      await page.locator('[data-role=monitor-nav] a').evaluateAll((a) => a.map((x) => x.textContent)),
    ).toEqual(['Runs', 'Checks', 'Quarantine', 'Reconciliation', 'Lineage']);
    expect(await page.locator('[data-role=monitor-nav] a[aria-current=page]').textContent()).toBe('Runs');
    // And a link to the project's documentation site.
    expect(await page.locator('[data-role=docs-link]').getAttribute('href')).toBe(`/docs/${slug}/`);
    await page.screenshot({ path: join(SCREENSHOTS, `monitor-runs-${width}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the run page: its report, a bar per task attempt, the skipped task with its reason', async () => {
    const { page, errors } = await open(`/${slug}/monitor/runs/${runId}`, width);
    const attempts = await project.query(
      `select task_id, attempt, status from audit.task_runs where run_id = '${runId}' order by task_id, attempt`,
    );
    const bars = await page.locator('[data-role=attempt]').evaluateAll((nodes) =>
      nodes.map((n) => ({
        task_id: n.getAttribute('data-task'),
        attempt: Number(n.getAttribute('data-attempt')),
        status: n.getAttribute('data-status'),
      })),
    );
    bars.sort((a, b) => String(a.task_id).localeCompare(String(b.task_id)) || a.attempt - b.attempt);
    expect(bars).toEqual(attempts.map((a) => ({ ...a, attempt: Number(a.attempt) })));
    expect(await page.locator('[data-task="fact_orders"][data-role=attempt]').count()).toBe(2);
    expect(await page.locator('[data-fact=status]').textContent()).toBe('failed');
    const skipped = page.locator('[data-role=timeline-task][data-task="big_order_count"]');
    expect(await skipped.locator('[data-role=skip-reason]').textContent()).toBe(
      'skipped: upstream big_orders:checks failed (CHECK_FAILED)',
    );
    expect(await page.locator('[data-role=timeline-task][data-critical=true]').count()).toBeGreaterThan(1);
    expect(await page.locator('[data-role=run-checks] tr[data-status=fail]').count()).toBe(1);
    const title = await page
      .locator('[data-role=attempt][data-task="fact_orders"][data-attempt="1"]')
      .getAttribute('title');
    expect(title).toContain('planted conflict');
    expect(title).toContain('status: failed');
    await page.screenshot({ path: join(SCREENSHOTS, `monitor-run-${width}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('live progress', () => {
  it('shows a run started while the page is open, its tasks filling in without a reload', async () => {
    const { page, errors } = await open(`/${slug}/monitor/runs`, 1280);
    expect(await page.locator('tr[data-run]').count()).toBe(1);
    // The next run retries its slow task twice, with seconds between attempts: long enough to watch.
    await project.write({ 'strata.config.ts': monitorConfig({ retryDelayMs: 3000, retryMaxDelayMs: 3000 }) });
    await plantFailOnce(project, 2);
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    // A full refresh: fact_orders, built by the run before, would otherwise be skipped as unchanged.
    const started: Promise<RunResponse> = project.run({
      from: '2025-06-01',
      to: '2025-06-02',
      fullRefresh: true,
    });
    // The list polls: the new run appears, running.
    const running = page.locator('tr[data-run][data-status=running]');
    await running.waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    const newRunId = (await running.getAttribute('data-run')) as string;
    // Its page, while it runs: bars are added as attempts start and end, until it is over.
    await page.click(`tr[data-run="${newRunId}"] a`);
    await page.waitForSelector(
      '[data-live=true] [data-role=timeline], [data-live=true] [data-role=timeline-card]',
    );
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    const first = await page.locator('[data-role=attempt]').count();
    const result = await started;
    await page.waitForSelector('.monitor-run[data-live=false]', { timeout: 20_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    const attempts = await project.query(
      `select count(*) as n from audit.task_runs where run_id = '${newRunId}'`,
    );
    const last = await page.locator('[data-role=attempt]').count();
    expect(last).toBe(Number(attempts[0]?.n));
    expect(last).toBeGreaterThan(first);
    expect(result.summary.runId).toBe(newRunId);
    expect(await page.locator('[data-task="fact_orders"][data-role=attempt]').count()).toBe(3);
    expect(await page.locator('[data-fact=status]').textContent()).toBe(result.summary.status);
    await page.screenshot({ path: join(SCREENSHOTS, `monitor-run-live-1280.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('a run with nothing new', () => {
  it('draws the tasks skipped as unchanged apart from those a failure skipped, and keys them', async () => {
    const { summary } = await project.run({ from: '2025-06-01', to: '2025-06-02' });
    const unchanged = await project.query(
      `select task_id from audit.task_runs where run_id = '${summary.runId}' and error_code = 'TASK_UNCHANGED' order by 1`,
    );
    expect(unchanged.length).toBeGreaterThan(0);
    const { page, errors } = await open(`/${slug}/monitor/runs/${summary.runId}`, 1280);
    await page.waitForSelector('[data-role=timeline]');
    const drawn = await page
      .locator('[data-role=attempt].gantt-unchanged')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-task')).sort());
    expect(drawn).toEqual(unchanged.map((r) => r.task_id));
    // Still skipped for audit and the tests' hooks; only the colour and the key tell them apart.
    expect(await page.locator('[data-role=attempt].gantt-unchanged[data-status=skipped]').count()).toBe(
      unchanged.length,
    );
    expect(await page.locator('.gantt-legend [data-key=unchanged]').textContent()).toBe('unchanged');
    // A critical path only where something ran: a chain of tasks that never ran explains nothing.
    const ran = await project.query(
      `select count(*) as n from audit.task_runs where run_id = '${summary.runId}' and status <> 'skipped'`,
    );
    const pathShown = await page.locator('[data-role=critical-path]').count();
    expect(pathShown).toBe(Number(ran[0]?.n) > 0 ? 1 : 0);
    await page.screenshot({ path: join(SCREENSHOTS, `monitor-run-unchanged-1280.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
