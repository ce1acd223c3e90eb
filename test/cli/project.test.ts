import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, testEnvironment } from '../helpers/project.ts';
import { testEngine } from '../support/postgres.ts';
import { cli as cliIn } from './in-process.ts';
import { type Result, explain, strata as strataOut, tempDir } from './strata-process.ts';

// End to end through `node bin/strata.js`, on a real warehouse: a DuckDB file in a temporary
// folder, or under the postgres test project a fresh PostgreSQL database (STRATA_DATABASE_URL).

let env: NodeJS.ProcessEnv = process.env;
const strata = (args: readonly string[]) => strataOut(args, { env });
const cli = (args: readonly string[], options: { cwd?: string } = {}) => cliIn(args, { ...options, env });

describe('a starter project driven from the command line', () => {
  let root: { path: string; remove: () => Promise<void> };
  let project: string;
  let init: Result;
  let first: Result;
  let second: Result;

  let database: Awaited<ReturnType<typeof testEnvironment>> | undefined;

  beforeAll(async () => {
    database = await testEnvironment();
    env = database.env;
    root = await tempDir('starter');
    project = join(root.path, 'x');
    init = await strata(['init', project]);
    first = await strata(['run', '--project', project]);
    // Global options after the command name; progress as NDJSON, the summary as JSON.
    second = await strata(['run', '--project', project, '--log-format', 'json', '--format', 'json']);
  });
  afterAll(async () => {
    await root?.remove();
    await database?.dispose();
  });

  it('init prints what it created and the next command', () => {
    expect(init.code, explain(init)).toBe(0);
    expect(init.stdout).toContain('strata.config.ts');
    expect(init.stdout).toContain('models/marts/daily_sales.sql');
    expect(init.stdout).toMatch(/strata run --project \S+x/);
  });

  it('run prints plain progress on stderr and a summary on stdout', () => {
    expect(first.code, explain(first)).toBe(0);
    expect(first.stderr).toMatch(/^\d\d:\d\d:\d\d ✓ dim_customer +scd2 +\d+\.\d\ds {2}\d+ rows?$/m);
    expect(first.stdout).toMatch(/^TASK +MATERIALIZATION +STATUS +ATTEMPTS +ROWS +TIME$/m);
    expect(first.stdout).toMatch(/^dim_customer +scd2 +success +1 +\d+ +\d+\.\d\ds$/m);
    expect(first.stdout).toMatch(/Run r\S+ success in .*: 9 succeeded, 0 failed, 0 skipped/);
  });

  it('--log-format json writes the run events as NDJSON on stderr', () => {
    expect(second.code, explain(second)).toBe(0);
    const events = second.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; runId: string });
    expect(events[0]?.type).toBe('run_started');
    expect(events.at(-1)?.type).toBe('run_finished');
    // the second run of the same files: every task is skipped, its inputs unchanged
    const skipped = events.filter((e) => e.type === 'task_skipped') as unknown as { reason: string }[];
    expect(skipped).toHaveLength(9);
    expect(skipped.every((e) => e.reason.startsWith('unchanged: inputs unchanged since run'))).toBe(true);
    const summary = JSON.parse(second.stdout) as { runId: string; status: string; startedAt: string };
    expect(summary.status).toBe('success');
    expect(summary.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(new Set(events.map((e) => e.runId))).toEqual(new Set([summary.runId]));
  });

  it('runs lists both runs as successful, and --run shows the attempts of one', async () => {
    const runs = await strata(['runs', '--project', project, '--format', 'json']);
    expect(runs.code, explain(runs)).toBe(0);
    const list = JSON.parse(runs.stdout) as { runId: string; status: string; trigger: string }[];
    expect(list).toHaveLength(2);
    expect(list.map((r) => r.status)).toEqual(['success', 'success']);
    expect(list.map((r) => r.trigger)).toEqual(['cli', 'cli']);

    const detail = await strata([
      '--project',
      project,
      'runs',
      '--run',
      list[0]?.runId ?? '',
      '--format',
      'json',
    ]);
    expect(detail.code, explain(detail)).toBe(0);
    const { run, tasks, tasksUnchanged } = JSON.parse(detail.stdout) as {
      run: { runId: string };
      tasks: { task: string }[];
      tasksUnchanged: number;
    };
    expect(run.runId).toBe(list[0]?.runId);
    expect(tasksUnchanged).toBe(9);
    expect(tasks.map((t) => t.task).sort()).toContain('dim_customer');
    // the newest run found nothing changed: every task is shown skipped, with why
    const attempts = tasks as unknown as { status: string; errorCode: string | null }[];
    expect(new Set(attempts.map((t) => `${t.status} ${t.errorCode}`))).toEqual(
      new Set(['skipped TASK_UNCHANGED']),
    );
    const text = await strata(['--project', project, 'runs', '--run', list[0]?.runId ?? '']);
    expect(text.stdout).toMatch(
      /^dim_customer +scd2 +1 +skipped .*TASK_UNCHANGED unchanged: inputs unchanged since run r\S+$/m,
    );
    // the summary names them unchanged, not skipped: nothing was stopped
    expect(text.stdout).toMatch(/^Tasks +0 ok, 0 failed, 9 unchanged$/m);
  });

  it('query --format json returns numbers as numbers', async () => {
    const result = await strata([
      'query',
      'select count(*) as n from audit.task_runs',
      '--format',
      'json',
      '--project',
      project,
    ]);
    expect(result.code, explain(result)).toBe(0);
    const rows = JSON.parse(result.stdout) as { n: number }[];
    expect(rows).toHaveLength(1);
    expect(typeof rows[0]?.n).toBe('number');
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  it('query --format csv quotes fields the RFC 4180 way', async () => {
    const sql = `select 'a,b' as comma, 'say "hi"' as quote, 'two' || chr(10) || 'lines' as newline, null as empty, 42 as n`;
    const result = await strata(['query', sql, '--format', 'csv', '--project', project]);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout).toBe('comma,quote,newline,empty,n\n"a,b","say ""hi""","two\nlines",,42\n');
  });

  it('rejects an invalid date with DATE_INVALID and exit code 2', async () => {
    const result = await strata(['run', '--date', '2025-13-45', '--project', project]);
    expect(result.code, explain(result)).toBe(2);
    expect(result.stderr).toContain('error[DATE_INVALID]');
    expect(result.stdout).toBe('');
  });

  it('status shows every model built, in process', async () => {
    const result = await cli(['status'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      testEngine() === 'postgres' ? /^Engine +postgres:\/\//m : /^Engine +duckdb/m,
    );
    expect(result.stdout).toMatch(
      /^dim_customer +model +scd2 +warehouse\.dim_customer +table +\d+ +success$/m,
    );
    expect(result.stdout).toMatch(/^stg_orders +model +view +staging\.stg_orders +view +– +success$/m);
  });

  it('query --format table stops at --max-rows and says so, in process', async () => {
    const sql = 'select order_id, status, null as nothing from warehouse.order_status order by order_id';
    const result = await cli(['query', sql, '--max-rows', '2', '--project', project]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^order_id +status +nothing$/);
    expect(lines[2]).toMatch(/^ +1001 +\w+ +NULL$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/first 2 rows shown; the result has more/);
  });

  it('runs prints a table of runs, in process', async () => {
    const result = await cli(['runs', '--project', project, '--limit', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^RUN +STATUS +DATES +STARTED \(UTC\) +DURATION +OK +FAILED +UNCHANGED +SKIPPED$/m,
    );
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(3);
  });
});

describe('a run that finds no file to load, from the command line', () => {
  let project: TestProject;
  const config = {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      // a path given from the wrong folder: nothing matches
      customers: { files: 'customers/*.csv', contract: { fields: { id: { type: 'string' } } } },
      orders: {
        files: 'data/orders/*.csv',
        contract: { fields: { order_id: { type: 'string', required: true } } },
      },
    },
  };
  beforeAll(async () => {
    project = await TestProject.create({
      'strata.config.ts': `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config)});\n`,
      'data/orders/2025-03-14.csv': 'order_id\n1\n',
      'data/orders/2025-03-15.csv': 'order_id\n2\n',
    });
  });
  afterAll(async () => {
    await project?.dispose();
  });
  const run = (...args: string[]) => cliIn(['run', '--project', project.dir, ...args], { env: project.env });

  it('shows each source’s warning in the progress and the summary, and exits 0', async () => {
    const result = await run('--from', '2025-07-01', '--to', '2025-07-03');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^\d\d:\d\d:\d\d ! orders +source +warning SOURCE_WINDOW_EMPTY no file for 2025-07-01\.\.2025-07-03; its files cover 2025-03-14\.\.2025-03-15 \(2 dates\)$/m,
    );
    // the two sources and their quarantine gates
    expect(result.stdout).toMatch(/Run r\S+ success in .*: 4 succeeded, 0 failed, 0 skipped/);
    const warnings = result.stdout.slice(result.stdout.indexOf('\nWarnings:\n'));
    expect(warnings.split('\n').slice(2, 6)).toEqual([
      '  customers: SOURCE_NO_FILES no file matches customers/*.csv (looked in customers, which does not exist)',
      `    hint: Check the path in sources.customers.files: a pattern is relative to the project folder (${project.dir}), not to the current directory.`,
      '  orders: SOURCE_WINDOW_EMPTY no file for 2025-07-01..2025-07-03; its files cover 2025-03-14..2025-03-15 (2 dates)',
      '    hint: Run dates its files have (e.g. --from 2025-03-14 --to 2025-03-15), or check that the files for 2025-07-01..2025-07-03 were delivered where sources.orders.files looks.',
    ]);
    const runId = /Run (r\S+) success/.exec(result.stdout)?.[1] as string;
    const detail = await cliIn(['runs', '--run', runId, '--project', project.dir], { env: project.env });
    expect(detail.stdout).toMatch(
      /^orders +source +1 +success .* warning SOURCE_WINDOW_EMPTY no file for 2025-07-01\.\.2025-07-03;/m,
    );
  });

  it('--format json lists the warnings with code, source, message and hint', async () => {
    const result = await run('--date', '2025-07-01', '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { warnings: Record<string, string>[] };
    expect(summary.warnings.map(({ code, source, message }) => ({ code, source, message }))).toEqual([
      {
        code: 'SOURCE_NO_FILES',
        source: 'customers',
        message: 'no file matches customers/*.csv (looked in customers, which does not exist)',
      },
      {
        code: 'SOURCE_WINDOW_EMPTY',
        source: 'orders',
        message: 'no file for 2025-07-01; its files cover 2025-03-14..2025-03-15 (2 dates)',
      },
    ]);
    expect(summary.warnings.every((w) => w.hint)).toBe(true);
  });

  it('--strict fails the run with the errors, exit code 1', async () => {
    const result = await run('--date', '2025-07-01', '--strict');
    expect(result.code).toBe(1);
    // both sources fail; their quarantine gates are skipped
    expect(result.stdout).toMatch(/Run r\S+ failed in .*: 0 succeeded, 2 failed, 2 skipped/);
    expect(result.stdout).toContain(
      'error[SOURCE_WINDOW_EMPTY]: no file for 2025-07-01; its files cover 2025-03-14..2025-03-15 (2 dates)',
    );
    expect(result.stdout).toContain('error[SOURCE_NO_FILES]: no file matches customers/*.csv');
    expect(result.stdout).not.toContain('Warnings:');
  });
});
