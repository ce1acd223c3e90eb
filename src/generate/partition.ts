/**
 * One partition of a run: the day loop for a subset of the feeds. Every partition replays the same
 * seeded simulation of its domain(s) and renders only its own feeds, so the files are identical
 * however the feeds are split across threads. A worker thread runs exactly this function.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RunContext } from './context.ts';
import type { DefectKind } from './defects.ts';
import { EcommerceSimulation, type EcommerceWriters } from './ecommerce.ts';
import { FeedFileWriter, NULL_WRITER, type RowWriter } from './feed-writer.ts';
import { ALL_FEEDS } from './feeds.ts';
import type { FileEntry } from './manifest.ts';
import { SaasSimulation, type SaasWriters } from './saas.ts';
import { feedId, type FeedSpec } from './schema.ts';
import { StrataError } from '../errors/strata-error.ts';

export interface PartitionInput {
  /** Ids of every feed of the run, in manifest order ('ecommerce/orders', ...). */
  runFeeds: string[];
  /** Ids of the feeds this partition writes. */
  feeds: string[];
  firstDay: number;
  days: number;
  scale: number;
  seed: number;
  rate: number;
  kinds: DefectKind[];
  out: string;
  /** A temporary folder of this partition's own. */
  tmpDir: string;
}

export interface PartitionResult {
  files: FileEntry[];
  /** Defect log path per feed. */
  defectLogs: Record<string, string>;
  /** feed → kind → count. */
  defectCounts: Record<string, Record<string, number>>;
}

export interface PartitionProgress {
  date: string;
  rows: number;
}

/** Days whose files may still be closing while the next day is generated. */
const CLOSING_DAYS = 2;

const ECOMMERCE_NAMES = [
  'customers',
  'products',
  'campaigns',
  'orders',
  'sales',
  'events',
  'inventory',
] as const;
const SAAS_NAMES = ['plans', 'accounts', 'subscriptions', 'transactions', 'usage_events'] as const;

function specsOf(ids: readonly string[]): FeedSpec[] {
  return ALL_FEEDS.filter((s) => ids.includes(feedId(s)));
}

export async function runPartition(
  input: PartitionInput,
  onDay?: (progress: PartitionProgress) => void,
  signal?: AbortSignal,
): Promise<PartitionResult> {
  mkdirSync(input.tmpDir, { recursive: true });
  const lastDay = input.firstDay + input.days - 1;
  const runSpecs = specsOf(input.runFeeds);
  const mine = specsOf(input.feeds);
  const ctx = new RunContext(
    input.seed,
    input.rate,
    new Set(input.kinds),
    input.firstDay,
    lastDay,
    input.out,
    input.tmpDir,
    runSpecs,
  );
  const needs = (domain: FeedSpec['domain']): boolean => mine.some((s) => s.domain === domain);
  /** Writers whose files may still be open, closed hard when something fails. */
  const open = new Set<FeedFileWriter>();
  try {
    const shop = needs('ecommerce')
      ? new EcommerceSimulation(input.seed, input.scale, input.firstDay, input.days)
      : undefined;
    const saas = needs('saas')
      ? new SaasSimulation(input.seed, input.scale, input.firstDay, input.days)
      : undefined;
    const files: FileEntry[] = [];
    let rows = 0;
    // Day d's files are finished (gzip, Parquet conversion, close) while the next days are
    // generated; at most CLOSING_DAYS days are in flight, finished in order.
    const closing: { done: Promise<FileEntry[]>; writers: FeedFileWriter[] }[] = [];
    const settle = async (keep: number): Promise<void> => {
      while (closing.length > keep) {
        const day = closing.shift() as (typeof closing)[number];
        const entries = await day.done;
        for (const writer of day.writers) open.delete(writer);
        files.push(...entries);
        for (const entry of entries) rows += entry.rows;
        const first = entries[0];
        if (first) onDay?.({ date: first.date, rows });
      }
    };
    for (let day = input.firstDay; day <= lastDay; day++) {
      if (signal?.aborted) throw new StrataError('INTERNAL', 'generate stopped: another partition failed');
      const writers = mine.map((spec) => new FeedFileWriter(ctx, spec, day));
      for (const writer of writers) open.add(writer);
      const byName = (name: string, domain: FeedSpec['domain']): RowWriter =>
        writers.find((w) => w.relPath.startsWith(`${domain}/${name}/`)) ?? NULL_WRITER;
      if (shop) {
        const w = Object.fromEntries(ECOMMERCE_NAMES.map((n) => [n, byName(n, 'ecommerce')]));
        await shop.runDay(day, w as EcommerceWriters);
      }
      if (saas) {
        const w = Object.fromEntries(SAAS_NAMES.map((n) => [n, byName(n, 'saas')]));
        await saas.runDay(day, w as SaasWriters);
      }
      await settle(CLOSING_DAYS - 1);
      const done = Promise.all(writers.map((w) => w.close()));
      done.catch(() => undefined);
      closing.push({ done, writers });
    }
    await settle(0);
    const defectLogs = await ctx.closeDefects();
    const defectCounts: Record<string, Record<string, number>> = {};
    for (const [feed, counts] of ctx.defectCountsByFeed) defectCounts[feed] = Object.fromEntries(counts);
    return { files, defectLogs, defectCounts };
  } catch (error) {
    for (const writer of open) writer.destroy();
    throw error;
  } finally {
    ctx.close();
  }
}

/** Splits a run's feeds into partitions for `threads` worker threads (0: one partition, in-process). */
export function partitionFeeds(runFeeds: readonly string[], threads: number): string[][] {
  if (threads <= 0) return [runFeeds.slice()];
  // Three groups of about equal weight (measured): the shop's orders, catalogue, sales and stock;
  // its clickstream and customer exports (state every shop partition replays anyway); the SaaS
  // business.
  const second = ['ecommerce/customers', 'ecommerce/events'];
  const groups: string[][] = [
    runFeeds.filter((f) => f.startsWith('ecommerce/') && !second.includes(f)),
    runFeeds.filter((f) => second.includes(f)),
    runFeeds.filter((f) => f.startsWith('saas/')),
  ].filter((g) => g.length > 0);
  // With fewer threads than groups, the last groups share a partition.
  const partitions = groups.slice(0, threads + 1);
  for (const rest of groups.slice(threads + 1)) (partitions[partitions.length - 1] as string[]).push(...rest);
  return partitions;
}

export function partitionTmpDir(tmpRoot: string, index: number): string {
  return join(tmpRoot, `p${index}`);
}
