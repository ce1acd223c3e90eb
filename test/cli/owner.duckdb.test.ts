import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';
import { type LongProcess, startStrata } from './long-process.ts';
import { type Result, explain, strata, tempDir } from './strata-process.ts';

/**
 * One owner: while `strata serve` holds a DuckDB warehouse, the CLI of other shells is carried out
 * by it (`<project>/.strata/owner.json`, `POST /api/owner/cli`) instead of finding the file in use.
 */
describe('commands from another shell while strata serve holds the DuckDB warehouse', () => {
  let project: TestProject;
  let server: LongProcess;
  let url: string;
  const direct: Record<string, Result> = {};
  const QUERY = 'SELECT item, total FROM warehouse.item_totals ORDER BY item';
  const COMMANDS: Record<string, string[]> = {
    query: ['query', QUERY, '--format', 'json'],
    queryTable: ['query', QUERY],
    status: ['status'],
    runs: ['runs'],
    quarantine: ['quarantine'],
  };
  const inProject = (args: readonly string[]) =>
    strata(['--project', project.dir, ...args], { cwd: project.dir });
  const NOTE = /^note: carried out by strata serve \(pid (\d+)\), which holds the warehouse$/m;

  beforeAll(async () => {
    project = await TestProject.create({
      'seeds/items.csv': csv('item,amount', ['a', 5], ['b', 7], ['a', 1]),
      'models/item_totals.sql': model(
        { materialized: 'table' },
        "select item, sum(amount) as total from {{ ref('items') }} group by item",
      ),
      'dashboards/totals.md': `---\ntitle: Totals\n---\n\n\`\`\`sql totals\nSELECT item, total FROM {{ ref('item_totals') }} ORDER BY item\n\`\`\`\n`,
    });
    const run = await inProject(['run']);
    expect(run.code, explain(run)).toBe(0);
    for (const [name, args] of Object.entries(COMMANDS)) direct[name] = await inProject(args);
    server = startStrata(['serve', '--port', '0', '--project', project.dir], { cwd: project.dir });
    url = (await server.waitFor(/Dashboards: (http:\/\/127\.0\.0\.1:\d+)\//, 'stdout'))[1]!;
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await project?.dispose();
  });

  it('writes the owner file, 0600 in a 0700 folder, naming the server', async () => {
    expect((await stat(join(project.dir, '.strata'))).mode & 0o777).toBe(0o700);
    const file = join(project.dir, '.strata', 'owner.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const { readFile } = await import('node:fs/promises');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      pid: server.child.pid,
      url: url,
      command: 'serve',
      warehouse: `duckdb:${join(project.dir, 'warehouse.duckdb')}`,
    });
  });

  it('query, status, runs and quarantine answer through it, stdout byte for byte as run directly', async () => {
    expect(direct.query?.stdout).toContain('"item":"a"');
    for (const [name, args] of Object.entries(COMMANDS)) {
      const result = await inProject(args);
      expect(result.code, `${name}: ${explain(result)}`).toBe(direct[name]?.code);
      expect(result.stdout, name).toBe(direct[name]?.stdout);
      expect(NOTE.exec(result.stderr)?.[1], `${name}: ${explain(result)}`).toBe(String(server.child.pid));
    }
  });

  it('a relative --project, resolved in the client’s folder, reaches the same owner', async () => {
    const result = await strata(['query', QUERY, '--format', 'json', '--project', '.'], { cwd: project.dir });
    expect(result.stdout).toBe(direct.query?.stdout);
    expect(result.stderr).toMatch(NOTE);
  });

  it('export is carried out by it, its relative --out written in the client’s folder', async () => {
    const result = await strata(['export', 'item_totals', '--out', 'exports/totals.csv', '--project', '.'], {
      cwd: project.dir,
    });
    expect(result.code, explain(result)).toBe(0);
    expect(NOTE.exec(result.stderr)?.[1], explain(result)).toBe(String(server.child.pid));
    expect(result.stdout).toMatch(
      /^Exported 2 rows of warehouse\.item_totals to exports\/totals\.csv \(csv, /,
    );
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(join(project.dir, 'exports', 'totals.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('item,total');
    expect(lines.slice(1).sort()).toEqual(['a,6', 'b,7']);
  });

  it('check answers, and an error of the command comes back as it would directly (exit code included)', async () => {
    const check = await inProject(['check']);
    expect(check.code, explain(check)).toBe(0);
    expect(check.stderr).toMatch(NOTE);
    const bad = await inProject(['query', 'SELECT * FROM no_such_table']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error\[SQL_FAILED\]/);
  });

  it('docs answers through it: the site written where the client’s --out says, and served at /docs', async () => {
    const shell = await tempDir('docs-out');
    try {
      const result = await strata(['--project', project.dir, 'docs', '--out', 'site'], { cwd: shell.path });
      expect(result.code, explain(result)).toBe(0);
      expect(result.stderr).toMatch(NOTE);
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(shell.path, 'site', 'index.html'), 'utf8')).toContain('item_totals');
      const served = await fetch(`${url}/docs`);
      expect(served.status).toBe(200);
      expect(await served.text()).toContain('item_totals');
    } finally {
      await shell.remove();
    }
  });

  it('run streams its progress and exits with the run’s code', async () => {
    const ok = await inProject(['run']);
    expect(ok.code, explain(ok)).toBe(0);
    expect(ok.stderr).toMatch(NOTE);
    expect(ok.stderr).toMatch(/▶ run r\S+ +2 tasks/);
    expect(ok.stderr).toMatch(/■ run r\S+ success/);
    expect(ok.stdout).toMatch(/^Run r\S+ success/m);

    await project.write({
      'models/broken.sql': model({ materialized: 'table' }, "select cast('x' as integer) as v"),
    });
    const failed = await inProject(['run', '--select', 'broken']);
    await project.remove('models/broken.sql');
    expect(failed.code, explain(failed)).toBe(1);
    expect(failed.stderr).toMatch(NOTE);
    expect(failed.stdout).toMatch(/^Run r\S+ failed/m);
  });

  it('query and the dashboard answer while a slow run is in progress in the server; a second run is refused', async () => {
    await project.write({ 'models/slow.sql': SLOW_MODEL });
    const slow = startStrata(['--project', project.dir, 'run', '--select', 'slow'], { cwd: project.dir });
    try {
      await slow.waitFor(/→ slow/, 'stderr');
      const query = await inProject(COMMANDS.query!);
      const page = await fetch(`${url}/api/${slugOf(project.dir)}/pages/totals/queries/totals`);
      const second = await inProject(['run', '--select', 'item_totals']);
      // Everything above answered before the slow run ended (else this test proved nothing).
      expect(slow.done(), slow.stderr()).toBe(false);
      expect(query.stdout, explain(query)).toBe(direct.query?.stdout);
      expect(query.stderr).toMatch(NOTE);
      expect(page.status).toBe(200);
      expect(JSON.stringify(await page.json())).toContain('"item":"a"');
      expect(second.code, explain(second)).toBe(1);
      expect(second.stderr).toMatch(/RUN_LOCKED/);
      expect(await slow.exited, slow.stderr()).toBe(0);
      expect(slow.stdout()).toMatch(/^Run r\S+ success/m);
    } finally {
      slow.child.kill('SIGKILL');
      await project.remove('models/slow.sql');
    }
  });

  it('Ctrl-C in the client interrupts the run the server carries out for it, recorded at once', async () => {
    await project.write({ 'models/slow.sql': SLOW_MODEL });
    // A full refresh: the slow model built by the test before would otherwise be skipped as unchanged.
    const slow = startStrata(['--project', project.dir, 'run', '--select', 'slow', '--full-refresh'], {
      cwd: project.dir,
    });
    try {
      await slow.waitFor(/→ slow/, 'stderr');
      slow.child.kill('SIGINT');
      expect(await slow.exited, slow.stderr()).toBe(130);
      // The server records the run as it cancels it: the next command it carries out sees it.
      let status = 'running';
      for (let attempt = 0; attempt < 50 && status === 'running'; attempt += 1) {
        const runs = await inProject(['runs', '--format', 'json']);
        status = (JSON.parse(runs.stdout) as { status: string }[])[0]?.status ?? 'none';
        if (status === 'running') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe('interrupted');
      const again = await inProject(['run', '--select', 'item_totals']);
      expect(again.code, explain(again)).toBe(0);
    } finally {
      slow.child.kill('SIGKILL');
      await project.remove('models/slow.sql');
    }
  });

  it('SIGTERM: the server cancels the run it carries out, records it interrupted, sends its exit code, and leaves no owner file', async () => {
    await project.write({ 'models/slow.sql': SLOW_MODEL });
    const slow = startStrata(['--project', project.dir, 'run', '--select', 'slow', '--full-refresh'], {
      cwd: project.dir,
    });
    try {
      await slow.waitFor(/→ slow/, 'stderr');
      server.child.kill('SIGTERM');
      expect(await slow.exited, slow.stderr()).toBe(130);
      expect(slow.stdout()).toMatch(/^Run r\S+ interrupted/m);
      expect(await server.exited).toBe(0);
      expect(server.stderr()).toContain('waiting for the command carried out for other shells to finish');
    } finally {
      slow.child.kill('SIGKILL');
      await project.remove('models/slow.sql');
    }
    await expect(stat(join(project.dir, '.strata', 'owner.json'))).rejects.toThrow(/ENOENT/);
    const result = await inProject(COMMANDS.query!);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout).toBe(direct.query?.stdout);
    expect(result.stderr).not.toMatch(NOTE);
    const runs = await inProject(['runs', '--format', 'json']);
    const recorded = JSON.parse(runs.stdout) as { status: string }[];
    expect(recorded[0]?.status).toBe('interrupted');
  });
});

/** A nested-loop join of 5·10⁸ pairs: seconds, during which a run holds the warehouse. */
const SLOW_MODEL = model(
  { materialized: 'table' },
  'select count(*) as n from range(25000) a, range(20000) b where (a.range * 7 + b.range) % 1000003 = 0',
);

/** The URL segment strata serve gives a project: its folder name, lower-cased. */
function slugOf(dir: string): string {
  return (
    dir
      .split('/')
      .pop()!
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'project'
  );
}
