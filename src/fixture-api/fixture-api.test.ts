import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCatalogue } from '../generate/catalogue.ts';
import { FAKESTORE_PRODUCTS_JSON } from './fakestore-products.ts';
import { faultFor, formatFaultSpec, parseFaultSpec, startFixtureApi, type FixtureApi } from './index.ts';

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One GET with node:http (a real client, no retries); rejects when the connection breaks. */
function get(url: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end();
  });
}

let api: FixtureApi | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('fixture API: catalogue', () => {
  it('serves the real FakeStore file as is, with its shape', async () => {
    api = await startFixtureApi({ catalogue: 'fakestore' });
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const all = await get(`${api.url}/products`);
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toContain('application/json');
    expect(all.body).toBe(FAKESTORE_PRODUCTS_JSON);
    const one = JSON.parse((await get(`${api.url}/products/1`)).body) as Record<string, unknown>;
    expect(Object.keys(one)).toEqual(['id', 'title', 'price', 'description', 'category', 'image', 'rating']);
    expect(one.rating).toEqual({ rate: 3.9, count: 120 });
    const categories = JSON.parse((await get(`${api.url}/products/categories`)).body) as string[];
    expect(categories).toEqual(['electronics', 'jewelery', "men's clothing", "women's clothing"]);
    const mens = JSON.parse(
      (await get(`${api.url}/products/category/${encodeURIComponent("men's clothing")}`)).body,
    ) as { category: string }[];
    expect(mens.length).toBe(4);
    expect(mens.every((p) => p.category === "men's clothing")).toBe(true);
  });

  it('serves the generated catalogue with the same field names and types as FakeStore', async () => {
    api = await startFixtureApi({ catalogue: 'generated', seed: 3, scale: 0.01 });
    const products = JSON.parse((await get(`${api.url}/products`)).body) as Record<string, unknown>[];
    const real = JSON.parse(FAKESTORE_PRODUCTS_JSON) as Record<string, unknown>[];
    expect(products).toHaveLength(buildCatalogue(3, 0.01).size);
    const shape = (p: Record<string, unknown>): string =>
      JSON.stringify(
        Object.entries(p).map(([k, v]) => [k, typeof v, v && typeof v === 'object' ? Object.keys(v) : null]),
      );
    for (const p of products) expect(shape(p)).toBe(shape(real[0] as Record<string, unknown>));
    expect(products.map((p) => p.id)).toEqual(products.map((_, i) => i + 1));
  });

  it('pages with limit and offset and links to the next page', async () => {
    api = await startFixtureApi({ seed: 3, scale: 0.01 });
    const total = buildCatalogue(3, 0.01).size;
    const seen: number[] = [];
    let next: string | undefined = `${api.url}/products?limit=30`;
    let pages = 0;
    while (next && pages < 20) {
      const page = await get(next);
      expect(page.status).toBe(200);
      expect(page.headers['x-total-count']).toBe(String(total));
      seen.push(...(JSON.parse(page.body) as { id: number }[]).map((p) => p.id));
      const link = page.headers.link as string | undefined;
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(total / 30));
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const offset = JSON.parse((await get(`${api.url}/products?limit=5&offset=10`)).body) as { id: number }[];
    expect(offset.map((p) => p.id)).toEqual([11, 12, 13, 14, 15]);
    const desc = JSON.parse((await get(`${api.url}/products?limit=2&sort=desc`)).body) as { id: number }[];
    expect(desc.map((p) => p.id)).toEqual([total, total - 1]);
    const last = await get(`${api.url}/products?limit=30&offset=${total - 1}`);
    expect(last.headers.link).toBeUndefined();
  });

  it('answers by id, 404 for an unknown id, 400 for bad paging', async () => {
    api = await startFixtureApi({ seed: 3, scale: 0.01 });
    const one = await get(`${api.url}/products/7`);
    expect(JSON.parse(one.body)).toMatchObject({ id: 7 });
    expect((await get(`${api.url}/products/999999`)).status).toBe(404);
    expect((await get(`${api.url}/products/abc`)).status).toBe(400);
    expect((await get(`${api.url}/products?limit=0`)).status).toBe(400);
    expect((await get(`${api.url}/products?offset=-1`)).status).toBe(400);
    expect((await get(`${api.url}/nowhere`)).status).toBe(404);
    const categories = JSON.parse((await get(`${api.url}/products/categories`)).body) as string[];
    const first = categories[0] as string;
    const inCategory = JSON.parse(
      (await get(`${api.url}/products/category/${encodeURIComponent(first)}?limit=3`)).body,
    ) as { category: string }[];
    expect(inCategory.length).toBeLessThanOrEqual(3);
    expect(inCategory.every((p) => p.category === first)).toBe(true);
    expect(JSON.parse((await get(`${api.url}/products/category/unknown`)).body)).toEqual([]);
  });
});

describe('fixture API: faults', () => {
  it('parses a --faults spec', () => {
    const spec = parseFaultSpec('500:0.1,429:0.05,slow:0.1@2000,drop:0.05,truncate:0.05');
    expect(spec).toEqual({
      error500: 0.1,
      rateLimit429: 0.05,
      retryAfterSeconds: 1,
      slow: 0.1,
      slowMs: 2000,
      drop: 0.05,
      truncate: 0.05,
    });
    expect(parseFaultSpec('429:0.5@7').retryAfterSeconds).toBe(7);
    expect(parseFaultSpec('none').error500).toBe(0);
    expect(formatFaultSpec(spec)).toBe('500:0.1,429:0.05@1,slow:0.1@2000,drop:0.05,truncate:0.05');
    for (const bad of [
      '500:2',
      'boom:0.1',
      '500:x',
      '500:0.6,429:0.6',
      '500:0.1,500:0.1',
      'slow:0.1@-5',
      'drop',
    ]) {
      expect(() => parseFaultSpec(bad), bad).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });

  it('decides faults by seed and request number', () => {
    const spec = parseFaultSpec('500:0.2,429:0.2,drop:0.2');
    const a = Array.from({ length: 200 }, (_, i) => faultFor(spec, 1, i + 1));
    const b = Array.from({ length: 200 }, (_, i) => faultFor(spec, 1, i + 1));
    const c = Array.from({ length: 200 }, (_, i) => faultFor(spec, 2, i + 1));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const share = a.filter((f) => f === '500').length / a.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
  });

  it('answers 500', async () => {
    api = await startFixtureApi({ faults: '500:1' });
    const res = await get(`${api.url}/products/1`);
    expect(res.status).toBe(500);
    expect((await get(`${api.url}/health`)).status).toBe(200);
  });

  it('answers 429 with Retry-After', async () => {
    api = await startFixtureApi({ faults: '429:1@3' });
    const res = await get(`${api.url}/products`);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
  });

  it('answers slowly', async () => {
    api = await startFixtureApi({ faults: 'slow:1@300' });
    const started = performance.now();
    const res = await get(`${api.url}/products/2`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(JSON.parse(res.body)).toMatchObject({ id: 2 });
  });

  it('drops the connection in the middle of a response', async () => {
    api = await startFixtureApi({ faults: 'drop:1' });
    await expect(get(`${api.url}/products`)).rejects.toThrow();
    expect(api.stats().faults.drop).toBe(1);
  });

  it('truncates bodies in well-framed responses', async () => {
    api = await startFixtureApi({ faults: 'truncate:1' });
    const res = await get(`${api.url}/products`);
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.body) as unknown).toThrow(SyntaxError);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });

  it('mixes faults at the given rates, reproducibly', async () => {
    const spec = '500:0.2,429:0.1,truncate:0.1';
    const run = async (): Promise<number[]> => {
      api = await startFixtureApi({ faults: spec, seed: 5 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await get(`${api.url}/products/1`)).status);
      await api.close();
      api = undefined;
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(2);
    expect(first.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(15);
  });

  it('refuses a port that is taken', async () => {
    api = await startFixtureApi();
    await expect(startFixtureApi({ port: api.port })).rejects.toMatchObject({ code: 'FIXTURE_PORT_IN_USE' });
  });
});
