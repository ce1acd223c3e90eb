/**
 * One measured step, run in its own process by bench/main.ts so that its memory (DuckDB's native
 * memory included) and time are its own: `node --import tsx bench/child.ts JOB.json RESULT.json`.
 * The dashboards' step (bench/dashboards.ts) runs the server, its clients and a pipeline run here.
 * Writes the step's result as JSON; never loops over data records in JavaScript except in the
 * row-by-row INSERT reference, whose whole point is that loop (on a small sample).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { query } from '../src/api/query.ts';
import { run } from '../src/api/run.ts';
import { duckDbMemorySettings } from '../src/engine/duckdb/memory-budget.ts';
import { createEngine } from '../src/engine/open/create-engine.ts';
import { toStrataError } from '../src/errors/strata-error.ts';
import { ALL_FEEDS } from '../src/generate/feeds.ts';
import { generate } from '../src/generate/index.ts';
import { feedId, type FeedSpec } from '../src/generate/schema.ts';
import { loadProject } from '../src/project/load-project.ts';
import { bareReadSql, columnType, createTableSql, rowInsertSql } from './bare-sql.ts';
import { measureDashboards } from './dashboards.ts';
import type {
  BareResult,
  ChildFailure,
  ChildResult,
  GenerateResultLite,
  InsertsResult,
  Job,
  OpenResult,
  RunResult,
  TaskRunRow,
} from './jobs.ts';

function feedSpec(id: string): FeedSpec {
  const spec = ALL_FEEDS.find((f) => feedId(f) === id);
  if (!spec) throw new Error(`unknown feed ${id}`);
  return spec;
}

async function openDuckDb(
  path: string,
  memoryLimit: string,
): Promise<{ connection: DuckDBConnection; close: () => void }> {
  // The same budget strata's engine is given (its buffer pool's share and allocator settings).
  const instance = await DuckDBInstance.create(path, duckDbMemorySettings(memoryLimit));
  const connection = await instance.connect();
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function scalar(connection: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRows()[0]?.[0];
}

async function runGenerate(job: Extract<Job, { kind: 'generate' }>): Promise<GenerateResultLite> {
  const result = await generate({ ...job.options, overwrite: true });
  return {
    durationMs: result.durationMs,
    rows: result.rows,
    files: result.files,
    bytes: result.bytes,
    defects: result.defects,
    threads: result.threads,
  };
}

/** '2025-01-31 10:00:00.123456' (a timestamp cast to text by either engine) as epoch milliseconds. */
function epochMs(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const iso = text.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1');
  const zoned = /(Z|[+-]\d\d(:?\d\d)?)$/.test(iso);
  const ms = Date.parse(zoned ? iso.replace(/([+-]\d\d)$/, '$1:00') : `${iso}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The run's rows of audit.task_runs, the last attempt of each task, statuses as recorded. */
async function taskRuns(projectDir: string, runId: string): Promise<TaskRunRow[]> {
  const rows: TaskRunRow[] = [];
  await query(
    {
      projectDir,
      sql: `SELECT task_id, task_kind, materialization, status, error_code, duration_ms,
                   CAST(started_at AS VARCHAR) AS started_at, CAST(finished_at AS VARCHAR) AS finished_at
            FROM audit.task_runs t
            WHERE run_id = '${runId.replaceAll("'", "''")}'
              AND attempt = (SELECT max(attempt) FROM audit.task_runs a WHERE a.run_id = t.run_id AND a.task_id = t.task_id)
            ORDER BY started_at, task_id`,
    },
    (batch) => {
      for (const r of batch.rows) {
        rows.push({
          task: String(r.task_id),
          kind: String(r.task_kind),
          materialization: r.materialization == null ? '' : String(r.materialization),
          status: String(r.status),
          ...(r.error_code == null ? {} : { errorCode: String(r.error_code) }),
          durationMs: Number(r.duration_ms ?? 0),
          startedMs: epochMs(r.started_at),
          finishedMs: epochMs(r.finished_at),
        });
      }
    },
  );
  return rows;
}

async function runOpen(job: Extract<Job, { kind: 'open' }>): Promise<OpenResult> {
  const started = performance.now();
  const project = await loadProject(job.projectDir);
  const loaded = performance.now();
  const engine = await createEngine(project.engineTarget);
  const opened = performance.now();
  await engine.close();
  return {
    projectMs: loaded - started,
    warehouseMs: opened - loaded,
    closeMs: performance.now() - opened,
    tasks: project.graph.order.length,
    ...(job.runId ? { taskRuns: await taskRuns(job.projectDir, job.runId) } : {}),
  };
}

async function runPipeline(job: Extract<Job, { kind: 'run' }>): Promise<RunResult> {
  const baseRssBytes = process.memoryUsage().rss;
  const started = performance.now();
  const { summary, exitCode } = await run({
    projectDir: job.projectDir,
    ...job.window,
    ...(job.select ? { select: job.select } : {}),
    trigger: 'bench',
    command: 'bench',
  });
  const durationMs = performance.now() - started;
  const sources: RunResult['sources'] = [];
  await query(
    {
      projectDir: job.projectDir,
      sql: `SELECT source, CAST(sum(received) AS BIGINT) AS received, CAST(sum(staged) AS BIGINT) AS staged,
                   CAST(sum(quarantined) AS BIGINT) AS quarantined, CAST(sum(duplicates) AS BIGINT) AS duplicates
            FROM audit.source_loads WHERE run_id = '${summary.runId.replaceAll("'", "''")}'
            GROUP BY source ORDER BY source`,
    },
    (batch) => {
      for (const r of batch.rows) {
        sources.push({
          source: String(r.source),
          received: Number(r.received),
          staged: Number(r.staged),
          quarantined: Number(r.quarantined),
          duplicates: Number(r.duplicates),
        });
      }
    },
  );
  return {
    durationMs,
    baseRssBytes,
    taskRuns: await taskRuns(job.projectDir, summary.runId),
    status: summary.status,
    exitCode,
    runId: summary.runId,
    costs: summary.costs,
    tasks: summary.tasks.map((t) => ({
      task: t.task,
      kind: t.kind,
      target: t.target,
      status: t.status,
      durationMs: t.durationMs,
      rowsOut: t.rows?.rowsOut ?? 0,
      landMs: t.rows?.timings?.landMs,
      error: t.error ? t.error.message.split('\n', 1)[0] : undefined,
    })),
    sources,
  };
}

async function runBare(job: Extract<Job, { kind: 'bare' }>): Promise<BareResult> {
  const { connection, close } = await openDuckDb(job.dbPath, job.memoryLimit);
  try {
    const version = String(await scalar(connection, 'SELECT version()'));
    const groups: BareResult['groups'] = [];
    let n = 0;
    for (const group of job.groups) {
      const table = `t${n++}`;
      const started = performance.now();
      await connection.run(bareReadSql(feedSpec(group.feed), group.files, table));
      const ms = performance.now() - started;
      groups.push({
        name: group.name,
        feed: group.feed,
        ms,
        layersMs: 0,
        rows: Number(await scalar(connection, `SELECT count(*) FROM ${table}`)),
      });
    }
    // The least a layered load writes: each read's typed rows twice more, as staging and warehouse
    // hold them. Copied once every read is measured, so the reads run as they did without it.
    for (const [i, group] of groups.entries()) {
      const copied = performance.now();
      await connection.run(`CREATE TABLE t${i}_staging AS SELECT * FROM t${i}`);
      await connection.run(`CREATE TABLE t${i}_warehouse AS SELECT * FROM t${i}_staging`);
      group.layersMs = performance.now() - copied;
    }
    return { duckdbVersion: version, groups };
  } finally {
    close();
  }
}

async function runInserts(job: Extract<Job, { kind: 'inserts' }>): Promise<InsertsResult> {
  const spec = feedSpec(job.feed);
  const { connection, close } = await openDuckDb(job.dbPath, job.memoryLimit);
  try {
    // The sample, as the text a loader would have parsed from the file (not timed).
    await connection.run(bareReadSql(spec, job.files, 'source_rows'));
    const text = spec.columns.map((c) => `CAST("${c.name}" AS VARCHAR)`).join(', ');
    const keyed = spec.key.map((k) => `"${k}" IS NOT NULL`).join(' AND ');
    const reader = await connection.runAndReadAll(
      `SELECT ${text} FROM source_rows WHERE ${keyed} LIMIT ${job.sample}`,
    );
    const sample = reader.getRows();
    await connection.run(createTableSql(spec, 'target'));
    const insert = await connection.prepare(rowInsertSql(spec, 'target'));
    const started = performance.now();
    await connection.run('BEGIN TRANSACTION');
    for (const row of sample) {
      row.forEach((value, i) => {
        if (value === null) insert.bindNull(i + 1);
        else insert.bindVarchar(i + 1, String(value));
      });
      await insert.run();
    }
    await connection.run('COMMIT');
    const ms = performance.now() - started;
    const rows = Number(await scalar(connection, 'SELECT count(*) FROM target'));
    return { ms, sampled: sample.length, rows, types: spec.columns.map(columnType) };
  } finally {
    close();
  }
}

async function main(): Promise<void> {
  const [jobPath, resultPath] = process.argv.slice(2);
  if (!jobPath || !resultPath) throw new Error('usage: child.ts JOB.json RESULT.json');
  const job = JSON.parse(readFileSync(jobPath, 'utf8')) as Job;
  const cpu = process.cpuUsage();
  let result: ChildResult;
  try {
    let value: unknown;
    if (job.kind === 'generate') value = await runGenerate(job);
    else if (job.kind === 'run') value = await runPipeline(job);
    else if (job.kind === 'bare') value = await runBare(job);
    else if (job.kind === 'dashboards') value = await measureDashboards(job.job);
    else if (job.kind === 'open') value = await runOpen(job);
    else value = await runInserts(job);
    const used = process.cpuUsage(cpu);
    result = {
      ok: true,
      value,
      cpuMs: (used.user + used.system) / 1000,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    } as ChildResult;
  } catch (error) {
    const e = toStrataError(error);
    const failure: ChildFailure = { ok: false, code: e.code, message: e.message, hint: e.hint };
    result = failure;
  }
  writeFileSync(resultPath, JSON.stringify(result));
}

await main();
