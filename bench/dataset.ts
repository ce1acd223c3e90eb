/**
 * The bench's datasets: generated once per set of generator arguments and kept under
 * `<data>/<pack>-<key>/` (key: a checksum of the arguments and the strata version); reused when
 * its record names the same key and manifest.json still has the checksum recorded then. The
 * project that reads it is created fresh from the pack's template on every bench run (so the
 * current models are measured), with `data` pointing at the dataset.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initProject } from '../src/api/init.ts';
import { DEFAULT_DEFECT_KINDS } from '../src/generate/index.ts';
import type { Manifest } from '../src/generate/manifest.ts';
import { STRATA_VERSION } from '../src/version.ts';
import type { BenchPack } from './args.ts';

export interface DatasetArguments {
  domain: BenchPack;
  start: string;
  /** Days generated: the range plus the incremental day. */
  days: number;
  scale: number;
  seed: number;
  defects: number;
  defect_kinds: string[];
  strata_version: string;
}

export interface GenerationSample {
  ms: number;
  cpuMs: number;
  peakRssBytes: number;
  rows: number;
  bytes: number;
  files: number;
}

export interface DatasetRecord {
  key: string;
  arguments: DatasetArguments;
  manifestSha256: string;
  createdAt: string;
  /** Generation measured when the dataset was made (first sample wrote the dataset). */
  generation: GenerationSample[];
}

export function datasetArguments(
  pack: BenchPack,
  options: { start: string; days: number; scale: number; seed: number; defects: number },
): DatasetArguments {
  return {
    domain: pack,
    start: options.start,
    days: options.days + 1,
    scale: options.scale,
    seed: options.seed,
    defects: options.defects,
    defect_kinds: [...DEFAULT_DEFECT_KINDS],
    strata_version: STRATA_VERSION,
  };
}

export function datasetKey(args: DatasetArguments): string {
  return createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 16);
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const RECORD = 'bench-dataset.json';

export function datasetDir(dataRoot: string, pack: BenchPack, key: string): string {
  return resolve(dataRoot, `${pack}-${key}`);
}

/** The dataset's record when it can be reused as is. */
export function reusableDataset(dir: string, key: string): DatasetRecord | undefined {
  const recordPath = join(dir, RECORD);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(recordPath) || !existsSync(manifestPath)) return undefined;
  try {
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as DatasetRecord;
    if (record.key !== key || record.manifestSha256 !== sha256File(manifestPath)) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

export function writeDatasetRecord(dir: string, record: DatasetRecord): void {
  writeFileSync(join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

/** A fresh project from the pack's template whose `data` is the dataset. */
export async function freshProject(projectDir: string, pack: BenchPack, dataset: string): Promise<void> {
  rmSync(projectDir, { recursive: true, force: true });
  mkdirSync(projectDir, { recursive: true });
  await initProject(projectDir, pack);
  rmSync(join(projectDir, 'data'), { recursive: true, force: true });
  symlinkSync(dataset, join(projectDir, 'data'), 'dir');
}

export interface FeedFiles {
  /** 'ecommerce/orders' */
  feed: string;
  /** The source name in the pack's config (the feed's folder). */
  source: string;
  rangeFiles: string[];
  rangeRows: number;
  dayFiles: string[];
  dayRows: number;
  bytes: number;
}

/** Per feed: the files and records of the loaded range and of the incremental day. */
export function feedFiles(dir: string, manifest: Manifest, lastRangeDay: string): FeedFiles[] {
  const feeds = new Map<string, FeedFiles>();
  for (const summary of manifest.feeds) {
    feeds.set(summary.feed, {
      feed: summary.feed,
      source: summary.feed.slice(summary.feed.indexOf('/') + 1),
      rangeFiles: [],
      rangeRows: 0,
      dayFiles: [],
      dayRows: 0,
      bytes: 0,
    });
  }
  for (const file of manifest.files) {
    const entry = feeds.get(file.feed);
    if (!entry) continue;
    const path = join(dir, file.path);
    if (file.date <= lastRangeDay) {
      entry.rangeFiles.push(path);
      entry.rangeRows += file.rows;
      entry.bytes += file.bytes;
    } else {
      entry.dayFiles.push(path);
      entry.dayRows += file.rows;
    }
  }
  return [...feeds.values()];
}
