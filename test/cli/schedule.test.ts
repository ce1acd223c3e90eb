import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';
import { cli } from './in-process.ts';
import { BIN, explain, strata } from './strata-process.ts';

const CONFIG = `import { defineConfig } from 'strata';

export default defineConfig({
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  schedules: { daily: { cron: '0 2 * * *', description: 'everything, yesterday' } },
});
`;

const FILES = {
  'seeds/events.csv': csv(
    'id,value,load_date',
    [1, 10, '2025-03-01'],
    [2, 20, '2025-03-02'],
    [3, 30, '2025-03-03'],
  ),
  'models/warehouse/fact_events.sql': model(
    { materialized: 'incremental', load_date_column: 'load_date' },
    `select id, value, cast(load_date as date) as load_date from {{ ref('events') }}`,
  ),
};

describe('strata schedule --explain, --once and status (in process, on the rehearsal clock)', () => {
  let project: TestProject;
  const at = (instant: string) => ({ ...project.env, STRATA_CLOCK_START: instant });

  beforeAll(async () => {
    project = await TestProject.create(FILES, { config: CONFIG });
  });
  afterAll(() => project?.dispose());

  it('--once registers the schedule, then runs the dates its fires missed, oldest first', async () => {
    const first = await cli(['schedule', '--once', '--project', project.dir], {
      env: at('2025-03-01T12:00:00Z'),
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('Nothing due: every expected date has run.\n');
    const explained = await cli(['schedule', '--explain', '--project', project.dir], {
      env: at('2025-03-03T12:00:00Z'),
    });
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain('daily — everything, yesterday');
    expect(explained.stdout).toContain('  cron        0 2 * * * (UTC)');
    expect(explained.stdout).toContain('  next fire   2025-03-04T02:00:00.000Z → 2025-03-03');
    expect(explained.stdout).toContain('  missing     2025-03-01, 2025-03-02');
    const state = await cli(['status', '--project', project.dir], { env: at('2025-03-03T12:00:00Z') });
    expect(state.stdout).toMatch(
      /SCHEDULE +CRON +NEXT FIRE +MISSING DATES\n[- ]+\ndaily +0 2 \* \* \* +2025-03-04 02:00:00 UTC +2025-03-01 2025-03-02/,
    );

    const once = await cli(['schedule', '--once', '--project', project.dir], {
      env: at('2025-03-03T12:00:00Z'),
    });
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toMatch(/^daily 2025-03-01 success \S+\ndaily 2025-03-02 success \S+\n$/);
    const json = await cli(['schedule', '--explain', '--format', 'json', '--project', project.dir], {
      env: at('2025-03-03T12:00:00Z'),
    });
    expect(JSON.parse(json.stdout)).toMatchObject([
      {
        name: 'daily',
        expected: ['2025-03-01', '2025-03-02'],
        done: ['2025-03-01', '2025-03-02'],
        missing: [],
      },
    ]);
  });

  it('a project without schedules is told how to add one', async () => {
    const bare = await TestProject.create(FILES);
    try {
      const result = await cli(['schedule', '--once', '--project', bare.dir], { env: bare.env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/SCHEDULE_NONE/);
    } finally {
      await bare.dispose();
    }
  });
});

/** A strata process whose output is watched; `waitFor` resolves when stdout+stderr match. */
function start(args: readonly string[], env: NodeJS.ProcessEnv) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, ...args], {
    env: { ...env, CI: 'true', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      for (const listener of listeners) listener();
    });
  }
  return {
    exited,
    get output() {
      return output;
    },
    waitFor(pattern: RegExp, what: string): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        // Bounded: a process that never prints it fails the test with its output.
        const timer = setTimeout(() => reject(new Error(`no ${what} within 30 s:\n${output}`)), 30_000);
        listeners.add(check);
        void exited.then(() => reject(new Error(`exited before ${what}:\n${output}`)));
        check();
      });
    },
    stop(): Promise<number | null> {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('strata schedule and serve --schedule as processes, on the rehearsal clock', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create(FILES, { config: CONFIG });
  });
  afterAll(() => project?.dispose());

  it('schedule sees a fire happen; serve --schedule after three days down catches them up in order and keeps answering', async () => {
    // Two seconds before the fire of 2025-03-02 02:00, in real time.
    const scheduler = start(['schedule', '--project', project.dir], {
      ...project.env,
      STRATA_CLOCK_START: '2025-03-02T01:59:58Z',
    });
    const [, healthUrl] = await scheduler.waitFor(
      /health: (http:\/\/127\.0\.0\.1:\d+\/healthz)/,
      'health URL',
    );
    const health = await fetch(healthUrl as string);
    expect((await health.json()) as unknown).toMatchObject({ schedules: [{ name: 'daily' }] });
    await scheduler.waitFor(/daily 2025-03-01: success/, 'the fire of 2025-03-02');
    // Another shell's commands work meanwhile (on DuckDB carried out by the scheduler, which owns the file).
    const manual = await strata(['run', '--date', '2025-03-01', '--project', project.dir], {
      env: project.env,
    });
    expect(manual.code, explain(manual)).toBe(0);
    const state = await strata(['status', '--project', project.dir], { env: project.env });
    expect(state.code, explain(state)).toBe(0);
    expect(state.stdout).toMatch(/^daily +0 2 \* \* \*/m);
    expect(await scheduler.stop(), scheduler.output).toBe(0);

    // Started again three simulated days later: the fires of 03-03, 03-04 and 03-05 were missed.
    const server = start(['serve', '--schedule', '--port', '0', '--project', project.dir], {
      ...project.env,
      STRATA_CLOCK_START: '2025-03-05T12:00:00Z',
    });
    const [, url] = await server.waitFor(/Dashboards: (http:\/\/127\.0\.0\.1:\d+\/)/, 'the dashboard URL');
    const api = await fetch(`${url}api`);
    expect(api.status).toBe(200);
    await server.waitFor(/daily 2025-03-04: success/, 'the catch-up');
    const order = [...server.output.matchAll(/daily (\d{4}-\d{2}-\d{2}): (run started|success)/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(order).toEqual([
      '2025-03-02 run started',
      '2025-03-02 success',
      '2025-03-03 run started',
      '2025-03-03 success',
      '2025-03-04 run started',
      '2025-03-04 success',
    ]);
    const healthz = await fetch(`${url}healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toMatchObject({ status: 'ok', newestLoadDate: '2025-03-04', lagDays: 0 });
    expect((await fetch(`${url}api`)).status).toBe(200);
    expect(await server.stop(), server.output).toBe(0);
  });
});
