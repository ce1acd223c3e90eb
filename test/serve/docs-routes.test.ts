/**
 * The documentation site under `strata serve`'s /docs, through `app.request()`, on a real
 * warehouse (DuckDB, or PostgreSQL under the postgres project): the redirects, every file of the
 * site at its path, what is not a file of it, and a site kept in memory until the project or the
 * warehouse changes.
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardSite, openDashboardSite } from '../../src/api/dashboard-site.ts';
import { ServedDocs } from '../../src/api/docs-served.ts';
import { createApp } from '../../src/serve/app.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

const FILES = {
  'seeds/customers.csv': csv('customer_id,name', [1, 'Ada'], [2, 'Grace']),
  'models/dim_customer.sql': model(
    {
      materialized: 'table',
      description: 'One row per customer.',
      columns: { customer_id: { description: 'The customer.', checks: ['not_null'] } },
    },
    "select customer_id, name from {{ ref('customers') }}",
  ),
};

const untimed = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');

let project: TestProject;
let other: TestProject;
let site: DashboardSite;
let app: Hono;
let slug: string;

beforeAll(async () => {
  project = await TestProject.create(FILES);
  other = await TestProject.create(FILES);
  await project.run();
  site = await openDashboardSite({ projectDirs: [project.dir], env: project.env });
  app = createApp({ site });
  slug = site.projects[0]?.slug ?? '';
});

afterAll(async () => {
  await site?.close();
  await project?.dispose();
  await other?.dispose();
});

describe('/docs', () => {
  it('leads to the only project’s site, with the trailing slash its relative links need', async () => {
    const root = await app.request('/docs');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe(`/docs/${slug}/`);
    const bare = await app.request(`/docs/${slug}`);
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe(`/docs/${slug}/`);
  });

  it('answers the site’s index and every file of the site at its path, under the server’s CSP', async () => {
    const index = await app.request(`/docs/${slug}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    expect(html).toContain('dim_customer');
    const built = await new ServedDocs(site).built(slug);
    for (const path of built.files.keys()) {
      const response = await app.request(
        `/docs/${slug}/${path.split('/').map(encodeURIComponent).join('/')}`,
      );
      expect(response.status, path).toBe(200);
      // Built apart from the app's, so its time of generation differs.
      expect(untimed(await response.text()), path).toBe(untimed(built.files.get(path)?.content ?? ''));
    }
    // The data it was built from is the warehouse's: the model is built, its column typed.
    const dim = built.data.models.find((m) => m.name === 'dim_customer');
    expect(dim?.built).toBe(true);
    expect(dim?.columns.find((c) => c.name === 'customer_id')).toMatchObject({
      description: 'The customer.',
      checks: ['dim_customer:not_null(customer_id)'],
    });
    expect(dim?.columns.every((c) => c.type !== null)).toBe(true);
  });

  it('answers 404 for what is not a file of the site, and for paths leaving it', async () => {
    expect((await app.request(`/docs/${slug}/no-such-page.html`)).status).toBe(404);
    // URL parsing takes `%2E%2E` for `..`: the path leaves /docs/<project>/ and is never a file of it.
    const dotted = await app.request(`/docs/${slug}/models/%2E%2E/%2E%2E/strata.config.ts`);
    expect(dotted.status).not.toBe(200);
    expect(await dotted.text()).not.toContain('defineConfig');
    expect((await app.request(`/docs/${slug}/%2e%2e%2fstrata.config.ts`)).status).toBe(404);
    expect((await app.request('/docs/no-such-project/')).status).toBe(404);
  });

  it('lists the projects when it serves several', async () => {
    const both = await openDashboardSite({ projectDirs: [project.dir, other.dir], env: project.env });
    try {
      const response = await createApp({ site: both }).request('/docs');
      expect(response.status).toBe(200);
      const html = await response.text();
      for (const served of both.projects) expect(html).toContain(`href="/docs/${served.slug}/"`);
    } finally {
      await both.close();
    }
  });
});

describe('the site in memory', () => {
  it('is built once and answered again while nothing changes', async () => {
    const docs = new ServedDocs(site, { recheckMs: 0 });
    // Requests at the same time share one build.
    const [first, same] = await Promise.all([docs.built(slug), docs.built(slug)]);
    expect(same).toBe(first);
    expect(await docs.built(slug)).toBe(first);
  });

  it('is built again when a model is added, and when a run is recorded', async () => {
    const docs = new ServedDocs(site, { recheckMs: 0, env: project.env });
    const first = await docs.built(slug);
    await project.write({
      'models/customer_count.sql': model(
        { materialized: 'view' },
        "select count(*) as customers from {{ ref('dim_customer') }}",
      ),
    });
    const edited = await docs.built(slug);
    expect(edited).not.toBe(first);
    expect(edited.data.models.map((m) => m.name)).toContain('customer_count');
    expect(edited.data.models.find((m) => m.name === 'customer_count')?.built).toBe(false);
    expect(await docs.built(slug)).toBe(edited);

    await project.run();
    const rebuilt = await docs.built(slug);
    expect(rebuilt).not.toBe(edited);
    expect(rebuilt.data.models.find((m) => m.name === 'customer_count')?.built).toBe(true);
  });
});
