import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FetchedPage, fetchPages } from './fetch-pages.ts';
import { type HttpSourceConfig, httpSourceSchema } from '../../config/http-source-schema.ts';

/** 25 products served 10 per page, with a fault script: what the first requests get instead. */
type Fault = '500' | '429' | 'truncate' | 'drop' | 'slow' | 'ok';
const PRODUCTS = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, title: `product ${i + 1}` }));

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(faults: Fault[], seen: string[] = []): Promise<string> {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(`${url.pathname}${url.search} ${req.headers.authorization ?? ''}`);
    const fault = faults.shift() ?? 'ok';
    if (fault === '500') return void res.writeHead(500).end('oops');
    if (fault === '429') return void res.writeHead(429, { 'retry-after': '0' }).end();
    if (fault === 'drop') return void req.socket.destroy();
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const page = PRODUCTS.slice(offset, offset + limit);
    const body = JSON.stringify(url.pathname === '/wrapped' ? { data: page } : page);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (offset + limit < PRODUCTS.length)
      headers.link = `</products?limit=${limit}&offset=${offset + limit}>; rel="next"`;
    if (fault === 'truncate') return void res.writeHead(200, headers).end(body.slice(0, body.length / 2));
    if (fault === 'slow') return void setTimeout(() => res.writeHead(200, headers).end(body), 300);
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

function config(input: Record<string, unknown>): HttpSourceConfig {
  return httpSourceSchema.parse({ retryDelayMs: 1, retryMaxDelayMs: 5, ...input });
}

async function fetchAll(cfg: HttpSourceConfig, env: NodeJS.ProcessEnv = {}) {
  const pages: FetchedPage[] = [];
  const summary = await fetchPages(cfg, { env, onPage: async (page) => void pages.push(page) });
  return { summary, pages, ids: pages.flatMap((p) => p.records.map((r) => (r as { id: number }).id)) };
}

describe('fetchPages against a real HTTP server on 127.0.0.1', () => {
  it('pages with offset/limit until a short page', async () => {
    const seen: string[] = [];
    const base = await serve([], seen);
    const { summary, ids } = await fetchAll(
      config({ url: `${base}/products`, pagination: { type: 'offset', limit: 10 } }),
    );
    expect(ids).toEqual(PRODUCTS.map((p) => p.id));
    expect(summary).toEqual({ pages: 3, records: 25, retries: 0 });
    expect(seen.map((s) => s.trim())).toEqual([
      '/products?limit=10&offset=0',
      '/products?limit=10&offset=10',
      '/products?limit=10&offset=20',
    ]);
  });

  it('follows Link headers and reads records from a path in the body', async () => {
    const base = await serve([]);
    const linked = await fetchAll(
      config({ url: `${base}/products?limit=10&offset=0`, pagination: { type: 'link' } }),
    );
    expect(linked.ids).toHaveLength(25);
    const wrapped = await fetchAll(config({ url: `${base}/wrapped?limit=30`, recordsPath: 'data' }));
    expect(wrapped.ids).toHaveLength(25);
  });

  it('retries 500, 429, dropped connections, truncated bodies and timeouts, then succeeds', async () => {
    const base = await serve(['500', '429', 'drop', 'truncate', 'slow']);
    const { summary, ids } = await fetchAll(
      config({
        url: `${base}/products`,
        pagination: { type: 'offset', limit: 10 },
        timeoutMs: 150,
        retries: 6,
      }),
    );
    expect(ids).toEqual(PRODUCTS.map((p) => p.id));
    expect(summary.retries).toBe(5);
  });

  it('paces requests to the rate limit', async () => {
    const base = await serve([]);
    const started = Date.now();
    await fetchAll(
      config({ url: `${base}/products`, pagination: { type: 'offset', limit: 10 }, rateLimitPerSecond: 20 }),
    );
    // Three requests at 20 per second: the third cannot start before 100 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('gives up after its retries with SOURCE_FETCH_FAILED', async () => {
    const base = await serve(['500', '500', '500', '500']);
    await expect(fetchAll(config({ url: `${base}/products`, retries: 2 }))).rejects.toMatchObject({
      code: 'SOURCE_FETCH_FAILED',
    });
  });

  it('sends secrets from the environment and never shows them', async () => {
    const seen: string[] = [];
    const base = await serve(['500', '500', '500'], seen);
    const cfg = config({
      url: `${base}/products`,
      retries: 1,
      headers: { authorization: { env: 'SHOP_TOKEN', prefix: 'Bearer ' } },
      query: { key: { env: 'SHOP_KEY' } },
    });
    const error = await fetchAll(cfg, { SHOP_TOKEN: 's3cr3t-token', SHOP_KEY: 'k3y-value' }).catch(
      (e: unknown) => e,
    );
    expect(seen[0]).toContain('Bearer s3cr3t-token');
    expect(seen[0]).toContain('key=k3y-value');
    const shown = JSON.stringify(error) + String((error as Error).message);
    expect(shown).not.toContain('s3cr3t-token');
    expect(shown).not.toContain('k3y-value');
    expect(shown).toContain('key=***');
  });
});
