/**
 * Runs one measured step in a child process and samples the resident memory of the child and
 * every process below it (/proc/<pid>/status VmRSS) — DuckDB's native memory included, since it
 * lives in the child's address space. The child also reports its own peak (getrusage maxrss);
 * the larger of the two is the step's peak.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Measured<T> {
  /** Wall time of the whole child process, start to exit. */
  processMs: number;
  /** Peak RSS of the process tree in bytes (sampled, or the child's own maxrss when higher). */
  peakRssBytes: number;
  /** 1-minute load average when the step started. */
  load1: number;
  result: T;
}

const SAMPLE_MS = 100;

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return children;
}

/** Resident memory of a process and all its descendants, in bytes (0 where /proc is missing). */
export function treeRss(pid: number): number {
  let total = 0;
  const pending = [pid];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const next = pending.pop() as number;
    if (seen.has(next)) continue;
    seen.add(next);
    total += rssOf(next);
    pending.push(...childrenOf(next));
  }
  return total;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the step after this long (it then fails). */
  timeoutMs: number;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns a process, samples its tree's memory until it exits. */
export async function measureProcess(spec: SpawnSpec): Promise<Measured<ChildExit>> {
  const load1 = loadavg()[0] ?? 0;
  const started = performance.now();
  const child = spawn(spec.command, spec.args, {
    env: spec.env ?? process.env,
    cwd: spec.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peak = 0;
  const pid = child.pid;
  const timer = setInterval(() => {
    if (pid !== undefined) peak = Math.max(peak, treeRss(pid));
  }, SAMPLE_MS);
  const killer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal }));
  }).finally(() => {
    clearInterval(timer);
    clearTimeout(killer);
  });
  return {
    processMs: performance.now() - started,
    peakRssBytes: peak,
    load1,
    result: { ...exit, stdout, stderr },
  };
}
