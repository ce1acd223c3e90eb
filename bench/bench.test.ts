import { describe, expect, it } from 'vitest';
import { EVENTS, ORDERS } from '../src/generate/feeds.ts';
import { BENCH_DEFAULTS, BenchUsageError, parseBenchArgs } from './args.ts';
import { bareReadSql, columnType, rowInsertSql } from './bare-sql.ts';
import { inputParams } from './dashboards.ts';
import {
  type BenchReport,
  type DashboardResult,
  type PackEngineResult,
  formatRatio,
  readsDuringFullRunText,
  renderReport,
  scalingRows,
  throughputRatio,
  timeRatio,
} from './report.ts';
import { percentile, rate, summarize } from './stats.ts';

describe('parseBenchArgs', () => {
  it('has the documented defaults', () => {
    const args = parseBenchArgs([]);
    expect(args).toMatchObject({
      scales: [BENCH_DEFAULTS.scale],
      days: [30],
      engine: 'duckdb',
      out: 'bench-results',
      data: 'bench-results/data',
      runs: 3,
      packs: ['ecommerce', 'saas'],
      sample: 5000,
      requests: 20,
      loads: 3,
      exportRows: 1_000_000,
      help: false,
    });
  });

  it('reads every option, with a space or an equals sign', () => {
    const args = parseBenchArgs([
      '--scale',
      '0.01',
      '--days=3',
      '--runs',
      '1',
      '--engine',
      'both',
      '--pack',
      'saas',
      '--out',
      'x/',
      '--requests',
      '0',
      '--loads=1',
      '--export',
      '0',
    ]);
    expect(args).toMatchObject({
      scales: [0.01],
      days: [3],
      runs: 1,
      engine: 'both',
      packs: ['saas'],
      out: 'x/',
      data: 'x/data',
      requests: 0,
      loads: 1,
      exportRows: 0,
    });
    expect(parseBenchArgs(['--scales', '0.1,1']).scales).toEqual([0.1, 1]);
  });

  it.each([
    [['--scale', '0'], /--scale must be a number above 0/],
    [['--scale', '0.1', '--scales', '1,2'], /not both/],
    [['--export', '5'], /--export must be 0 or a whole number from 1000/],
    [['--scales', '1,1'], /twice/],
    [['--days', '2.5'], /--days must be a whole number/],
    [['--runs', '0'], /--runs/],
    [['--engine', 'mysql'], /--engine must be duckdb, postgres or both/],
    [['--pack', 'crm'], /--pack/],
    [['--start', '2025-13-45'], /--start/],
    [['--days'], /needs a value/],
    [['--frobnicate', '1'], /Unknown argument/],
    [['--runs', '2', '--runs', '3'], /given twice/],
    [['--requests', '-1'], /--requests must be a whole number from 0/],
    [['--loads', '0'], /--loads must be a whole number from 1/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('summarize', () => {
  it('gives the median, min and max of odd and even counts', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(summarize([7])).toEqual({ median: 7, min: 7, max: 7, n: 1 });
    expect(() => summarize([])).toThrow();
  });

  it('rates rows per second at the median', () => {
    expect(rate(1000, summarize([500, 400, 2000]))).toBe(2000);
    expect(rate(10, summarize([0]))).toBe(0);
  });
});

describe('percentile', () => {
  it('takes the nearest rank: p95 of 20 values is the 19th, p50 of 4 the 2nd', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(twenty, 95)).toBe(19);
    expect(percentile(twenty, 100)).toBe(20);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([7], 95)).toBe(7);
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 0)).toThrow(/p must be/);
  });
});

describe('dashboard inputs', () => {
  it('sends what the browser sends: date ranges as _from/_to, a dropdown unless it is "all"', () => {
    const params = inputParams([
      {
        kind: 'date_range',
        name: 'period',
        label: 'Period',
        from: '2025-01-01',
        to: '2025-01-30',
        min: null,
        max: null,
      },
      { kind: 'dropdown', name: 'channel', label: 'Channel', value: 'web', options: ['web', 'store'] },
      { kind: 'dropdown', name: 'plan', label: 'Plan', value: null, options: ['pro'], all: 'All plans' },
    ]);
    expect(params.toString()).toBe('period_from=2025-01-01&period_to=2025-01-30&channel=web');
  });
});

describe('ratios', () => {
  const strata = summarize([4000]);
  const bare = summarize([1000]);
  it('compares throughput on the same input and time against a reference', () => {
    expect(throughputRatio(strata, bare, 'bare read').value).toBe(0.25);
    expect(timeRatio(strata, bare, 'bare read').value).toBe(4);
    expect(formatRatio(throughputRatio(strata, bare, 'bare read'))).toBe('0.25× bare read');
    expect(formatRatio(timeRatio(strata, bare, 'bare read'))).toBe('4.0× the time of bare read');
  });
});

describe('reference SQL', () => {
  it('reads a feed with its columns and types', () => {
    const sql = bareReadSql(EVENTS, ['/d/e/2025-01-01.csv', "/d/it's.csv"], 't0');
    expect(sql).toMatch(/^CREATE TABLE "t0" AS SELECT "event_id", "event_time"/);
    expect(sql).toContain("read_csv(['/d/e/2025-01-01.csv', '/d/it''s.csv']");
    expect(sql).toContain("'revenue': 'DECIMAL(12,2)'");
    expect(columnType(ORDERS.columns.find((c) => c.name === 'items')!)).toMatch(
      /^STRUCT\("line_number" BIGINT.*\)\[\]$/,
    );
    expect(bareReadSql(ORDERS, ['/o.json'], 't1')).toContain("format = 'array'");
  });

  it('inserts one row per statement with parameters', () => {
    const sql = rowInsertSql(EVENTS, 'target');
    expect(sql).toMatch(/^INSERT INTO "target" VALUES \(\$1, CAST\(NULLIF\(\$2, ''\) AS TIMESTAMP\)/);
    expect(sql).toMatch(/\$16\)$/);
  });
});

function result(scale: number, pipelineMs: number, rss: number, records: number): PackEngineResult {
  const ms = summarize([pipelineMs, pipelineMs * 0.9, pipelineMs * 1.2]);
  const bare = summarize([pipelineMs / 10]);
  return {
    pack: 'ecommerce',
    scale,
    days: 30,
    engine: 'duckdb',
    status: 'measured',
    dataset: {
      dir: '/d',
      key: 'k',
      reused: false,
      files: 217,
      bytes: 1 << 20,
      rangeRecords: records,
      dayRecords: 100,
    },
    figures: [
      {
        stage: 'ingest + validate: events',
        group: 'ingest',
        rows: records,
        rowsLabel: 'records',
        ms,
        rowsPerSecond: rate(records, ms),
        ratios: [throughputRatio(ms, bare, 'bare read')],
      },
      {
        stage: 'pipeline',
        group: 'pipeline',
        rows: records,
        rowsLabel: 'records',
        ms,
        rowsPerSecond: rate(records, ms),
        peakRssBytes: summarize([rss]),
      },
      {
        stage: 'incremental day',
        group: 'incremental',
        rows: 100,
        rowsLabel: 'records',
        ms: summarize([1000]),
        rowsPerSecond: 100,
        peakRssBytes: summarize([rss]),
      },
    ],
    references: [
      {
        stage: 'row-by-row INSERT: all feeds',
        group: 'reference',
        rows: records,
        rowsLabel: 'records',
        ms: summarize([pipelineMs * 20]),
        rowsPerSecond: 1,
        extrapolated: true,
        note: 'extrapolated from 5,000 rows',
      },
    ],
    problems: [],
  };
}

describe('report', () => {
  const results = [result(0.1, 10_000, 300 * 2 ** 20, 100_000), result(1, 80_000, 600 * 2 ** 20, 1_000_000)];
  const report: BenchReport = {
    harness: 'strata bench',
    formatVersion: 1,
    startedAt: '2025-06-01T10:00:00.000Z',
    finishedAt: '2025-06-01T10:10:00.000Z',
    command: 'npm run bench -- --scales 0.1,1',
    args: parseBenchArgs(['--scales', '0.1,1']),
    machine: {
      cpus: 2,
      cpuModel: 'Test CPU',
      memoryBytes: 8 * 2 ** 30,
      os: 'Linux',
      node: 'v20.0.0',
      duckdb: 'v1.3.0',
      strata: '0.1.0',
    },
    load: { start: [1, 2, 3], end: [1.5, 2, 3], min1: 0.5, max1: 4.25 },
    results: [
      ...results,
      {
        ...result(0.1, 1, 1, 1),
        engine: 'postgres',
        status: 'unavailable',
        reason: 'no server',
        figures: [],
        references: [],
      },
    ],
    scaling: scalingRows(results),
    notes: ['a note'],
  };

  it('shows how time and memory grow against the first scale', () => {
    expect(report.scaling.map((r) => r.growth)).toEqual([
      { records: 1, time: 1, memory: 1 },
      { records: 10, time: 8, memory: 2 },
    ]);
  });

  it('renders the machine, the tables with ratios, extrapolations, scaling and unavailable engines', () => {
    const md = renderReport(report);
    expect(md).toContain('# strata bench — 2025-06-01 10:00:00 UTC');
    expect(md).toContain(
      'Machine: 2 cores (Test CPU), 8.00 GiB memory, Linux; Node v20.0.0, DuckDB v1.3.0, strata 0.1.0.',
    );
    expect(md).toContain('1-minute load when a step started: 0.50 – 4.25');
    expect(md).toContain('median of 3 runs');
    expect(md).toContain(
      '| ingest + validate: events | 100,000 records | 10.0 s | 9.00 s – 12.0 s | 10 k/s |  | 0.10× bare read |  |',
    );
    expect(md).toContain('| row-by-row INSERT: all feeds *(extrapolated)* | 100,000 records | 200 s |');
    expect(md).toContain('## Scaling');
    expect(md).toContain(
      '| ecommerce | duckdb | 1 | 1,000,000 | 80.0 s | 13 k/s | 600 MiB | 1.00 s | 600 MiB | 10.0× / 8.0× / 2.0× |',
    );
    expect(md).toContain('**Not measured — unavailable:** no server');
    expect(md).toContain('- a note');
    expect(md).not.toContain('## Start-up');
  });

  it('renders start-up times against node -e 0', () => {
    const node = summarize([60, 55, 70]);
    const help = summarize([200, 180, 1500]);
    const md = renderReport({
      ...report,
      startup: {
        runs: 3,
        figures: [
          { command: 'node -e 0', ms: node },
          { command: 'strata --help', ms: help, ratio: timeRatio(help, node, 'node -e 0'), note: 'n' },
        ],
        problems: [],
        load1: { min: 0.5, max: 1.25 },
        note: 'strata status not measured',
      },
    });
    expect(md).toContain('## Start-up');
    expect(md).toContain('1-minute load when a process started: 0.50 – 1.25.');
    expect(md).toContain('| `node -e 0` | 60 ms | 55 ms – 70 ms |  |  |');
    expect(md).toContain('| `strata --help` | 200 ms | 180 ms – 1.50 s | 3.3× | n |');
    expect(md).toContain('strata status not measured');
  });

  it('renders the dashboards: the summary against the target, the render, reads during a run, the table', () => {
    const latency = (p50Ms: number, p95Ms: number, maxMs: number) => ({
      requests: 20,
      failed: 0,
      p50Ms,
      p95Ms,
      maxMs,
    });
    const dashboards: DashboardResult = {
      project: 'ecommerce-1-duckdb',
      pages: 2,
      queries: 2,
      clients: 8,
      requestsPerQuery: 20,
      targetP95Ms: 250,
      figures: [
        {
          page: 'executive',
          query: '(page view)',
          kind: 'page',
          rows: 0,
          aloneMs: 20,
          ...latency(40, 60, 70),
        },
        { page: 'executive', query: 'kpis', kind: 'query', rows: 1, aloneMs: 30, ...latency(80, 120, 130) },
        {
          page: 'sales',
          query: 'by_day',
          kind: 'query',
          rows: 1234,
          aloneMs: 75,
          ...latency(200, 300.4, 1500),
          failed: 1,
        },
      ],
      overall: {
        requests: 40,
        failed: 1,
        p50Ms: 150,
        p95Ms: 290,
        maxMs: 1500,
        wallMs: 2000,
        requestsPerSecond: 30,
      },
      overTarget: 1,
      render: {
        page: 'executive',
        loads: 3,
        ms: summarize([900, 1100, 1000]),
        componentErrors: 0,
        consoleErrors: [],
      },
      readsDuringRun: {
        page: 'executive',
        clients: 8,
        requests: 50,
        failed: 0,
        p50Ms: 5.25,
        p95Ms: 400,
        maxMs: 600,
        run: { window: 'run --date 2025-01-31', ms: 4500, status: 'success', rowsWritten: 12345 },
        failures: [],
      },
      load1: 1.5,
      problems: [],
    };
    const base = report.results[1] as PackEngineResult;
    const md = renderReport({ ...report, results: [{ ...base, dashboards }] });
    expect(md).toContain('### Dashboards');
    expect(md).toContain('8 concurrent clients request every query 20 times');
    expect(md).toContain('Target: p95 ≤ 250 ms per query. 1-minute load at the start: 1.50.');
    expect(md).toContain(
      '**2 queries, 40 requests in 2.00 s (30/s): p50 150 ms, p95 290 ms (1.2× the target), max 1.50 s; 1 of 2 queries over the target at p95; 1 failed.**',
    );
    expect(md).toContain('median of 3 cold loads: **1.00 s** (900 ms – 1.10 s).');
    expect(md).toContain(
      "`run --date 2025-01-31` (the incremental day again) ran in the server's process (4.50 s, success, 12,345 rows written) while 8 clients kept requesting `executive`'s queries: 50 of 50 answered, 0 failed; p50 5.3 ms, p95 400 ms, max 600 ms.",
    );
    expect(md).toContain('| page | query | rows | alone | requests | p50 | p95 | max | p95 / 250 ms |');
    expect(md).toContain('| executive | *(page view)* |  | 20 ms | 20 | 40 ms | 60 ms | 70 ms |  |');
    expect(md).toContain('| executive | kpis | 1 | 30 ms | 20 | 80 ms | 120 ms | 130 ms | 0.48× |');
    expect(md).toContain(
      '| sales | by_day | 1,234 | 75 ms | 20 (1 failed) | 200 ms | 300 ms | 1.50 s | **1.2×** |',
    );

    const skipped = renderReport({
      ...report,
      results: [
        {
          ...base,
          dashboards: {
            ...dashboards,
            render: {
              page: 'mrr',
              loads: 0,
              componentErrors: 0,
              consoleErrors: [],
              skipped: 'no chromium at /x',
            },
          },
        },
      ],
    });
    expect(skipped).toContain('First complete render of `mrr` in Chromium: not measured — no chromium at /x');
  });

  it('reports the dashboard p95 while a full run writes against the same reads with no run', () => {
    const full = {
      page: 'executive',
      clients: 2,
      idle: { requests: 80, failed: 0, p50Ms: 10, p95Ms: 40, maxMs: 50 },
      during: { requests: 120, failed: 1, p50Ms: 30, p95Ms: 100, maxMs: 400 },
      run: { window: 'run --full-refresh', ms: 9000, status: 'success', rowsWritten: 50_000 },
      p95Ratio: 2.5,
      targetRatio: 3,
      failures: ['500 DASHBOARD_QUERY_FAILED'],
    };
    const text = readsDuringFullRunText(full);
    expect(text).toContain('with no run (80 requests: p50 10 ms, p95 40 ms)');
    expect(text).toContain(
      "while `run --full-refresh` ran in the server's process (9.00 s, success, 50,000 rows written; 119 of 120 answered, 1 failed (500 DASHBOARD_QUERY_FAILED): p50 30 ms, p95 100 ms)",
    );
    expect(text).toContain('**p95 2.5× the idle p95** (target ≤ 3×, within).');
    expect(readsDuringFullRunText({ ...full, p95Ratio: 3.5 })).toContain('(target ≤ 3×, over)');
  });
});
