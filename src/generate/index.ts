/**
 * `generate`: realistic, deterministic raw exports of an e-commerce shop and a SaaS business, one
 * file per feed per day, with optional defects recorded in manifest.json. See CONTEXT.md.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { diagnosticCodes, type DiagnosticCode } from '../errors/codes.ts';
import { StrataError, toStrataError } from '../errors/strata-error.ts';
import { STRATA_VERSION } from '../version.ts';
import { dayString, parseDay } from './calendar.ts';
import {
  ALL_DEFECT_KINDS,
  DEFAULT_DEFECT_KINDS,
  FATAL_DEFECT_KINDS,
  isDefectKind,
  type DefectKind,
} from './defects.ts';
import { ECOMMERCE_FEEDS, SAAS_FEEDS } from './feeds.ts';
import {
  MANIFEST_FORMAT_VERSION,
  writeManifest,
  type FeedSummary,
  type FileEntry,
  type Manifest,
} from './manifest.ts';
import {
  partitionFeeds,
  partitionTmpDir,
  runPartition,
  type PartitionInput,
  type PartitionProgress,
  type PartitionResult,
} from './partition.ts';
import type { WorkerMessage } from './partition-worker.ts';
import { workerEntry } from './worker-entry.ts';
import { feedId, fileExtension, type FeedSpec } from './schema.ts';

export type GenerateDomain = 'ecommerce' | 'saas' | 'all';

export interface GenerateOptions {
  /** Which business to simulate. Default 'all'. */
  domain?: GenerateDomain;
  /** First day, 'YYYY-MM-DD'. Default '2025-01-01'. */
  start?: string;
  /** Number of days (one file per feed per day). Default 30. */
  days?: number;
  /** 1 ≈ 100k customers, 10k products, 1M orders and 10M events a year (SaaS: 8k accounts). Default 0.1. */
  scale?: number;
  /** PRNG seed; the same options give byte-identical files. Default 42. */
  seed?: number;
  /** Defect rate: per record for record-level kinds, per file for file-level kinds. 0 = clean. Default 0.01. */
  defects?: number;
  /** Restrict to these kinds; fatal kinds (missing_required_column, truncated_file) only when named here. */
  defectKinds?: readonly string[];
  /** Output folder; created when missing. */
  out: string;
  /** Replace the files of an earlier run recorded in out/manifest.json (only those). Default false. */
  overwrite?: boolean;
  /** Called after each day is written. */
  onProgress?: (progress: GenerateProgress) => void;
  /**
   * Worker threads (0 = all in this thread). The files are identical whatever the number.
   * Default: 2 when the machine has 2 or more cores.
   */
  threads?: number;
}

export interface GenerateProgress {
  date: string;
  day: number;
  days: number;
  rows: number;
}

export interface FeedCount {
  files: number;
  rows: number;
  bytes: number;
}

export interface GenerateResult {
  out: string;
  manifestPath: string;
  /** Per feed ('ecommerce/orders', ...): files, rows and bytes written. */
  feeds: Record<string, FeedCount>;
  files: number;
  rows: number;
  bytes: number;
  defects: number;
  defectCounts: Record<string, number>;
  durationMs: number;
  rowsPerSecond: number;
  /** Worker threads used. */
  threads: number;
}

export const GENERATE_DEFAULTS = {
  domain: 'all' as GenerateDomain,
  start: '2025-01-01',
  days: 30,
  scale: 0.1,
  seed: 42,
  defects: 0.01,
};

interface Resolved {
  domain: GenerateDomain;
  firstDay: number;
  days: number;
  scale: number;
  seed: number;
  rate: number;
  kinds: DefectKind[];
  out: string;
}

function usage(message: string, field: string, hint?: string): StrataError {
  return new StrataError('USAGE', message, { field, hint });
}

function resolveOptions(options: GenerateOptions): Resolved {
  const domain = options.domain ?? GENERATE_DEFAULTS.domain;
  if (!['ecommerce', 'saas', 'all'].includes(domain)) {
    throw usage(`--domain must be ecommerce, saas or all, got '${String(domain)}'`, 'domain');
  }
  const firstDay = parseDay(options.start ?? GENERATE_DEFAULTS.start, 'start');
  const days = options.days ?? GENERATE_DEFAULTS.days;
  if (!Number.isInteger(days) || days < 1 || days > 3660) {
    throw usage(`--days must be a whole number from 1 to 3660, got ${String(days)}`, 'days');
  }
  const scale = options.scale ?? GENERATE_DEFAULTS.scale;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 100) {
    throw usage(
      `--scale must be a number above 0 and at most 100, got ${String(scale)}`,
      'scale',
      '1 ≈ 1M orders a year.',
    );
  }
  const seed = options.seed ?? GENERATE_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw usage(`--seed must be a whole number ≥ 0, got ${String(seed)}`, 'seed');
  }
  const rate = options.defects ?? GENERATE_DEFAULTS.defects;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 0.5) {
    throw usage(
      `--defects must be a rate from 0 to 0.5, got ${String(rate)}`,
      'defects',
      'For example 0.01 (1%); 0 gives clean data.',
    );
  }
  let kinds: DefectKind[];
  if (options.defectKinds && options.defectKinds.length > 0) {
    const unknown = options.defectKinds.filter((k) => !isDefectKind(k));
    if (unknown.length > 0) {
      throw usage(
        `Unknown defect kind${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        'defectKinds',
        `Known kinds: ${ALL_DEFECT_KINDS.join(', ')}.`,
      );
    }
    kinds = ALL_DEFECT_KINDS.filter((k) => options.defectKinds?.includes(k));
  } else {
    kinds = [...DEFAULT_DEFECT_KINDS];
  }
  if (typeof options.out !== 'string' || options.out.trim() === '')
    throw usage('--out must name a folder', 'out');
  return { domain, firstDay, days, scale, seed, rate, kinds, out: resolve(options.out) };
}

/** Removes the files an earlier run recorded, refusing to touch anything else. */
function prepareOut(out: string, overwrite: boolean): void {
  const manifestPath = join(out, 'manifest.json');
  if (existsSync(manifestPath)) {
    if (!overwrite) {
      throw new StrataError('GENERATE_OUT_NOT_EMPTY', `${out} already holds generated data (manifest.json)`, {
        file: manifestPath,
        hint: 'Choose an empty folder, or pass overwrite to replace the earlier run.',
      });
    }
    let previous: Pick<Manifest, 'files'>;
    try {
      previous = JSON.parse(readFileSync(manifestPath, 'utf8')) as Pick<Manifest, 'files'>;
    } catch (error) {
      throw new StrataError('USAGE', `${manifestPath} is not a readable manifest`, {
        file: manifestPath,
        cause: error,
      });
    }
    for (const file of previous.files ?? []) {
      if (typeof file.path === 'string' && !file.path.includes('..'))
        rmSync(join(out, file.path), { force: true });
    }
    rmSync(manifestPath, { force: true });
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    throw new StrataError('GENERATE_OUTPUT_FAILED', `Cannot create the output folder ${out}`, {
      file: out,
      cause: error,
    });
  }
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const o = resolveOptions(options);
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 0 || threads > 16) {
    throw usage(`threads must be a whole number from 0 to 16, got ${String(threads)}`, 'threads');
  }
  prepareOut(o.out, options.overwrite ?? false);
  const lastDay = o.firstDay + o.days - 1;
  const specs: FeedSpec[] = [
    ...(o.domain === 'saas' ? [] : ECOMMERCE_FEEDS),
    ...(o.domain === 'ecommerce' ? [] : SAAS_FEEDS),
  ];
  const runFeeds = specs.map(feedId);
  const tmpRoot = join(o.out, '.strata-generate-tmp');
  rmSync(tmpRoot, { recursive: true, force: true });
  mkdirSync(tmpRoot, { recursive: true });
  const partitions = partitionFeeds(runFeeds, threads);
  const inputs: PartitionInput[] = partitions.map((feeds, index) => ({
    runFeeds,
    feeds,
    firstDay: o.firstDay,
    days: o.days,
    scale: o.scale,
    seed: o.seed,
    rate: o.rate,
    kinds: o.kinds,
    out: o.out,
    tmpDir: partitionTmpDir(tmpRoot, index),
  }));
  // Progress is reported for a day once every partition has finished it.
  const progress = inputs.map(() => ({ day: 0, rows: 0 }));
  let reported = 0;
  const report = (index: number, p: PartitionProgress): void => {
    const slot = progress[index] as { day: number; rows: number };
    slot.day = parseDay(p.date) - o.firstDay + 1;
    slot.rows = p.rows;
    const day = Math.min(...progress.map((x) => x.day));
    if (day <= reported) return;
    reported = day;
    options.onProgress?.({
      date: dayString(o.firstDay + day - 1),
      day,
      days: o.days,
      rows: progress.reduce((s, x) => s + x.rows, 0),
    });
  };
  const workers: WorkerHandle[] = [];
  const abort = new AbortController();
  try {
    // The first partition runs here, the others in worker threads at the same time. When one
    // fails the others stop too.
    const entry = inputs.length > 1 ? await workerEntry() : undefined;
    const running = inputs.map((input, index) => {
      if (index === 0 || !entry) return runPartition(input, (p) => report(0, p), abort.signal);
      const handle = startWorker(entry, input, (p) => report(index, p));
      workers.push(handle);
      return handle.result;
    });
    let firstFailure: { error: unknown } | undefined;
    for (const promise of running) {
      promise.catch((error: unknown) => {
        // The first failure is the cause; the others are the partitions it stopped.
        firstFailure ??= { error };
        abort.abort();
        for (const worker of workers) void worker.terminate();
      });
    }
    const settled = await Promise.allSettled(running);
    if (firstFailure) throw firstFailure.error;
    const results = settled.map((s) => (s as PromiseFulfilledResult<PartitionResult>).value);
    const files = results.flatMap((r) => r.files);
    const order = new Map(runFeeds.map((f, i) => [f, i]));
    files.sort((a, b) => a.date.localeCompare(b.date) || (order.get(a.feed) ?? 0) - (order.get(b.feed) ?? 0));
    const defectLogs: string[] = [];
    const byFeed: Record<string, Record<string, number>> = {};
    const defectCounts: Record<string, number> = {};
    for (const feed of runFeeds) {
      for (const r of results) {
        const log = r.defectLogs[feed];
        if (log) defectLogs.push(log);
        const counts = r.defectCounts[feed];
        if (!counts) continue;
        byFeed[feed] = sortKeys(counts);
        for (const [kind, n] of Object.entries(counts)) defectCounts[kind] = (defectCounts[kind] ?? 0) + n;
      }
    }
    const manifestPath = join(o.out, 'manifest.json');
    const summaries = summarise(files, specs);
    const totals = {
      files: files.length,
      rows: files.reduce((s, f) => s + f.rows, 0),
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      defects: Object.values(defectCounts).reduce((s, n) => s + n, 0),
    };
    await writeManifest(
      manifestPath,
      {
        manifest_version: MANIFEST_FORMAT_VERSION,
        generator: 'strata generate',
        strata_version: STRATA_VERSION,
        arguments: {
          domain: o.domain,
          start: dayString(o.firstDay),
          days: o.days,
          scale: o.scale,
          seed: o.seed,
          defects: o.rate,
          defect_kinds: o.kinds,
        },
        first_date: dayString(o.firstDay),
        last_date: dayString(lastDay),
        feeds: summaries,
        totals,
        defect_counts: sortKeys(defectCounts),
        defect_counts_by_feed: byFeed,
      },
      files,
      defectLogs,
    );
    const durationMs = performance.now() - started;
    const feeds: Record<string, FeedCount> = {};
    for (const s of summaries) feeds[s.feed] = { files: s.files, rows: s.rows, bytes: s.bytes };
    return {
      out: o.out,
      manifestPath,
      feeds,
      files: totals.files,
      rows: totals.rows,
      bytes: totals.bytes,
      defects: totals.defects,
      defectCounts: sortKeys(defectCounts),
      durationMs,
      rowsPerSecond: durationMs > 0 ? Math.round((totals.rows / durationMs) * 1000) : 0,
      threads: inputs.length - 1,
    };
  } catch (error) {
    throw toStrataError(error);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    rmSync(tmpRoot, { recursive: true, force: true });
  }
}

/** Worker threads by default: two when there is more than one core (the shop's clickstream and the SaaS feeds). */
function defaultThreads(): number {
  return availableParallelism() >= 2 ? 2 : 0;
}

interface WorkerHandle {
  result: Promise<PartitionResult>;
  terminate(): Promise<void>;
}

function startWorker(
  entry: URL,
  input: PartitionInput,
  onProgress: (p: PartitionProgress) => void,
): WorkerHandle {
  const worker = new Worker(entry, { workerData: input });
  let finished = false;
  const result = new Promise<PartitionResult>((resolveResult, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message);
      else if (message.type === 'done') {
        finished = true;
        resolveResult(message.result);
      } else {
        finished = true;
        const e = message.error;
        reject(
          new StrataError(isDiagnosticCode(e.code) ? e.code : 'INTERNAL', e.message, {
            hint: e.hint,
            ...e.location,
          }),
        );
      }
    });
    worker.on('error', (error) => {
      finished = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!finished) reject(new StrataError('INTERNAL', `A generate worker stopped (exit code ${code})`));
    });
  });
  result.catch(() => undefined);
  return {
    result,
    terminate: async () => {
      if (!finished) await worker.terminate();
    },
  };
}

function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.hasOwn(diagnosticCodes, code);
}

function summarise(all: readonly FileEntry[], specs: readonly FeedSpec[]): FeedSummary[] {
  return specs.map((spec) => {
    const id = feedId(spec);
    const files = all.filter((f) => f.feed === id);
    return {
      feed: id,
      format: spec.format,
      compression: spec.gzip ? 'gzip' : null,
      pattern: `${spec.domain}/${spec.name}/YYYY-MM-DD.${fileExtension(spec)}`,
      files: files.length,
      rows: files.reduce((s, f) => s + f.rows, 0),
      bytes: files.reduce((s, f) => s + f.bytes, 0),
    };
  });
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export { ALL_DEFECT_KINDS, DEFAULT_DEFECT_KINDS, FATAL_DEFECT_KINDS, type DefectKind };
export { ALL_FEEDS, ECOMMERCE_FEEDS, SAAS_FEEDS } from './feeds.ts';
export type { DefectEntry, FileEntry, Manifest } from './manifest.ts';
export type { Column, FeedSpec } from './schema.ts';
