import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDashboardSite } from '../../src/api/dashboard-site.ts';
import type { MonitorRunsView } from '../../src/dashboards/monitor-runs-views.ts';
import { createApp } from '../../src/serve/app.ts';
import { type ProjectFiles, TestProject, csv, model } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';
import { BIN, explain, strata } from './strata-process.ts';

/**
 * `strata run` as a process, stopped part-way: SIGTERM and SIGINT cancel the running task, record
 * the run as interrupted and exit 130; SIGKILL leaves the run `running` in audit, and `strata
 * runs` and the monitor show it interrupted at once. Both engines (slow SQL differs: DuckDB
 * computes, PostgreSQL sleeps; a killed PostgreSQL client's sleeping query ends by itself soon).
 */
const onPostgres = testEngine() === 'postgres';
const FAST = `select n, n * 10 as v from {{ ref('first') }}`;
const slow = (seconds: number) =>
  onPostgres
    ? `select n, n * 10 + (select count(*) from (select pg_sleep(${seconds})) as s) * 0 as v from {{ ref('first') }}`
    : `select n, n * 10 + (select count(*) from range(1000000000000) as a, range(100) as b) * 0 as v
         from {{ ref('first') }}`;

const FILES: ProjectFiles = {
  'seeds/numbers.csv': csv('n', [1], [2], [3]),
  'models/warehouse/first.sql': model({ materialized: 'table' }, `select n from {{ ref('numbers') }}`),
  'models/warehouse/slow.sql': model({ materialized: 'table' }, FAST),
  'models/warehouse/after.sql': model(
    { materialized: 'table' },
    `select sum(v) as total from {{ ref('slow') }}`,
  ),
};

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `strata run --log-format json` (or another command) on the project, resolved once the task `task` has started. */
async function startRun(
  project: TestProject,
  task: string,
  args: readonly string[] = ['run'],
): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args, '--project', project.dir, '--log-format', 'json'], {
    cwd: tmpdir(),
    env: {
      ...process.env,
      CI: 'true',
      NO_COLOR: '1',
      STRATA_DATABASE_URL: project.env.STRATA_DATABASE_URL ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${task} did not start: ${stderr}`)), 30_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes(`"type":"task_started","runId"`) && new RegExp(`"task":"${task}"`).test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ${task} started: ${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

const projects: TestProject[] = [];
let running: Running | undefined;
let clean: Record<string, string>;

beforeAll(async () => {
  // the reference: a clean run on a fresh copy
  const reference = await TestProject.create(FILES, { run: { concurrency: 1 } });
  projects.push(reference);
  const result = await strata(['run', '--project', reference.dir], { env: reference.env });
  expect(result.code, explain(result)).toBe(0);
  clean = await reference.checksums();
});
afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  running = undefined;
});
afterAll(async () => {
  for (const project of projects) await project.dispose();
});

describe.each(['SIGTERM', 'SIGINT'] as const)('%s to a running `strata run`', (signal) => {
  it('cancels the running task, records the run interrupted with its tasks, exits 130; a rerun equals a clean run', async () => {
    const project = await TestProject.create(FILES, { run: { concurrency: 1 } });
    projects.push(project);
    expect((await strata(['run', '--project', project.dir], { env: project.env })).code).toBe(0);
    const before = await project.checksums();
    await project.write({ 'models/warehouse/slow.sql': model({ materialized: 'table' }, slow(30)) });

    running = await startRun(project, 'slow');
    await new Promise((resolve) => setTimeout(resolve, 300)); // well into the CREATE TABLE
    running.child.kill(signal);
    const code = await running.exited;
    expect(code, running.stderr()).toBe(130);
    expect(running.stderr()).toMatch(/interrupting: the current tasks are cancelled/);
    expect(running.stdout()).toMatch(/Run \S+ interrupted/);
    expect(running.stdout()).toMatch(/run --resume r\S+/);

    const [run] = await project.query(
      `select run_id, status, error_code, error_message from audit.pipeline_runs order by started_at desc limit 1`,
    );
    expect(run).toMatchObject({ status: 'interrupted', error_code: 'RUN_INTERRUPTED' });
    expect(String(run?.error_message)).toContain(`by ${signal}`);
    const tasks = await project.query(
      `select task_id, status from audit.task_runs where run_id = '${String(run?.run_id)}' order by task_id`,
    );
    // numbers and first did not change since the first run: skipped-unchanged
    expect(tasks).toEqual([
      { task_id: 'after', status: 'skipped' },
      { task_id: 'first', status: 'skipped' },
      { task_id: 'numbers', status: 'skipped' },
      { task_id: 'slow', status: 'interrupted' },
    ]);
    // the warehouse is as before the run
    expect(await project.checksums()).toEqual(before);

    await project.write({ 'models/warehouse/slow.sql': model({ materialized: 'table' }, FAST) });
    const rerun = await strata(['run', '--project', project.dir], { env: project.env });
    expect(rerun.code, explain(rerun)).toBe(0);
    expect(await project.checksums()).toEqual(clean);
  });
});

describe('SIGKILL to a running `strata run`', () => {
  it('leaves the run recorded as running, and `strata runs` and the monitor show it interrupted at once', async () => {
    const project = await TestProject.create(FILES, { run: { concurrency: 1 } });
    projects.push(project);
    await project.write({ 'models/warehouse/slow.sql': model({ materialized: 'table' }, slow(3)) });
    running = await startRun(project, 'slow');
    running.child.kill('SIGKILL');
    expect(await running.exited).toBeNull();
    running = undefined;

    const [recorded] = await project.query(
      `select run_id, status, pid from audit.pipeline_runs order by started_at desc limit 1`,
    );
    expect(recorded?.status).toBe('running');
    expect(Number(recorded?.pid)).toBeGreaterThan(0);

    const listed = await strata(['runs', '--project', project.dir, '--format', 'json'], { env: project.env });
    expect(listed.code, explain(listed)).toBe(0);
    const runs = JSON.parse(listed.stdout) as { runId: string; status: string }[];
    expect(runs.find((r) => r.runId === recorded?.run_id)?.status).toBe('interrupted');

    const site = await openDashboardSite({ projectDirs: [project.dir], env: project.env });
    try {
      const app = createApp({ site });
      const slug = site.projects[0]?.slug ?? '';
      const response = await app.request(`/api/${slug}/monitor/runs`);
      const body = (await response.json()) as MonitorRunsView;
      expect(body.runs.find((r) => r.runId === recorded?.run_id)?.status).toBe('interrupted');
      expect(body.live).toBe(false);
    } finally {
      await site.close();
    }
  });
});

describe('SIGTERM to a running `strata backfill`', () => {
  it('interrupts the chunk, records the backfill interrupted, prints --resume, which completes it', async () => {
    const project = await TestProject.create(FILES, { run: { concurrency: 1 } });
    projects.push(project);
    await project.write({ 'models/warehouse/slow.sql': model({ materialized: 'table' }, slow(30)) });
    running = await startRun(project, 'slow', ['backfill', '--from', '2025-03-01', '--to', '2025-03-03']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    running.child.kill('SIGTERM');
    expect(await running.exited, running.stderr()).toBe(130);
    const resume = /backfill --resume (b\S+)/.exec(running.stdout());
    expect(resume, running.stdout()).not.toBeNull();
    const chunks = await project.query(
      `select chunk, status from audit.backfill_chunks where backfill_id = '${resume?.[1]}' order by chunk`,
    );
    expect(chunks).toEqual([
      { chunk: 1, status: 'interrupted' },
      { chunk: 2, status: 'pending' },
      { chunk: 3, status: 'pending' },
    ]);
    running = undefined;

    await project.write({ 'models/warehouse/slow.sql': model({ materialized: 'table' }, FAST) });
    const resumed = await strata(['backfill', '--project', project.dir, '--resume'], { env: project.env });
    expect(resumed.code, explain(resumed)).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`Backfill ${resume?.[1]} success: 3 of 3 chunks succeeded`));
    expect(await project.checksums()).toEqual(clean);
  });
});
