/** The bench's results (bench.json) and their Markdown rendering (bench.md). Pure. */
import type { BenchArgs } from './args.ts';
import { type IncrementalResult, renderFixedCosts, renderIncremental } from './incremental.ts';
import { rate, type Stat } from './stats.ts';

export interface Ratio {
  value: number;
  /** The reference figure's stage name. */
  against: string;
  /** How to read the value, e.g. 'throughput ÷ reference throughput'. */
  meaning: 'throughput' | 'time';
}

export interface Figure {
  stage: string;
  group: 'generate' | 'ingest' | 'layer' | 'checks' | 'pipeline' | 'incremental' | 'reference';
  /** Records read (ingest, pipeline, references), rows written (layers) or gates run (checks). */
  rows: number;
  rowsLabel: string;
  ms: Stat;
  rowsPerSecond: number;
  peakRssBytes?: Stat;
  cpuMs?: Stat;
  ratios?: Ratio[];
  /** 'extrapolated from 5,000 rows', 'sum of task times', ... */
  note?: string;
  extrapolated?: boolean;
}

export interface PackEngineResult {
  pack: string;
  scale: number;
  days: number;
  engine: 'duckdb' | 'postgres';
  /** measured; unavailable: the engine could not be used here (reason says why). */
  status: 'measured' | 'unavailable' | 'failed';
  reason?: string;
  dataset: {
    dir: string;
    key: string;
    reused: boolean;
    files: number;
    bytes: number;
    rangeRecords: number;
    dayRecords: number;
  };
  figures: Figure[];
  references: Figure[];
  /** Runs whose pipeline had failed tasks (they are still timed). */
  problems: string[];
  /** The pack's dashboards served over the built warehouse (bench/dashboards.ts); absent when not measured. */
  dashboards?: DashboardResult;
  /** The incremental day against the targets, and the fixed costs of a run (bench/incremental.ts). */
  incremental?: IncrementalResult;
}

/** One page query (or a page view) requested over HTTP by the concurrent clients. */
export interface DashboardQueryFigure {
  page: string;
  /** The query's name; '(page view)' for `GET /api/<project>/pages/<page>`. */
  query: string;
  kind: 'query' | 'page';
  /** Rows of the whole result with the default inputs (0 for a page view). */
  rows: number;
  /** Median of a few requests one after the other, no other client: the query's own cost. */
  aloneMs: number;
  requests: number;
  /** Requests not answered 200. */
  failed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface DashboardLatency {
  requests: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Time to the first complete render of one page in Chromium. */
export interface DashboardRender {
  page: string;
  /** Cold loads (a fresh browser context each, so nothing cached). */
  loads: number;
  /** From navigation start to the page root's `data-state="ready"` (the page's own clock). */
  ms?: Stat;
  /** Components shown in error on a load (they count as settled for `ready`). */
  componentErrors: number;
  /** Console and page errors seen on the loads. */
  consoleErrors: string[];
  /** Why it was not measured (no chromium). */
  skipped?: string;
}

/** The executive page's queries requested while a pipeline run writes in the same process. */
export interface ReadsDuringRun extends DashboardLatency {
  page: string;
  clients: number;
  /** The run: `run --date D` in the server's process. */
  run: { window: string; ms: number; status: string; rowsWritten: number };
  /** The first few failures (status and error code). */
  failures: string[];
}

/**
 * The executive page's queries with no run, then while a full run (`run --full-refresh`: every
 * model rebuilt from every date) writes in the same process: the same clients and queries.
 */
export interface ReadsDuringFullRun {
  page: string;
  clients: number;
  idle: DashboardLatency;
  during: DashboardLatency;
  run: { window: string; ms: number; status: string; rowsWritten: number };
  /** during.p95Ms / idle.p95Ms. */
  p95Ratio: number;
  /** The ratio aimed at (3: a full run may slow the dashboard's p95 threefold at most). */
  targetRatio: number;
  failures: string[];
}

/** `npm run bench` over a pack's dashboards: the server in-process, clients over loopback HTTP. */
export interface DashboardResult {
  project: string;
  pages: number;
  /** Page queries (page views not counted). */
  queries: number;
  clients: number;
  requestsPerQuery: number;
  targetP95Ms: number;
  figures: DashboardQueryFigure[];
  /** Every query request of the concurrent phase (page views not counted). */
  overall: DashboardLatency & { wallMs: number; requestsPerSecond: number };
  /** Queries whose p95 is above the target. */
  overTarget: number;
  render: DashboardRender;
  readsDuringRun?: ReadsDuringRun;
  readsDuringFullRun?: ReadsDuringFullRun;
  /** 1-minute load average when the measurement started. */
  load1: number;
  problems: string[];
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  os: string;
  node: string;
  duckdb: string;
  strata: string;
  postgres?: string;
}

export interface BenchReport {
  harness: 'strata bench';
  formatVersion: 1;
  startedAt: string;
  finishedAt: string;
  command: string;
  args: BenchArgs;
  machine: MachineInfo;
  load: { start: number[]; end: number[]; min1: number; max1: number };
  results: PackEngineResult[];
  scaling: ScalingRow[];
  /** Start-up of the executable (bench/startup.ts); absent in reports from before it was measured. */
  startup?: StartupResult;
  notes: string[];
}

export interface StartupFigure {
  /** 'node -e 0', 'strata --help', 'strata status'. */
  command: string;
  /** Wall time of the whole process, start to exit. */
  ms: Stat;
  /** Its time over `node -e 0`'s, measured in the same run. */
  ratio?: Ratio;
  note?: string;
}

export interface StartupResult {
  runs: number;
  figures: StartupFigure[];
  /** Commands that failed (the bench then exits 1). */
  problems: string[];
  /** 1-minute load average when a measured process started. */
  load1: { min: number; max: number };
  note?: string;
}

export interface ScalingRow {
  pack: string;
  engine: string;
  scale: number;
  records: number;
  pipelineMs: Stat;
  peakRssBytes: Stat;
  dayMs: Stat;
  dayPeakRssBytes: Stat;
  /** Against the first scale: records, pipeline time, peak memory. */
  growth: { records: number; time: number; memory: number };
}

export function throughputRatio(figureMs: Stat, referenceMs: Stat, against: string): Ratio {
  return {
    value: figureMs.median > 0 ? referenceMs.median / figureMs.median : 0,
    against,
    meaning: 'throughput',
  };
}

export function timeRatio(figureMs: Stat, referenceMs: Stat, against: string): Ratio {
  return {
    value: referenceMs.median > 0 ? figureMs.median / referenceMs.median : 0,
    against,
    meaning: 'time',
  };
}

export function scalingRows(results: readonly PackEngineResult[]): ScalingRow[] {
  const rows: ScalingRow[] = [];
  const first = new Map<string, ScalingRow>();
  for (const r of results) {
    if (r.status !== 'measured') continue;
    const pipeline = r.figures.find((f) => f.group === 'pipeline');
    const day = r.figures.find((f) => f.group === 'incremental');
    if (!pipeline?.peakRssBytes || !day?.peakRssBytes) continue;
    const key = `${r.pack}/${r.engine}/${r.days}`;
    const base = first.get(key);
    const row: ScalingRow = {
      pack: r.pack,
      engine: r.engine,
      scale: r.scale,
      records: pipeline.rows,
      pipelineMs: pipeline.ms,
      peakRssBytes: pipeline.peakRssBytes,
      dayMs: day.ms,
      dayPeakRssBytes: day.peakRssBytes,
      growth: base
        ? {
            records: pipeline.rows / base.records,
            time: pipeline.ms.median / base.pipelineMs.median,
            memory: pipeline.peakRssBytes.median / base.peakRssBytes.median,
          }
        : { records: 1, time: 1, memory: 1 },
    };
    if (!base) first.set(key, row);
    rows.push(row);
  }
  return rows;
}

// ── formatting ────────────────────────────────────────────────────────────────────────────

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s >= 100) return `${s.toFixed(0)} s`;
  if (s >= 10) return `${s.toFixed(1)} s`;
  return `${s.toFixed(2)} s`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M/s`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)} k/s`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k/s`;
  return `${n.toFixed(0)}/s`;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MiB`;
  return `${(n / 1024).toFixed(0)} KiB`;
}

function spread(stat: Stat, format: (n: number) => string): string {
  return stat.n > 1 ? `${format(stat.min)} – ${format(stat.max)}` : '';
}

/** 12×, 3.4×, 0.25×. */
export function formatTimes(v: number): string {
  return `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2)}×`;
}

export function formatRatio(ratio: Ratio): string {
  const times = formatTimes(ratio.value);
  return ratio.meaning === 'throughput'
    ? `${times} ${ratio.against}`
    : `${times} the time of ${ratio.against}`;
}

function table(header: string[], rows: string[][]): string {
  const align = header.map((h, i) =>
    i === 0 || h === 'note' || h === 'pack' || h === 'engine' || h === 'query' ? '---' : '---:',
  );
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function figureRows(figures: readonly Figure[]): string[][] {
  return figures.map((f) => [
    f.extrapolated ? `${f.stage} *(extrapolated)*` : f.stage,
    `${formatCount(f.rows)} ${f.rowsLabel}`,
    formatSeconds(f.ms.median),
    spread(f.ms, formatSeconds),
    f.rowsPerSecond > 0 ? formatRate(f.rowsPerSecond) : '',
    f.peakRssBytes ? formatBytes(f.peakRssBytes.median) : '',
    (f.ratios ?? []).map(formatRatio).join('; '),
    f.note ?? '',
  ]);
}

const FIGURE_HEADER = ['stage', 'rows', 'median', 'min – max', 'rows/s', 'peak RSS', 'vs reference', 'note'];

export function renderResult(r: PackEngineResult): string {
  const title = `## ${r.pack} · scale ${r.scale} · ${r.days} days + 1 incremental · ${r.engine}`;
  const d = r.dataset;
  const dataset = `Dataset: ${formatCount(d.files)} files, ${formatBytes(d.bytes)}, ${formatCount(d.rangeRecords)} records in the range and ${formatCount(d.dayRecords)} on the incremental day; ${d.reused ? 'reused' : 'generated'} (key ${d.key}).`;
  if (r.status !== 'measured') {
    const parts = [title, '', dataset, '', `**Not measured — ${r.status}:** ${r.reason ?? ''}`];
    if (r.references.length > 0) {
      parts.push('', '### References (same run)', '', table(FIGURE_HEADER, figureRows(r.references)));
    }
    return parts.join('\n');
  }
  const parts = [title, '', dataset, '', table(FIGURE_HEADER, figureRows(r.figures))];
  parts.push('', '### References (same run)', '', table(FIGURE_HEADER, figureRows(r.references)));
  if (r.dashboards) parts.push('', renderDashboards(r.dashboards));
  if (r.problems.length > 0) parts.push('', `Problems: ${r.problems.join('; ')}`);
  return parts.join('\n');
}

/** Latencies: milliseconds, one decimal below 10. */
export function formatLatency(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${ms.toFixed(0)} ms` : formatSeconds(ms);
}

/** p95 over the target: "0.42×", bold above 1. */
function targetRatio(p95Ms: number, targetMs: number): string {
  const text = formatTimes(p95Ms / targetMs);
  return p95Ms > targetMs ? `**${text}**` : text;
}

export function renderDashboards(d: DashboardResult): string {
  const o = d.overall;
  const parts = [
    '### Dashboards',
    '',
    `The pack's ${d.pages} pages served in-process (\`strata serve\`'s app on 127.0.0.1) over this warehouse; ${d.clients} concurrent clients request every query ${d.requestsPerQuery} times with the page's default inputs (as the browser sends them), all queries mixed, over HTTP on loopback ("alone": the median of 3 requests one after the other, no other client). Target: p95 ≤ ${formatLatency(d.targetP95Ms)} per query. 1-minute load at the start: ${d.load1.toFixed(2)}.`,
    '',
    `**${d.queries} queries, ${formatCount(o.requests)} requests in ${formatSeconds(o.wallMs)} (${o.requestsPerSecond.toFixed(0)}/s): p50 ${formatLatency(o.p50Ms)}, p95 ${formatLatency(o.p95Ms)} (${formatTimes(o.p95Ms / d.targetP95Ms)} the target), max ${formatLatency(o.maxMs)}; ${d.overTarget} of ${d.queries} queries over the target at p95; ${o.failed} failed.**`,
  ];
  const render = d.render;
  if (render.skipped) {
    parts.push(
      '',
      `First complete render of \`${render.page}\` in Chromium: not measured — ${render.skipped}`,
    );
  } else if (render.ms) {
    const spreadText =
      render.ms.n > 1 ? ` (${formatLatency(render.ms.min)} – ${formatLatency(render.ms.max)})` : '';
    const errors = [
      render.componentErrors > 0 ? `${render.componentErrors} component(s) shown in error` : '',
      render.consoleErrors.length > 0 ? `console errors: ${render.consoleErrors.slice(0, 3).join('; ')}` : '',
    ].filter(Boolean);
    parts.push(
      '',
      `First complete render of \`${render.page}\` in Chromium (headless), navigation to the page root's \`data-state="ready"\`, median of ${render.loads} cold load${render.loads === 1 ? '' : 's'}: **${formatLatency(render.ms.median)}**${spreadText}${errors.length > 0 ? `; ${errors.join('; ')}` : ''}.`,
    );
  }
  const reads = d.readsDuringRun;
  if (reads) {
    parts.push(
      '',
      `Reads while a run writes: \`${reads.run.window}\` (the incremental day again) ran in the server's process (${formatSeconds(reads.run.ms)}, ${reads.run.status}, ${formatCount(reads.run.rowsWritten)} rows written) while ${reads.clients} clients kept requesting \`${reads.page}\`'s queries: ${formatCount(reads.requests - reads.failed)} of ${formatCount(reads.requests)} answered, ${reads.failed} failed${reads.failures.length > 0 ? ` (${reads.failures.join('; ')})` : ''}; p50 ${formatLatency(reads.p50Ms)}, p95 ${formatLatency(reads.p95Ms)}, max ${formatLatency(reads.maxMs)}.`,
    );
  }
  const full = d.readsDuringFullRun;
  if (full) {
    parts.push('', readsDuringFullRunText(full));
  }
  parts.push(
    '',
    table(
      [
        'page',
        'query',
        'rows',
        'alone',
        'requests',
        'p50',
        'p95',
        'max',
        `p95 / ${formatLatency(d.targetP95Ms)}`,
      ],
      d.figures.map((f) => [
        f.page,
        f.kind === 'page' ? '*(page view)*' : f.query,
        f.kind === 'page' ? '' : formatCount(f.rows),
        formatLatency(f.aloneMs),
        f.failed > 0 ? `${f.requests} (${f.failed} failed)` : String(f.requests),
        formatLatency(f.p50Ms),
        formatLatency(f.p95Ms),
        formatLatency(f.maxMs),
        f.kind === 'page' ? '' : targetRatio(f.p95Ms, d.targetP95Ms),
      ]),
    ),
  );
  if (d.problems.length > 0) parts.push('', `Dashboard problems: ${d.problems.join('; ')}`);
  return parts.join('\n');
}

/** The dashboard's p95 while a full run writes against the same queries with no run. */
export function readsDuringFullRunText(full: ReadsDuringFullRun): string {
  const verdict = full.p95Ratio <= full.targetRatio ? 'within' : 'over';
  return `Reads while a full run writes: \`${full.page}\`'s queries, ${full.clients} clients, with no run (${formatCount(full.idle.requests)} requests: p50 ${formatLatency(full.idle.p50Ms)}, p95 ${formatLatency(full.idle.p95Ms)}) and while \`${full.run.window}\` ran in the server's process (${formatSeconds(full.run.ms)}, ${full.run.status}, ${formatCount(full.run.rowsWritten)} rows written; ${formatCount(full.during.requests - full.during.failed)} of ${formatCount(full.during.requests)} answered, ${full.during.failed} failed${full.failures.length > 0 ? ` (${full.failures.join('; ')})` : ''}: p50 ${formatLatency(full.during.p50Ms)}, p95 ${formatLatency(full.during.p95Ms)}): **p95 ${formatTimes(full.p95Ratio)} the idle p95** (target ≤ ${full.targetRatio}×, ${verdict}).`;
}

export function renderScaling(rows: readonly ScalingRow[]): string {
  if (rows.length === 0) return '';
  return [
    '## Scaling',
    '',
    table(
      [
        'pack',
        'engine',
        'scale',
        'records',
        'pipeline',
        'rows/s',
        'peak RSS',
        'incremental day',
        'day peak RSS',
        'growth (records / time / memory)',
      ],
      rows.map((r) => [
        r.pack,
        r.engine,
        String(r.scale),
        formatCount(r.records),
        formatSeconds(r.pipelineMs.median),
        formatRate(rate(r.records, r.pipelineMs)),
        formatBytes(r.peakRssBytes.median),
        formatSeconds(r.dayMs.median),
        formatBytes(r.dayPeakRssBytes.median),
        `${r.growth.records.toFixed(1)}× / ${r.growth.time.toFixed(1)}× / ${r.growth.memory.toFixed(1)}×`,
      ]),
    ),
  ].join('\n');
}

/** A process's start-up: milliseconds below a second. */
function formatMilliseconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : formatSeconds(ms);
}

export function renderStartup(startup: StartupResult): string {
  const parts = [
    '## Start-up',
    '',
    `Process wall time of the executable, start to exit, median of ${startup.runs} runs; the commands take turns. 1-minute load when a process started: ${startup.load1.min.toFixed(2)} – ${startup.load1.max.toFixed(2)}.`,
    '',
    table(
      ['command', 'median', 'min – max', 'vs node -e 0', 'note'],
      startup.figures.map((f) => [
        `\`${f.command}\``,
        formatMilliseconds(f.ms.median),
        spread(f.ms, formatMilliseconds),
        f.ratio ? formatTimes(f.ratio.value) : '',
        f.note ?? '',
      ]),
    ),
  ];
  if (startup.note) parts.push('', startup.note);
  if (startup.problems.length > 0) parts.push('', `Problems: ${startup.problems.join('; ')}`);
  return parts.join('\n');
}

export function renderMachine(report: Pick<BenchReport, 'machine' | 'load'>): string {
  const m = report.machine;
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  return [
    `Machine: ${m.cpus} cores (${m.cpuModel}), ${formatBytes(m.memoryBytes)} memory, ${m.os}; Node ${m.node}, DuckDB ${m.duckdb}, strata ${m.strata}${m.postgres ? `, ${m.postgres}` : ''}.`,
    `Load average (1 / 5 / 15 min): ${load(report.load.start)} at the start, ${load(report.load.end)} at the end; 1-minute load when a step started: ${report.load.min1.toFixed(2)} – ${report.load.max1.toFixed(2)}.`,
  ].join('\n');
}

export function renderReport(report: BenchReport): string {
  const runs = report.args.runs;
  const parts = [
    `# strata bench — ${report.startedAt.slice(0, 19).replace('T', ' ')} UTC`,
    '',
    `\`${report.command}\``,
    '',
    renderMachine(report),
    '',
    `Every figure is the median of ${runs} run${runs === 1 ? '' : 's'} (min – max beside it). Peak RSS is the resident memory of the measured step's whole process tree (DuckDB's native memory included). Ratios compare with a reference measured in the same run on the same input: "0.25× bare read" means a quarter of the throughput of DuckDB reading the same files into tables.`,
  ];
  const incremental = renderIncremental(report.results);
  if (incremental) parts.push('', incremental);
  for (const r of report.results) parts.push('', renderResult(r));
  const scaling = renderScaling(report.scaling);
  if (scaling) parts.push('', scaling);
  const startupMs = (command: string) =>
    report.startup?.figures.find((f) => f.command === command)?.ms.median;
  const fixed = renderFixedCosts(report.results, {
    nodeMs: startupMs('node -e 0'),
    helpMs: startupMs('strata --help'),
    statusMs: startupMs('strata status'),
  });
  if (fixed) parts.push('', fixed);
  if (report.startup) parts.push('', renderStartup(report.startup));
  if (report.notes.length > 0) parts.push('', '## Notes', '', ...report.notes.map((n) => `- ${n}`));
  return `${parts.join('\n')}\n`;
}
