import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../helpers/project.ts';
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
    expect(events.filter((e) => e.type === 'task_succeeded')).toHaveLength(9);
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
    const { run, tasks } = JSON.parse(detail.stdout) as { run: { runId: string }; tasks: { task: string }[] };
    expect(run.runId).toBe(list[0]?.runId);
    expect(tasks.map((t) => t.task).sort()).toContain('dim_customer');
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
    expect(result.stdout).toMatch(/^RUN +STATUS +DATES +STARTED \(UTC\) +DURATION +OK +FAILED +SKIPPED$/m);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(3);
  });
});
