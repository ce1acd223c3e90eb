/**
 * The SaaS pack as a user gets it: `initProject(dir, 'saas')` in a temp folder, raw files written by
 * the test where the pack's sources look (data/saas/<feed>/YYYY-MM-DD.<ext>, the layout
 * `strata generate --domain saas` writes), runs through the API. Shared by the tests in this folder.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { initProject } from '../../src/api/init.ts';
import { type RunRequest, type RunResponse, run } from '../../src/api/run.ts';
import { createEngine } from '../../src/engine/open/create-engine.ts';
import type { Row } from '../../src/engine/types.ts';
import { type Project, loadProject } from '../../src/project/load-project.ts';
import { expect } from 'vitest';
import { checksums, queryWarehouse, testEnvironment } from '../helpers/project.ts';

/** The schemas whose tables must not depend on how the dates were loaded. */
export const MODEL_SCHEMAS = ['staging', 'warehouse', 'marts'] as const;

/**
 * Every mart of the pack. The equivalence tests compare checksums of whole schemas; they check these
 * are all among them, with rows, so a mart missing or left empty in both warehouses cannot pass.
 */
export const SAAS_MARTS = [
  'account_mrr_monthly',
  'churned_accounts',
  'engagement_daily',
  'feature_adoption',
  'mrr_daily',
  'mrr_monthly',
  'mrr_movements',
  'mrr_movements_by_account',
  'saas_kpis_monthly',
  'subscription_cohorts',
] as const;

/** Rows in each mart of the warehouse of `projectDir`: mart → count. */
export async function martRowCounts(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, number>> {
  const rows = await queryWarehouse(
    projectDir,
    SAAS_MARTS.map((m) => `select '${m}' as mart, count(*) as n from marts.${m}`).join('\nunion all\n'),
    env,
  );
  return Object.fromEntries(rows.map((r) => [String(r.mart), Number(r.n)]));
}

/**
 * Fails unless `sums` (schema.table → checksum) holds every mart and each has rows in `projectDir`,
 * but for the marts `mayBeEmpty` names (data too short to hold any of their rows, said where used).
 */
export async function expectEveryMart(
  sums: Record<string, string>,
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
  mayBeEmpty: readonly (typeof SAAS_MARTS)[number][] = [],
): Promise<void> {
  expect(SAAS_MARTS.filter((m) => !(`marts.${m}` in sums))).toEqual([]);
  const counts = await martRowCounts(projectDir, env);
  expect(
    Object.entries(counts).filter(
      ([mart, n]) => n === 0 && !(mayBeEmpty as readonly string[]).includes(mart),
    ),
  ).toEqual([]);
}

export type SaasFeed = 'plans' | 'accounts' | 'subscriptions' | 'transactions' | 'usage_events';

/** A raw record as the export writes it: field name → value (null for an empty field). */
export type RawRecord = Record<string, string | number | boolean | null | readonly string[]>;

/** Column order of the transactions CSV, as `strata generate` writes it. */
const TRANSACTION_COLUMNS = [
  'transaction_id',
  'account_id',
  'subscription_id',
  'created_at',
  'type',
  'status',
  'amount',
  'currency',
  'payment_method',
  'failure_code',
  'refunded_transaction_id',
  'description',
] as const;

const EXTENSIONS: Record<SaasFeed, string> = {
  plans: 'json',
  accounts: 'json',
  subscriptions: 'ndjson',
  transactions: 'csv',
  usage_events: 'ndjson.gz',
};

/** The bytes of one daily file of `feed` holding `records`, in the format the pack reads. */
export function encodeFeed(feed: SaasFeed, records: readonly RawRecord[]): Buffer {
  switch (feed) {
    case 'plans':
    case 'accounts':
      return Buffer.from(`[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
    case 'subscriptions':
      return Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    case 'usage_events':
      return gzipSync(Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join('')));
    case 'transactions': {
      const lines = records.map((r) => TRANSACTION_COLUMNS.map((c) => csvField(r[c])).join(','));
      return Buffer.from([TRANSACTION_COLUMNS.join(','), ...lines].join('\n') + '\n');
    }
  }
}

function csvField(value: RawRecord[string] | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export class SaasProject {
  /** Where the warehouse is, read from the project once: loading it costs more than a query. */
  private target?: Promise<Project['engineTarget']>;

  private constructor(
    readonly dir: string,
    /** The environment runs and queries see: on PostgreSQL it selects this project's own database. */
    readonly env: NodeJS.ProcessEnv,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  /** A new SaaS project in a fresh temp folder, without data. */
  static async create(): Promise<SaasProject> {
    const dir = join(await mkdtemp(join(tmpdir(), 'strata-saas-')), 'saas');
    await initProject(dir, 'saas');
    const { env, dispose } = await testEnvironment();
    return new SaasProject(dir, env, dispose);
  }

  /** A new project with a copy of this one's data (byte for byte), and no warehouse yet. */
  async copy(): Promise<SaasProject> {
    const other = await SaasProject.create();
    await cp(this.dataDir, other.dataDir, { recursive: true });
    return other;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Path of the daily file of `feed` for `date`. */
  feedFile(feed: SaasFeed, date: string): string {
    return join(this.dataDir, 'saas', feed, `${date}.${EXTENSIONS[feed]}`);
  }

  /** Writes the daily file of `feed` for `date` (an empty list writes an empty export). */
  async writeFeed(feed: SaasFeed, date: string, records: readonly RawRecord[]): Promise<void> {
    await mkdir(join(this.dataDir, 'saas', feed), { recursive: true });
    await writeFile(this.feedFile(feed, date), encodeFeed(feed, records));
  }

  /** Writes every feed's files: feed → date → records. */
  async writeFeeds(
    files: Partial<Record<SaasFeed, ReadonlyMap<string, readonly RawRecord[]>>>,
  ): Promise<void> {
    for (const [feed, byDate] of Object.entries(files) as [
      SaasFeed,
      ReadonlyMap<string, readonly RawRecord[]>,
    ][]) {
      for (const [date, records] of byDate) await this.writeFeed(feed, date, records);
    }
  }

  /** One run; throws unless every task succeeded. */
  async run(request: Omit<RunRequest, 'projectDir'> = {}): Promise<RunResponse> {
    const response = await run({ env: this.env, ...request, projectDir: this.dir });
    if (response.exitCode !== 0) {
      const failed = response.summary.tasks
        .filter((t) => t.status !== 'success')
        .map((t) => `${t.task}: ${t.status} ${t.error?.message ?? ''}`);
      const checks = response.summary.checks
        .filter((c) => c.status !== 'pass')
        .map((c) => `${c.checkId}: ${c.status} ${c.message}`);
      throw new Error(`run ${JSON.stringify(request)} failed:\n${[...failed, ...checks].join('\n')}`);
    }
    return response;
  }

  /** Rows of a query against the project's warehouse. */
  async query(sql: string): Promise<Row[]> {
    this.target ??= loadProject(this.dir, this.env).then((project) => project.engineTarget);
    const engine = await createEngine(await this.target);
    try {
      return (await engine.query(sql)).rows;
    } finally {
      await engine.close();
    }
  }

  /** Rows in each mart: mart → count. */
  martRowCounts(): Promise<Record<string, number>> {
    return martRowCounts(this.dir, this.env);
  }

  /** Fails unless `sums` holds every mart and each has rows here. */
  expectEveryMart(sums: Record<string, string>): Promise<void> {
    return expectEveryMart(sums, this.dir, this.env);
  }

  /** `schema.table → checksum` of every table and view in `schemas` (all but audit by default). */
  checksums(schemas?: readonly string[]): Promise<Record<string, string>> {
    return checksums(this.dir, this.env, schemas);
  }

  async dispose(): Promise<void> {
    await rm(join(this.dir, '..'), { recursive: true, force: true });
    await this.dropDatabase();
  }
}

/** The ISO dates from `first` to `last`, both included. */
export function datesBetween(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

export { cents } from '../helpers/project.ts';
