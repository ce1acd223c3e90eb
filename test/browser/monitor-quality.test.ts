/**
 * The monitor's quality views in Chromium (playwright-core), served by `strata serve`'s app over a
 * project whose run has a failing error check, quarantined records (one resolved by a fixed
 * contract and a rerun) and a reconciliation that adds up: each view shows what audit holds
 * (queried here on the served engine), the lineage graph holds every model and a click on a node
 * lists its neighbours. Screenshots at 1280 and 390 px in test-artifacts/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSourceLoads } from '../../src/audit/source-loads.ts';
import type { Engine } from '../../src/engine/types.ts';
import type { TestProject } from '../helpers/project.ts';
import { monitorProject } from '../serve/monitor-quality-project.ts';
import { SCREENSHOTS, type ServedInChromium, pageReady, serveInChromium } from './chromium.ts';

let project: TestProject;
let served: ServedInChromium;
let engine: Engine;
let slug: string;

beforeAll(async () => {
  project = await monitorProject();
  served = await serveInChromium([project.dir], project.env);
  slug = served.site.projects[0]?.slug ?? '';
  engine = served.site.project(slug).engine;
}, 120_000);

afterAll(async () => {
  await served?.close();
  await project?.dispose();
});

async function audit(sql: string): Promise<Record<string, unknown>[]> {
  return (await engine.query(sql)).rows;
}

function open(path: string, width: number): ReturnType<ServedInChromium['open']> {
  return served.open(path, width);
}

async function shot(page: Page, name: string, width: number): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `monitor-${name}-${width}.png`), fullPage: true });
}

describe.each([1280, 390])('at %i px', (width) => {
  it('the checks view shows each check’s newest status and its history strip', async () => {
    const { page, errors } = await open(`/${slug}/monitor/checks`, width);
    try {
      const rows = await audit(
        'select check_id, status, run_id from audit.dq_results order by started_at, run_id, check_id',
      );
      const newest = new Map<string, string>();
      for (const r of rows) newest.set(String(r.check_id), String(r.status));
      const shown = await page.$$eval('tr[data-check]', (trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-check'),
          tr.getAttribute('data-status'),
          [...tr.querySelectorAll('.mq-cell')].map((c) => c.getAttribute('data-status')),
        ]),
      );
      expect(new Map(shown.map(([id, status]) => [id, status]))).toEqual(newest);
      const failing = shown.find(([id]) => id === 'fact_orders:small_amounts');
      expect(failing?.[2]).toEqual(
        rows.filter((r) => r.check_id === 'fact_orders:small_amounts').map((r) => r.status),
      );
      expect(errors).toEqual([]);
      await shot(page, 'checks', width);
    } finally {
      await page.close();
    }
  });

  it('a check page shows its SQL and its sample of failing rows', async () => {
    const { page, errors } = await open(
      `/${slug}/monitor/checks/${encodeURIComponent('fact_orders:small_amounts')}`,
      width,
    );
    try {
      const [row] = await audit(
        "select check_sql from audit.dq_results where check_id = 'fact_orders:small_amounts' order by started_at desc limit 1",
      );
      expect(await page.textContent('[data-role="sql"]')).toBe(String(row?.check_sql));
      const ids = await page.$$eval('[data-role="sample"] tbody tr', (trs) => trs.length);
      expect(ids).toBe(2);
      expect(await page.getAttribute('[data-monitor-view="check"]', 'data-status')).toBe('fail');
      expect(errors).toEqual([]);
      await shot(page, 'check', width);
    } finally {
      await page.close();
    }
  });

  it('the quarantine shows every record as received, the resolved one marked, and counts by reason', async () => {
    const { page, errors } = await open(`/${slug}/monitor/quarantine`, width);
    try {
      const rows = await audit(
        `select raw_record, resolved_run_id, reason_code from audit.bad_records
         order by load_date desc, source, source_file, record_position, source_line, field`,
      );
      const shown = await page.$$eval('[data-role="records"] tbody tr', (trs) =>
        trs.map((tr) => [
          tr.querySelector('[data-role="raw"]')?.textContent,
          tr.getAttribute('data-resolved'),
        ]),
      );
      expect(shown).toEqual(rows.map((r) => [r.raw_record ?? '—', String(r.resolved_run_id !== null)]));
      expect(shown.map(([raw]) => raw)).toContain('11,1,1.00,caf\\xE9,3/16/2025');
      const counts = await page.$$eval('[data-role="reasons"] li', (lis) =>
        lis.map((li) => [li.getAttribute('data-reason'), Number(li.getAttribute('data-count'))]),
      );
      const byReason = new Map<string, number>();
      for (const r of rows)
        byReason.set(String(r.reason_code), (byReason.get(String(r.reason_code)) ?? 0) + 1);
      expect(new Map(counts as [string, number][])).toEqual(byReason);
      expect(await page.$$('[data-role="reasons"] canvas')).not.toHaveLength(0);
      expect(errors).toEqual([]);
      await shot(page, 'quarantine', width);
      // A filter narrows it, in the address too.
      await page.fill('input[name="reason"]', 'invalid_type');
      await page.click('[data-role="filters"] button[type="submit"]');
      await page.waitForURL(/reason=invalid_type/);
      await pageReady(page);
      const reasons = await page.$$eval('[data-role="records"] tbody tr', (trs) =>
        trs.map((tr) => tr.getAttribute('data-reason')),
      );
      expect(reasons).toEqual(rows.filter((r) => r.reason_code === 'invalid_type').map(() => 'invalid_type'));
    } finally {
      await page.close();
    }
  });

  it('the reconciliation adds up per source and date, and shows rows per layer', async () => {
    const { page, errors } = await open(`/${slug}/monitor/reconciliation`, width);
    try {
      const rows = await audit(
        `select load_date, received, staged, quarantined, duplicates from (
           select l.*, row_number() over (partition by l.source, l.load_date order by r.started_at desc, l.run_id desc) as n
           from audit.source_loads l join audit.pipeline_runs r on r.run_id = l.run_id) x
         where n = 1 order by source, load_date`,
      );
      const shown = await page.$$eval('[data-role="loads"] tbody tr', (trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-mismatch'),
          ...[...tr.querySelectorAll('td.num')]
            .slice(1, 5)
            .map((td) => Number(td.textContent?.replace(/,/g, ''))),
        ]),
      );
      expect(shown).toEqual(
        rows.map((r) => [
          'false',
          Number(r.received),
          Number(r.staged),
          Number(r.quarantined),
          Number(r.duplicates),
        ]),
      );
      const runs = await audit('select run_id from audit.daily_metrics');
      expect(await page.$$('[data-role="layers"] tbody tr')).toHaveLength(runs.length);
      expect(await page.$$('.mq-mismatch')).toHaveLength(0);
      expect(errors).toEqual([]);
      await shot(page, 'reconciliation', width);
    } finally {
      await page.close();
    }
  });

  it('the lineage graph holds every model, and a click on a node lists its neighbours', async () => {
    const { page, errors } = await open(`/${slug}/monitor/lineage`, width);
    try {
      const graph = served.site.project(slug).project.graph;
      const nodes = await page.$$eval('[data-role="nodes"] [data-node]', (items) =>
        items.map((item) => [item.getAttribute('data-node'), item.getAttribute('data-kind')]),
      );
      const models = [...graph.nodes.values()]
        .filter((n) => n.kind === 'model')
        .map((n) => n.name)
        .sort();
      expect(
        nodes
          .filter(([, kind]) => kind === 'model')
          .map(([id]) => id)
          .sort(),
      ).toEqual(models);
      expect(Number(await page.getAttribute('[data-role="graph"]', 'data-nodes'))).toBe(nodes.length);
      // Click fact_orders where the graph draws it (on the canvas).
      const item = await page.$('[data-role="nodes"] [data-node="fact_orders"]');
      const x = Number(await item?.getAttribute('data-x'));
      const y = Number(await item?.getAttribute('data-y'));
      await page.locator('[data-role="graph"]').scrollIntoViewIfNeeded();
      await page.locator('[data-role="graph"] canvas').first().click({ position: { x, y } });
      await page.waitForSelector('[data-role="selected"][data-node="fact_orders"]');
      const list = (role: string) =>
        page.$$eval(`[data-role="selection"] [data-role="${role}"] [data-node]`, (lis) =>
          lis.map((li) => li.getAttribute('data-node')),
        );
      expect(await list('upstream')).toEqual(graph.upstream.get('fact_orders'));
      expect(await list('downstream')).toEqual(['daily_orders', 'fact_orders:checks']);
      const [task] = await audit(
        "select rows_out from audit.task_runs where task_id = 'fact_orders' order by started_at desc, attempt desc limit 1",
      );
      expect(await page.textContent('[data-role="selection"] [data-role="rows"]')).toBe(
        Number(task?.rows_out).toLocaleString('en-US'),
      );
      expect(errors).toEqual([]);
      await shot(page, 'lineage', width);
    } finally {
      await page.close();
    }
  });
});

it('a load date that does not add up stands out in the reconciliation', async () => {
  const [run] = await audit('select run_id from audit.pipeline_runs order by started_at desc limit 1');
  await recordSourceLoads(engine, String(run?.run_id), 'orders', [
    {
      loadDate: '2025-03-17',
      files: 1,
      counts: { received: 10, staged: 5, quarantined: 1, duplicates: 0 },
      reconciled: false,
    },
  ]);
  const { page, errors } = await open(`/${slug}/monitor/reconciliation`, 1280);
  try {
    const flagged = await page.$$eval('[data-role="loads"] tr.mq-mismatch', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-date'), tr.getAttribute('data-mismatch')]),
    );
    expect(flagged).toEqual([['2025-03-17', 'true']]);
    expect(await page.textContent('[data-role="loads"] tr.mq-mismatch [data-role="difference"]')).toContain(
      '4',
    );
    expect(await page.getAttribute('[data-monitor-view="reconciliation"]', 'data-mismatches')).toBe('1');
    expect(errors).toEqual([]);
    await shot(page, 'reconciliation-mismatch', 1280);
  } finally {
    await page.close();
  }
});
