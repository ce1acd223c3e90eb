/**
 * `strata docs` as a user runs it (bin/strata.js, a process per command): the site written where
 * --out says (relative to the shell's folder) or to <project>/target/docs, what it prints, and a
 * folder it refuses to write over.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject, csv, model } from '../helpers/project.ts';
import { explain, strata } from './strata-process.ts';

let project: TestProject;

beforeAll(async () => {
  project = await TestProject.create({
    'seeds/customers.csv': csv('customer_id,name', [1, 'Ada']),
    'models/dim_customer.sql': model(
      { materialized: 'table', description: 'Customers.', columns: { customer_id: 'The customer.' } },
      "select customer_id, name from {{ ref('customers') }}",
    ),
  });
  await project.run();
});

afterAll(async () => {
  await project?.dispose();
});

describe('strata docs', () => {
  it('writes the site to --out, relative to the current folder, and says what it holds and how to open it', async () => {
    const result = await strata(['docs', '--out', 'site'], { cwd: project.dir, env: project.env });
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout).toContain('Wrote the documentation site of');
    expect(result.stdout).toContain('to site (');
    expect(result.stdout).toContain('0 sources, 1 seed, 1 model, 0 checks, 0 pages');
    // customer_id and name of the seed, and of the model: one of four described.
    expect(result.stdout).toContain('25% of columns described (1 of 4); 1 of 1 model described');
    expect(result.stdout).toContain('open site/index.html');
    expect(await readFile(join(project.dir, 'site', 'index.html'), 'utf8')).toContain('dim_customer');
  });

  it('writes to <project>/target/docs by default, and reports as JSON', async () => {
    const result = await strata(['docs', '--project', project.dir, '--format', 'json'], { env: project.env });
    expect(result.code, explain(result)).toBe(0);
    const report = JSON.parse(result.stdout) as {
      out: string;
      models: number;
      coverage: { percent: number };
    };
    expect(report.out).toBe(join(project.dir, 'target', 'docs'));
    expect(report).toMatchObject({ models: 1, coverage: { percent: 25 } });
    expect(existsSync(join(project.dir, 'target', 'docs', 'index.html'))).toBe(true);
  });

  it('refuses to write over a folder that holds other files', async () => {
    await mkdir(join(project.dir, 'notes'), { recursive: true });
    await writeFile(join(project.dir, 'notes', 'todo.txt'), 'keep');
    const result = await strata(['docs', '--out', 'notes'], { cwd: project.dir, env: project.env });
    expect(result.code, explain(result)).toBe(1);
    expect(result.stderr).toContain('DOCS_OUT_NOT_SITE');
    expect(await readFile(join(project.dir, 'notes', 'todo.txt'), 'utf8')).toBe('keep');
  });
});
