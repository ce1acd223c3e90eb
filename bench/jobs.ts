/** The steps bench/child.ts runs, their results, and running one in a measured child process. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerateDomain } from '../src/generate/index.ts';
import type { DashboardJob } from './dashboards.ts';
import { measureProcess } from './measure.ts';

export type Job =
  | {
      kind: 'generate';
      options: {
        domain: GenerateDomain;
        start: string;
        days: number;
        scale: number;
        seed: number;
        defects: number;
        out: string;
      };
    }
  | {
      kind: 'run';
      projectDir: string;
      window: { from: string; to: string } | { date: string };
      /** Only these nodes (a source alone); the whole DAG when absent. */
      select?: string[];
    }
  | {
      kind: 'bare';
      dbPath: string;
      memoryLimit: string;
      groups: { name: string; feed: string; files: string[] }[];
    }
  | { kind: 'inserts'; dbPath: string; memoryLimit: string; feed: string; files: string[]; sample: number }
  /**
   * Opening the project (config and models) and then its warehouse, timed apart, as a run does;
   * then (untimed) the rows of audit.task_runs of `runId`.
   */
  | { kind: 'open'; projectDir: string; runId?: string }
  | { kind: 'dashboards'; job: DashboardJob };

export interface GenerateResultLite {
  durationMs: number;
  rows: number;
  files: number;
  bytes: number;
  defects: number;
  threads: number;
}

export interface TaskTiming {
  task: string;
  kind: string;
  target: string;
  status: string;
  durationMs: number;
  rowsOut: number;
  /** A source task: the time spent landing its files in raw (read + bulk load + ledger). */
  landMs?: number;
  error?: string;
}

/** A row of audit.task_runs for the run, its status read as recorded (no status is assumed). */
export interface TaskRunRow {
  task: string;
  kind: string;
  materialization: string;
  status: string;
  errorCode?: string;
  durationMs: number;
  /** Epoch milliseconds (the recorded timestamps), when recorded. */
  startedMs?: number;
  finishedMs?: number;
}

export interface RunResult {
  /** Time spent in strata's run() (the process's start-up and the ledger query excluded). */
  durationMs: number;
  /** The process's resident memory just before run(): Node, tsx and the modules loaded. */
  baseRssBytes?: number;
  /** audit.task_runs of this run (the last attempt of each task). */
  taskRuns?: TaskRunRow[];
  status: 'success' | 'failed' | 'interrupted';
  exitCode: number;
  runId: string;
  tasks: TaskTiming[];
  sources: { source: string; received: number; staged: number; quarantined: number; duplicates: number }[];
  /** The run's own count of its statements and audit writes (RunSummary.costs). */
  costs?: StatementCosts;
}

/** RunSummary.costs, repeated so the bench's report files stay free of strata's modules. */
export interface StatementCosts {
  statements: number;
  statementMs: number;
  audit: { writes: number; batches: number; statements: number; ms: number };
}

export interface BareResult {
  duckdbVersion: string;
  /**
   * Per group of files: `ms` the bare read into a typed table; `layersMs` then copying that table
   * into two more (as staging and warehouse would hold it), each copy committed on its own.
   */
  groups: { name: string; feed: string; ms: number; layersMs: number; rows: number }[];
}

export interface OpenResult {
  /** loadProject: strata.config.ts loaded, models and seeds parsed, the DAG and the checks built. */
  projectMs: number;
  /** createEngine: the warehouse opened (DuckDB: the file attached; PostgreSQL: the pool connected). */
  warehouseMs: number;
  /** engine.close(). */
  closeMs: number;
  tasks: number;
  taskRuns?: TaskRunRow[];
}

export interface InsertsResult {
  ms: number;
  sampled: number;
  rows: number;
  types: string[];
}

export type ChildSuccess<T = unknown> = { ok: true; value: T; cpuMs: number; maxRssBytes: number };
export interface ChildFailure {
  ok: false;
  code: string;
  message: string;
  hint?: string;
}
export type ChildResult = ChildSuccess | ChildFailure;

export interface StepOutcome<T> {
  ok: true;
  value: T;
  cpuMs: number;
  peakRssBytes: number;
  processMs: number;
  load1: number;
}

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly failure: ChildFailure,
  ) {
    super(`${step}: ${failure.code}: ${failure.message}${failure.hint ? ` (${failure.hint})` : ''}`);
  }
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
let sequence = 0;

/** Runs a job in a child process (`node --import tsx bench/child.ts`), measuring its process tree. */
export async function runJob<T>(
  job: Job,
  options: {
    tmpDir: string;
    /** The child's whole environment (default: this process's). */
    env?: NodeJS.ProcessEnv;
    timeoutMs: number;
    label: string;
  },
): Promise<StepOutcome<T>> {
  if (!existsSync(options.tmpDir)) mkdirSync(options.tmpDir, { recursive: true });
  const id = `${process.pid}-${++sequence}`;
  const jobPath = join(options.tmpDir, `job-${id}.json`);
  const resultPath = join(options.tmpDir, `result-${id}.json`);
  writeFileSync(jobPath, JSON.stringify(job));
  try {
    const measured = await measureProcess({
      command: process.execPath,
      args: ['--import', 'tsx', CHILD, jobPath, resultPath],
      env: options.env ?? process.env,
      timeoutMs: options.timeoutMs,
    });
    if (!existsSync(resultPath)) {
      const { code, signal, stderr } = measured.result;
      throw new StepFailed(options.label, {
        ok: false,
        code: 'CHILD_FAILED',
        message: `the step's process ended (code ${String(code)}, signal ${String(signal)}) without a result: ${stderr.trim().slice(-2000)}`,
      });
    }
    const result = JSON.parse(readFileSync(resultPath, 'utf8')) as ChildResult;
    if (!result.ok) throw new StepFailed(options.label, result);
    return {
      ok: true,
      value: result.value as T,
      cpuMs: result.cpuMs,
      peakRssBytes: Math.max(measured.peakRssBytes, result.maxRssBytes),
      processMs: measured.processMs,
      load1: measured.load1,
    };
  } finally {
    rmSync(jobPath, { force: true });
    rmSync(resultPath, { force: true });
  }
}
