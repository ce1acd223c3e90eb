import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchArgs } from './args.ts';
import {
  coveredMs,
  formatTarget,
  type IncrementalResult,
  type IncrementalSubject,
  incrementalRows,
  judge,
  memoryText,
  problemTasks,
  renderFixedCosts,
  renderIncremental,
  type RunCosts,
  statusCounts,
  type TaskRow,
  taskGroups,
} from './incremental.ts';
import { summarize } from './stats.ts';

const task = (
  name: string,
  materialization: string,
  status: string,
  durationMs: number,
  span?: [number, number],
): TaskRow => ({
  task: name,
  kind: materialization === 'checks' ? 'checks' : materialization === 'source' ? 'source' : 'model',
  materialization,
  status,
  durationMs,
  ...(span ? { startedMs: span[0], finishedMs: span[1] } : {}),
});

describe('--days', () => {
  it('takes one history or several, smallest first, each once', () => {
    expect(parseBenchArgs(['--days', '365,30']).days).toEqual([30, 365]);
    expect(parseBenchArgs([]).days).toEqual([30]);
    expect(() => parseBenchArgs(['--days', '30,30'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--days', '30,x'])).toThrow(/--days must be a whole number/);
  });
});

describe('targets', () => {
  it('judges a ceiling and a floor, and says whether each is met', () => {
    expect(judge('dayOfPipeline', 0.1).met).toBe(true);
    expect(judge('dayOfPipeline', 0.25).met).toBe(false);
    expect(judge('pipelineOfBare', 0.33).met).toBe(true);
    expect(judge('pipelineOfBare', 0.12).met).toBe(false);
    expect(formatTarget(judge('dayOfPipeline', 0.083))).toBe('8.3% (target ≤ 10%, ✓ met)');
    expect(formatTarget(judge('dayOfPipeline', 0.25))).toBe('**25%** (target ≤ 10%, ✗ not met)');
    expect(formatTarget(judge('dayOfBareDay', 12.4))).toBe('**12×** (target ≤ 4×, ✗ not met)');
    expect(formatTarget(judge('growth', 1.2))).toBe('1.20× (target ≤ 1.5×, ✓ met)');
    expect(formatTarget(judge('pipelineOfBare', 0.12))).toBe('**0.12×** (target ≥ 0.33×, ✗ not met)');
  });
});

describe('tasks from audit.task_runs', () => {
  const run1 = [
    task('orders', 'source', 'success', 300, [0, 300]),
    task('events', 'source', 'skipped', 0),
    task('stg_orders', 'view', 'success', 40, [300, 340]),
    task('daily_sales', 'table', 'success', 200, [310, 510]),
    task('daily_sales:checks', 'checks', 'success', 50, [510, 560]),
    task('fct', 'incremental', 'failed', 10, [600, 610]),
  ];
  const run2 = [task('orders', 'source', 'success', 500), task('stg_orders', 'view', 'success', 60)];

  it('groups by materialisation, gates apart: counts from the first run, times pooled', () => {
    const groups = taskGroups([run1, run2]);
    expect(groups.map((g) => g.group)).toEqual(['source', 'view', 'table', 'incremental', 'gate']);
    expect(groups[0]).toEqual({
      group: 'source',
      ran: 1,
      skipped: 1,
      other: 0,
      sumMs: 400,
      medianMs: 400,
      maxMs: 500,
    });
    expect(groups[3]).toMatchObject({ group: 'incremental', ran: 0, other: 1, medianMs: 0 });
    expect(groups[4]).toMatchObject({ group: 'gate', ran: 1, sumMs: 25 });
    expect(statusCounts(run1)).toEqual({ success: 4, skipped: 1, failed: 1 });
  });

  it('counts the time covered by tasks once where they overlap', () => {
    expect(coveredMs(run1)).toBe(570);
    expect(coveredMs(run2)).toBeUndefined();
  });

  it('takes a skip for nothing to do unless something failed', () => {
    const quiet = [task('a', 'source', 'skipped', 0), task('b', 'view', 'success', 1)];
    expect(problemTasks(quiet)).toEqual([]);
    expect(problemTasks(run1).map((t) => t.task)).toEqual(['events', 'fct']);
    expect(problemTasks([task('a', 'view', 'unchanged', 0), task('b', 'view', 'interrupted', 1)])).toEqual([
      task('b', 'view', 'interrupted', 1),
    ]);
  });
});

describe('memory', () => {
  it('reads DuckDB memory limits and compares a peak with the limit plus Node', () => {
    expect(memoryText(900 * 2 ** 20, '1GB', 150 * 2 ** 20)).toBe(
      '900 MiB (limit 1GB + Node 150 MiB: within)',
    );
    expect(memoryText(2 * 2 ** 30, '1GB', 150 * 2 ** 20)).toContain('**over**');
    expect(memoryText(2 * 2 ** 30, undefined, 1)).toBe('2.00 GiB (no memory limit configured)');
  });
});

function costs(ms: number, statuses: Record<string, number> = { success: 70 }): RunCosts {
  return {
    ms: summarize([ms]),
    processMs: summarize([ms + 900]),
    peakRssBytes: summarize([500 * 2 ** 20]),
    baseRssBytes: 140 * 2 ** 20,
    statuses,
    groups: taskGroups([
      [task('orders', 'source', 'success', 300), task('x:checks', 'checks', 'success', 40)],
    ]),
    outsideTasksMs: summarize([700]),
    gateMs: summarize([40]),
  };
}

function subject(
  engine: string,
  historyDays: number,
  dayMs: number,
  extra: Partial<IncrementalResult> = {},
): IncrementalSubject {
  return {
    pack: 'ecommerce',
    engine,
    scale: 0.1,
    incremental: {
      historyDays,
      date: '2025-01-31',
      records: 6000,
      memoryLimit: '1GB',
      pipeline: {
        ms: summarize([historyDays * 1000]),
        peakRssBytes: summarize([600 * 2 ** 20]),
        records: 1e6,
      },
      day: costs(dayMs),
      bareDayMs: summarize([500]),
      bareAllMs: summarize([historyDays * 100]),
      ...extra,
    },
  };
}

describe('incremental day', () => {
  const results = [
    subject('duckdb', 30, 2400),
    subject('duckdb', 365, 3000),
    subject('postgres', 30, 6000),
    { pack: 'saas', engine: 'duckdb', scale: 0.1 },
  ];

  it('rates the day against the pipeline, the bare read of its files and the shorter history', () => {
    const rows = incrementalRows(results);
    expect(rows).toHaveLength(3);
    const [month, year, pg] = rows;
    expect(month?.dayOfPipeline.value).toBeCloseTo(0.08);
    expect(month?.dayOfBareDay?.value).toBeCloseTo(4.8);
    expect(month?.growth).toBeUndefined();
    expect(month?.pipelineOfBare?.value).toBeCloseTo(0.1);
    expect(year?.growth).toMatchObject({ againstDays: 30, met: true });
    expect(year?.growth?.value).toBeCloseTo(1.25);
    // A growth compares the same engine only.
    expect(pg?.growth).toBeUndefined();
  });

  it('renders the targets beside the figures, and memory beside the limit', () => {
    const md = renderIncremental(results);
    expect(md).toContain('## Incremental day');
    expect(md).toContain(
      '| ecommerce | duckdb | 0.1 | 30 days | 2.40 s | 30.0 s | 8.0% (target ≤ 10%, ✓ met) | **4.80×** (target ≤ 4×, ✗ not met) |  | **0.10×** (target ≥ 0.33×, ✗ not met) |',
    );
    expect(md).toContain('| 1.25× (target ≤ 1.5×, ✓ met) vs 30 days |');
    expect(md).toContain('600 MiB (limit 1GB + Node 140 MiB: within)');
    expect(md).toContain('PostgreSQL: its own server settings');
    expect(md).toContain("| 600 MiB (strata's process; the server not included) |");
    expect(renderIncremental([{ pack: 'saas', engine: 'duckdb', scale: 1 }])).toBe('');
  });

  it('itemises the fixed costs: start-up, opening, the run with nothing changed, tasks by kind', () => {
    const withRerun = [
      subject('duckdb', 30, 2400, {
        rerun: costs(1500, { success: 40, skipped: 30 }),
        open: { projectMs: summarize([600]), warehouseMs: summarize([80]) },
      }),
      subject('postgres', 30, 6000, {
        rerun: { ...costs(2500), server: { statements: 812, transactions: 75 } },
      }),
    ];
    const md = renderFixedCosts(withRerun, { nodeMs: 50, helpMs: 250, statusMs: 900 });
    expect(md).toContain('## Fixed per-run costs');
    expect(md).toContain('- loading the CLI: `strata --help` 250 ms (200 ms over `node -e 0`)');
    expect(md).toContain('| opening the project | 600 ms |');
    expect(md).toContain(
      '| `strata run --date D` where nothing changed | 2.40 s | the CLI process start to exit, as cron runs it (peak RSS 500 MiB); 40 tasks ran, 30 skipped |',
    );
    expect(md).toContain('| … the runner | 1.50 s |');
    expect(md).toContain('| … … outside any task | 700 ms |');
    expect(md).toContain('| … statements on the server | 812 |');
    expect(md).toContain('| source | 1 | 0 | 300 ms | 300 ms | 300 ms | 1 / 0 | 300 ms | 300 ms |');
    expect(md).toContain('| gate | 1 | 0 | 40 ms |');
    expect(md).toContain('needs instrumentation');
    expect(renderFixedCosts([subject('duckdb', 30, 1)])).toBe('');
  });

  it("itemises the run's own count of statements and audit writes", () => {
    const statements = {
      count: 140,
      ms: 900,
      auditWrites: 80,
      auditBatches: 6,
      auditStatements: 14,
      auditMs: 120,
    };
    const md = renderFixedCosts([
      subject('duckdb', 30, 2400, { rerun: { ...costs(1500, { success: 40, skipped: 30 }), statements } }),
    ]);
    expect(md).toContain(
      "| … statements | 140 · 900 ms | strata's count, run lock to summary (2.0 a task over 70 tasks);",
    );
    expect(md).toContain(
      '| … audit writes | 80 → 14 statements · 120 ms | rows written to audit.pipeline_runs, task_runs and dq_results, in 6 batches',
    );
  });
});
