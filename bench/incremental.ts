/**
 * The incremental day against issue 26's targets, and the fixed costs of a run, itemised: the
 * figures (from the runs' audit.task_runs and the measured steps), the ratios, whether each target
 * is met, and their Markdown. Pure.
 */
import { duckDbMemorySettings, parseMemorySize } from '../src/engine/duckdb/memory-budget.ts';
import { type Stat, summarize } from './stats.ts';

/** A task as audit.task_runs recorded it (bench/jobs.ts TaskRunRow, repeated so this file stays pure). */
export interface TaskRow {
  task: string;
  kind: string;
  materialization: string;
  status: string;
  errorCode?: string;
  durationMs: number;
  startedMs?: number;
  finishedMs?: number;
}

/** One kind of task in a run: how many ran, how many were skipped, and their times. */
export interface TaskGroup {
  /** The materialisation (source, view, table, incremental, …) or 'gate' for a `<node>:checks` task. */
  group: string;
  ran: number;
  skipped: number;
  /** Failed, interrupted or any status other than success and skipped. */
  other: number;
  /** Median over the repetitions of the group's summed task time. */
  sumMs: number;
  /** Median of the tasks that ran (all repetitions pooled). */
  medianMs: number;
  maxMs: number;
}

/** A measured run (the incremental day, or the same day again with nothing changed). */
export interface RunCosts {
  /**
   * The day: strata's run() in the bench's child, the project and warehouse opened inside it. The
   * day again: the runner's own time (the run's startedAt to finishedAt in its summary).
   */
  ms: Stat;
  /** The day: the child process (tsx start-up included); the day again: the `strata run` process. */
  processMs: Stat;
  peakRssBytes: Stat;
  /** The process's resident memory before run(): Node and the modules loaded. */
  baseRssBytes?: number;
  /** Tasks by status, as recorded in audit.task_runs (first repetition). */
  statuses: Record<string, number>;
  groups: TaskGroup[];
  /** run() time not covered by any task: planning, the run lock, audit records of the run, closing. */
  outsideTasksMs?: Stat;
  /** Sum of the gates' (`<node>:checks`) task time. */
  gateMs: Stat;
  /** PostgreSQL only: what pg_stat_statements / pg_stat_database counted during the run. */
  server?: { statements?: number; transactions?: number };
  /**
   * The run's own count (RunSummary.costs, medians): statements from the run lock to the summary
   * and their time summed over sessions; the audit recorder's writes, the batches and statements
   * they went as, and the time spent writing them.
   */
  statements?: {
    count: number;
    ms: number;
    auditWrites: number;
    auditBatches: number;
    auditStatements: number;
    auditMs: number;
  };
}

export interface IncrementalResult {
  /** Days loaded before the day. */
  historyDays: number;
  /** The incremental day's date. */
  date: string;
  records: number;
  /** The project's engine.memoryLimit (DuckDB's memory_limit), as configured; absent when not set. */
  memoryLimit?: string;
  pipeline: { ms: Stat; peakRssBytes: Stat; records: number };
  day: RunCosts;
  /**
   * The same day again right after, as `strata run --date D` (a CLI process): nothing changed, so
   * what it costs is fixed cost.
   */
  rerun?: RunCosts;
  /** DuckDB reading the day's files (and every feed of the history) into typed tables. */
  bareDayMs?: Stat;
  bareAllMs?: Stat;
  /** Opening the project (config, models) and the warehouse, timed apart in a process of its own. */
  open?: { projectMs: Stat; warehouseMs: Stat };
}

// ── targets ───────────────────────────────────────────────────────────────────────────────

export interface Target {
  /** 'day ÷ pipeline' … */
  name: string;
  value: number;
  op: '<=' | '>=';
  limit: number;
  met: boolean;
  /** How the value is written: a percentage or a multiple. */
  unit: '%' | '×';
}

/** Issue 26's targets. */
export const TARGETS = {
  dayOfPipeline: { op: '<=', limit: 0.1, unit: '%' },
  dayOfBareDay: { op: '<=', limit: 4, unit: '×' },
  growth: { op: '<=', limit: 1.5, unit: '×' },
  pipelineOfBare: { op: '>=', limit: 0.33, unit: '×' },
} as const satisfies Record<string, Pick<Target, 'op' | 'limit' | 'unit'>>;

export function judge(name: keyof typeof TARGETS, value: number): Target {
  const t = TARGETS[name];
  return { name, value, ...t, met: t.op === '<=' ? value <= t.limit : value >= t.limit };
}

export function formatTarget(t: Target): string {
  const show = (v: number) =>
    t.unit === '%' ? `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%` : `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×`;
  const verdict = t.met ? '✓ met' : '✗ not met';
  const value = t.met ? show(t.value) : `**${show(t.value)}**`;
  const limit = t.unit === '%' ? `${t.limit * 100}%` : `${t.limit}×`;
  return `${value} (target ${t.op === '<=' ? '≤' : '≥'} ${limit}, ${verdict})`;
}

// ── tasks ─────────────────────────────────────────────────────────────────────────────────

function groupOf(t: TaskRow): string {
  if (t.kind === 'checks' || t.materialization === 'checks') return 'gate';
  return t.materialization || t.kind;
}

function median(values: readonly number[]): number {
  return values.length > 0 ? summarize(values).median : 0;
}

/** Tasks by kind over the repetitions of one run: counts from the first, times pooled. */
export function taskGroups(repetitions: readonly (readonly TaskRow[])[]): TaskGroup[] {
  const names = [...new Set(repetitions.flat().map(groupOf))];
  const order = ['source', 'seed', 'view', 'table', 'incremental', 'upsert', 'scd2', 'gate'];
  names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  return names.map((group) => {
    const first = (repetitions[0] ?? []).filter((t) => groupOf(t) === group);
    const ran = repetitions.flatMap((r) => r.filter((t) => groupOf(t) === group && t.status === 'success'));
    const times = ran.map((t) => t.durationMs);
    return {
      group,
      ran: first.filter((t) => t.status === 'success').length,
      skipped: first.filter((t) => t.status === 'skipped').length,
      other: first.filter((t) => t.status !== 'success' && t.status !== 'skipped').length,
      sumMs: median(
        repetitions.map((r) => r.filter((t) => groupOf(t) === group).reduce((a, t) => a + t.durationMs, 0)),
      ),
      medianMs: median(times),
      maxMs: times.length > 0 ? Math.max(...times) : 0,
    };
  });
}

export function statusCounts(tasks: readonly TaskRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of tasks) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return counts;
}

/** Milliseconds covered by at least one task (tasks run side by side count once). */
export function coveredMs(tasks: readonly TaskRow[]): number | undefined {
  const spans = tasks
    .filter((t) => t.startedMs !== undefined && t.finishedMs !== undefined)
    .map((t) => [t.startedMs as number, t.finishedMs as number] as const)
    .sort((a, b) => a[0] - b[0]);
  if (spans.length === 0) return undefined;
  let total = 0;
  let [start, end] = spans[0] as readonly [number, number];
  for (const [s, e] of spans.slice(1)) {
    if (s > end) {
      total += end - start;
      start = s;
      end = e;
    } else end = Math.max(end, e);
  }
  return total + (end - start);
}

/**
 * Which tasks are problems: failed or interrupted ones, and skipped ones when something failed (a
 * skip then follows the failure). A skip in a run where nothing failed is a task that found
 * nothing to do.
 */
export function problemTasks<T extends { status: string }>(tasks: readonly T[]): T[] {
  const failed = tasks.some((t) => FAILURES.includes(t.status));
  return tasks.filter((t) => FAILURES.includes(t.status) || (failed && t.status === 'skipped'));
}

/** The statuses of a task that did not do its work; any other status (success, skipped, one added later) is not. */
const FAILURES = ['failed', 'interrupted'];

// ── rows ──────────────────────────────────────────────────────────────────────────────────

export interface IncrementalSubject {
  pack: string;
  engine: string;
  scale: number;
  incremental?: IncrementalResult;
}

export interface IncrementalRow {
  pack: string;
  engine: string;
  scale: number;
  historyDays: number;
  date: string;
  dayMs: number;
  pipelineMs: number;
  dayOfPipeline: Target;
  dayOfBareDay?: Target;
  /** The day at this history over the day at the smallest history of the same pack, engine, scale. */
  growth?: Target & { againstDays: number };
  /** Throughput of the full pipeline ÷ that of the bare read of all feeds. */
  pipelineOfBare?: Target;
}

export function incrementalRows(results: readonly IncrementalSubject[]): IncrementalRow[] {
  const rows: IncrementalRow[] = [];
  for (const r of results) {
    const inc = r.incremental;
    if (!inc) continue;
    const base = results
      .filter(
        (o) =>
          o.incremental &&
          o.pack === r.pack &&
          o.engine === r.engine &&
          o.scale === r.scale &&
          o.incremental.historyDays < inc.historyDays,
      )
      .sort((a, b) => (a.incremental?.historyDays ?? 0) - (b.incremental?.historyDays ?? 0))[0]?.incremental;
    const dayMs = inc.day.ms.median;
    const pipelineMs = inc.pipeline.ms.median;
    rows.push({
      pack: r.pack,
      engine: r.engine,
      scale: r.scale,
      historyDays: inc.historyDays,
      date: inc.date,
      dayMs,
      pipelineMs,
      dayOfPipeline: judge('dayOfPipeline', pipelineMs > 0 ? dayMs / pipelineMs : 0),
      dayOfBareDay:
        inc.bareDayMs && inc.bareDayMs.median > 0
          ? judge('dayOfBareDay', dayMs / inc.bareDayMs.median)
          : undefined,
      growth:
        base && base.day.ms.median > 0
          ? { ...judge('growth', dayMs / base.day.ms.median), againstDays: base.historyDays }
          : undefined,
      pipelineOfBare:
        inc.bareAllMs && pipelineMs > 0
          ? judge('pipelineOfBare', inc.bareAllMs.median / pipelineMs)
          : undefined,
    });
  }
  return rows;
}

// ── rendering ─────────────────────────────────────────────────────────────────────────────

function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

function millis(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : seconds(ms);
}

function bytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : `${(n / 1024 ** 2).toFixed(0)} MiB`;
}

/** engine.memoryLimit and the buffer pool DuckDB is given from it (src/engine/duckdb/memory-budget.ts). */
export function engineLimitText(memoryLimit: string | undefined): string {
  if (memoryLimit === undefined) return 'not set (DuckDB default: 80% of RAM)';
  const pool = duckDbMemorySettings(memoryLimit).memory_limit;
  return `engine.memoryLimit ${memoryLimit} (DuckDB memory_limit ${pool})`;
}

/** Peak RSS beside the memory limit: within the limit plus Node (the process before run()), or over. */
export function memoryText(peak: number, limit: string | undefined, base: number | undefined): string {
  const limitBytes = parseMemorySize(limit);
  if (limitBytes === undefined) return `${bytes(peak)} (no memory limit configured)`;
  if (base === undefined) return `${bytes(peak)} (limit ${limit})`;
  const within = peak <= limitBytes + base;
  return `${bytes(peak)} (limit ${limit} + Node ${bytes(base)}: ${within ? 'within' : '**over**'})`;
}

function table(header: string[], rows: string[][]): string {
  const align = header.map((h, i) => (i === 0 || ['pack', 'engine'].includes(h) ? '---' : '---:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function renderIncremental(results: readonly IncrementalSubject[]): string {
  const rows = incrementalRows(results);
  if (rows.length === 0) return '';
  const parts = [
    '## Incremental day',
    '',
    "One more day (`run --date D`) on top of the history loaded by the full pipeline (`run --from --to`), strata's run() wall time in both; the day's bare read is DuckDB reading that day's files into typed tables. Targets (issue 26): the day ≤ 10% of the full pipeline and ≤ 4× the bare read of its files; at 365 days of history ≤ 1.5× the day at 30 days; the full pipeline ≥ 0.33× the throughput of the bare read of all feeds (judged at scale 1 on DuckDB).",
    '',
    table(
      [
        'pack',
        'engine',
        'scale',
        'history',
        'day',
        'full pipeline',
        'day ÷ pipeline',
        'day ÷ bare read of the day',
        'growth of the day',
        'pipeline vs bare read',
      ],
      rows.map((r) => [
        r.pack,
        r.engine,
        String(r.scale),
        `${r.historyDays} days`,
        seconds(r.dayMs),
        seconds(r.pipelineMs),
        formatTarget(r.dayOfPipeline),
        r.dayOfBareDay ? formatTarget(r.dayOfBareDay) : '',
        r.growth ? `${formatTarget(r.growth)} vs ${r.growth.againstDays} days` : '',
        r.pipelineOfBare ? formatTarget(r.pipelineOfBare) : '',
      ]),
    ),
  ];
  const memory = results.filter((r) => r.incremental);
  parts.push(
    '',
    table(
      ['pack', 'engine', 'scale', 'history', 'peak RSS: full pipeline', 'peak RSS: day', 'memory limit'],
      memory.map((r) => {
        const inc = r.incremental as IncrementalResult;
        // On PostgreSQL the data's memory is the server's: the client's peak has no limit to meet.
        const peak = (n: number) =>
          r.engine === 'duckdb'
            ? memoryText(n, inc.memoryLimit, inc.day.baseRssBytes)
            : `${bytes(n)} (strata's process; the server not included)`;
        return [
          r.pack,
          r.engine,
          String(r.scale),
          `${inc.historyDays} days`,
          peak(inc.pipeline.peakRssBytes.median),
          peak(inc.day.peakRssBytes.median),
          r.engine === 'duckdb' ? engineLimitText(inc.memoryLimit) : 'PostgreSQL: its own server settings',
        ];
      }),
    ),
    '',
    'Peak RSS is the whole process tree of the step; "Node" is that process before run() (Node, tsx and the modules loaded), so a peak within limit + Node means the engine kept to engine.memoryLimit (DuckDB\'s buffer pool gets a share of it; the rest covers what DuckDB allocates outside its buffer manager).',
  );
  return parts.join('\n');
}

function taskCount(run: RunCosts): number {
  return Object.values(run.statuses).reduce((a, n) => a + n, 0);
}

/** The run's own count of its statements and audit writes, as rows of the fixed-costs table. */
function statementItems(prefix: string, run: RunCosts, tasks: number): string[][] {
  const s = run.statements;
  if (!s) return [];
  const perTask = tasks > 0 ? ` (${(s.count / tasks).toFixed(1)} a task over ${tasks} tasks)` : '';
  return [
    [
      `${prefix}statements`,
      `${s.count} · ${millis(s.ms)}`,
      `strata's count, run lock to summary${perTask}; time summed over sessions (tasks run side by side)`,
    ],
    [
      `${prefix}audit writes`,
      `${s.auditWrites} → ${s.auditStatements} statements · ${millis(s.auditMs)}`,
      `rows written to audit.pipeline_runs, task_runs and dq_results, in ${s.auditBatches} batches (one transaction each); time spent writing them, beside the tasks`,
    ],
  ];
}

/** The fixed per-run costs, itemised: one table per pack, engine, scale and history. */
export function renderFixedCosts(
  results: readonly IncrementalSubject[],
  startup?: { nodeMs?: number; helpMs?: number; statusMs?: number },
): string {
  const measured = results.filter((r) => r.incremental?.rerun);
  if (measured.length === 0) return '';
  const parts = [
    '## Fixed per-run costs',
    '',
    'What a run costs whatever the data: the process, opening the project and its warehouse, the runner around the tasks, and each task. "Nothing changed" is the same day run again right after the incremental day (nothing new to read); its tasks are counted by the status audit.task_runs recorded.',
  ];
  if (startup?.nodeMs !== undefined) {
    const lines = [`- process start: \`node -e 0\` ${millis(startup.nodeMs)}`];
    if (startup.helpMs !== undefined)
      lines.push(
        `- loading the CLI: \`strata --help\` ${millis(startup.helpMs)} (${millis(startup.helpMs - startup.nodeMs)} over \`node -e 0\`)`,
      );
    if (startup.statusMs !== undefined)
      lines.push(
        `- \`strata status\` (CLI, project and warehouse opened, audit read): ${millis(startup.statusMs)}`,
      );
    parts.push('', 'Start-up (see "Start-up" below):', '', ...lines);
  }
  for (const r of measured) {
    const inc = r.incremental as IncrementalResult;
    const rerun = inc.rerun as RunCosts;
    const ran = rerun.statuses.success ?? 0;
    const skipped = rerun.statuses.skipped ?? 0;
    const others = Object.entries(rerun.statuses)
      .filter(([s]) => s !== 'success' && s !== 'skipped')
      .map(([s, n]) => `${n} ${s}`);
    const items: string[][] = [];
    if (inc.open) {
      items.push([
        'opening the project',
        millis(inc.open.projectMs.median),
        'loadProject: strata.config.ts, models and seeds parsed, DAG and checks',
      ]);
      items.push(['opening the warehouse', millis(inc.open.warehouseMs.median), 'createEngine']);
    }
    items.push([
      '`strata run --date D` where nothing changed',
      millis(rerun.processMs.median),
      `the CLI process start to exit, as cron runs it (peak RSS ${bytes(rerun.peakRssBytes.median)}); ${ran} tasks ran, ${skipped} skipped${others.length > 0 ? `, ${others.join(', ')}` : ''}`,
    ]);
    items.push([
      '… the runner',
      millis(rerun.ms.median),
      "the run's startedAt to finishedAt (its summary): the rest is the process, the CLI, opening and closing the project",
    ]);
    if (rerun.outsideTasksMs)
      items.push([
        '… … outside any task',
        millis(rerun.outsideTasksMs.median),
        'the runner’s time no task covers: planning, the run lock, the run’s audit records',
      ]);
    items.push(['… … gates', millis(rerun.gateMs.median), 'sum of the `<node>:checks` tasks']);
    items.push(...statementItems('… ', rerun, taskCount(rerun)));
    if (rerun.server?.statements !== undefined)
      items.push([
        '… statements on the server',
        String(rerun.server.statements),
        'pg_stat_statements calls during `strata run` (audit reads and writes included)',
      ]);
    if (rerun.server?.transactions !== undefined)
      items.push([
        '… transactions on the server',
        String(rerun.server.transactions),
        'pg_stat_database xact_commit + xact_rollback during the run',
      ]);
    if (inc.day.outsideTasksMs)
      items.push([
        'incremental day: outside any task',
        millis(inc.day.outsideTasksMs.median),
        `of its ${millis(inc.day.ms.median)} run() wall (opening the project included)`,
      ]);
    items.push(['incremental day: gates', millis(inc.day.gateMs.median), 'sum of the `<node>:checks` tasks']);
    items.push(...statementItems('incremental day: ', inc.day, taskCount(inc.day)));
    if (inc.day.server?.statements !== undefined)
      items.push([
        'incremental day: statements on the server',
        String(inc.day.server.statements),
        "pg_stat_statements calls during the step (with the bench's two reads of audit after the run)",
      ]);
    parts.push(
      '',
      `### ${r.pack} · scale ${r.scale} · ${inc.historyDays} days · ${r.engine}`,
      '',
      [
        '| cost | time | how measured |',
        '| --- | ---: | --- |',
        ...items.map((c) => `| ${c.join(' | ')} |`),
      ].join('\n'),
      '',
      table(
        [
          'task kind',
          'day: ran',
          'day: skipped',
          'day: sum',
          'day: median',
          'day: max',
          'nothing changed: ran / skipped',
          'nothing changed: sum',
          'nothing changed: median',
        ],
        taskKindRows(inc.day.groups, rerun.groups),
      ),
    );
  }
  const counted = measured.some((r) => r.incremental?.day.statements ?? r.incremental?.rerun?.statements);
  parts.push(
    '',
    counted
      ? "Statements and audit writes are the run's own count (`costs` in its summary). Not itemised: statements per kind of materialisation, a gate's query time apart from its recording, transactions per task, and where the time before the first task goes (planning, the run lock, the audit schema check). On PostgreSQL the server counts statements and transactions (above) when pg_stat_statements is loaded (the bench's throwaway server loads it)."
      : "Not measurable from outside `src/` on DuckDB (it needs instrumentation in the runner and the audit recorder): statements per task and per materialisation, the audit writes of a run (count and time of each insert and update of audit.*), a gate's query time apart from its recording, transactions per task, and where the time before the first task goes (planning, the run lock, the audit schema check). On PostgreSQL the server counts statements and transactions (above) when pg_stat_statements is loaded (the bench's throwaway server loads it).",
  );
  return parts.join('\n');
}

function taskKindRows(day: readonly TaskGroup[], rerun: readonly TaskGroup[]): string[][] {
  const names = [...new Set([...day.map((g) => g.group), ...rerun.map((g) => g.group)])];
  return names.map((name) => {
    const d = day.find((g) => g.group === name);
    const n = rerun.find((g) => g.group === name);
    return [
      name,
      d ? String(d.ran) : '',
      d ? `${d.skipped}${d.other > 0 ? ` (${d.other} other)` : ''}` : '',
      d ? millis(d.sumMs) : '',
      d ? millis(d.medianMs) : '',
      d ? millis(d.maxMs) : '',
      n ? `${n.ran} / ${n.skipped}${n.other > 0 ? ` (${n.other} other)` : ''}` : '',
      n ? millis(n.sumMs) : '',
      n ? millis(n.medianMs) : '',
    ];
  });
}
