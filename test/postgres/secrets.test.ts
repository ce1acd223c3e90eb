/**
 * The password of the warehouse URL never leaves the environment: a project runs on PostgreSQL
 * with a URL holding a password (the test server's), including a run that fails and a URL the
 * server refuses, and every output — the API's events and summaries, the CLI's text and JSON on
 * stdout and stderr, `strata status`, `strata runs`, `strata runs --run`, `strata check`,
 * `strata quarantine` — and every row of every table in the warehouse (all schemas, audit
 * included, each row cast to text) is searched for it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import type { RunEvent } from '../../src/runner/events.ts';
import { cli } from '../cli/in-process.ts';
import { TestProject, model } from '../helpers/project.ts';

const config = `import { defineConfig } from 'strata';
export default defineConfig(${JSON.stringify(
  {
    engine: { type: 'duckdb', path: 'warehouse.duckdb' },
    sources: {
      orders: {
        files: 'data/orders/*.csv',
        contract: {
          uniqueKey: ['order_id'],
          fields: {
            order_id: { type: 'string', required: true },
            amount: { type: 'decimal', precision: 10, scale: 2, min: 0 },
          },
        },
      },
    },
  },
  null,
  2,
)});
`;

let project: TestProject;
let url: string;
let password: string;
/** Everything strata showed or handed back, to search at the end. */
const outputs: { what: string; text: string }[] = [];

function record(what: string, value: unknown): void {
  outputs.push({ what, text: typeof value === 'string' ? value : JSON.stringify(value) });
}

async function strata(...argv: string[]): Promise<number> {
  const { code, stdout, stderr } = await cli([...argv, '--project', project.dir], { env: project.env });
  record(`strata ${argv.join(' ')} (stdout)`, stdout);
  record(`strata ${argv.join(' ')} (stderr)`, stderr);
  return code;
}

beforeAll(async () => {
  project = await TestProject.create({
    'strata.config.ts': config,
    'data/orders/2025-03-14.csv': 'order_id,amount\n1,10.50\n2,-3.00\n3,oops\n1,11.00\n',
    'models/marts/revenue.sql': model(
      { materialized: 'table', checks: [{ not_null: 'revenue' }] },
      `select sum(amount) as revenue from {{ ref('orders') }}`,
    ),
  });
  url = String(project.env.STRATA_DATABASE_URL);
  password = decodeURIComponent(new URL(url).password);
});

afterAll(async () => {
  await project?.dispose();
});

/** A server reached without a password in its URL (STRATA_TEST_PG_URL with .pgpass or trust) gives nothing to search for. */
const urlHasPassword = new URL(inject('strataPgAdminUrl')).password !== '';

describe.runIf(urlHasPassword)('the warehouse password', () => {
  it('is in the URL strata is given (so the search below means something)', () => {
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(url).toContain(password);
  });

  it('appears in no output of runs that succeed, fail, or cannot connect', async () => {
    const events: RunEvent[] = [];
    const ok = await project.run({ date: '2025-03-14', onEvent: (e) => void events.push(e) });
    expect(ok.exitCode).toBe(0);
    record('API run summary', ok);
    record('API run events', events);
    const runId = ok.summary.runId;

    expect(await strata('run', '--date', '2025-03-14')).toBe(0);
    expect(await strata('run', '--date', '2025-03-14', '--format', 'json', '--log-format', 'json')).toBe(0);

    // A failing model: the SQL error, its task, the run summary and the audit rows.
    await project.write({
      'models/marts/broken.sql': model({ materialized: 'table' }, `select cast('boom' as integer) as x`),
    });
    expect(await strata('run', '--date', '2025-03-14')).toBe(1);
    expect(await strata('run', '--date', '2025-03-14', '--format', 'json', '--log-format', 'json')).toBe(1);
    const failed = await project.run({
      date: '2025-03-14',
      onEvent: (e) => record('API failing run event', e),
    });
    expect(failed.exitCode).toBe(1);
    record('API failing run summary', failed);

    for (const format of ['table', 'json']) {
      expect(await strata('status', '--format', format)).toBe(0);
      expect(await strata('runs', '--format', format)).toBe(0);
      expect(await strata('runs', '--run', runId, '--format', format)).toBe(0);
      expect(await strata('runs', '--run', failed.summary.runId, '--format', format)).toBe(0);
      expect(await strata('quarantine', '--format', format)).toBe(0);
    }
    expect(await strata('check')).toBe(0);
    expect(await strata('query', 'select current_user as who', '--format', 'json')).toBe(0);
    // A statement that echoes the URL back in its error: the error shows its SQL, scrubbed.
    expect(await strata('query', `select cast('${url}' as integer)`)).toBe(1);
    expect(outputs.at(-1)?.text).toContain('postgres://postgres:***@');

    // A URL the server refuses (wrong password, missing database): the error names neither password.
    const wrong = new URL(url);
    wrong.password = `${password}-wrong`;
    const refused = await cli(['status', '--project', project.dir], {
      env: { ...project.env, STRATA_DATABASE_URL: wrong.toString() },
    });
    expect(refused.code).toBe(1);
    record('strata status with a wrong password (stderr)', refused.stderr);
    const missing = new URL(url);
    missing.pathname = '/no_such_database';
    const absent = await cli(['run', '--project', project.dir, '--log-format', 'json'], {
      env: { ...project.env, STRATA_DATABASE_URL: missing.toString() },
    });
    expect(absent.code).toBe(1);
    record('strata run on a missing database (stderr)', absent.stderr);
    expect(absent.stderr).toContain('ENGINE_OPEN_FAILED');

    expect(outputs.length).toBeGreaterThan(30);
    const leaks = outputs.filter((o) => o.text.includes(password)).map((o) => o.what);
    expect(leaks).toEqual([]);
    // The outputs did say something about the warehouse: its user and host, without the password.
    expect(outputs.some((o) => o.text.includes(`postgres://postgres@127.0.0.1`))).toBe(true);
  });

  it('is in no row of any table or view of the warehouse, audit included', async () => {
    const searched = await withProject(project.options, async (_project, engine) => {
      const found: string[] = [];
      const tables = await engine.listTables();
      for (const table of tables) {
        const { rows } = await engine.query(
          `SELECT count(*) AS n FROM ${engine.dialect.qualify(table)} AS t WHERE strpos(CAST(t AS TEXT), $1) > 0`,
          [password],
        );
        if (Number(rows[0]?.n) > 0) found.push(`${table.schema}.${table.name}`);
      }
      return { found, tables: tables.map((t) => `${t.schema}.${t.name}`) };
    });
    expect(searched.tables).toEqual(
      expect.arrayContaining(['audit.pipeline_runs', 'audit.task_runs', 'audit.bad_records', 'raw.orders']),
    );
    expect(searched.found).toEqual([]);
    // The failing run's error was recorded (so the search covered an error text).
    const [error] = await project.query(
      `SELECT error_message FROM audit.task_runs WHERE status = 'failed' AND error_message IS NOT NULL LIMIT 1`,
    );
    expect(String(error?.error_message)).toMatch(/integer/i);
  });
});
