import { afterEach, describe, expect, it } from 'vitest';
import { type FixtureApi, startFixtureApi } from '../../fixture-api/index.ts';
import { fetchPages } from './fetch-pages.ts';
import { httpSourceSchema } from '../../config/http-source-schema.ts';

let api: FixtureApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('an HTTP source against the fixture product API', () => {
  it('reads the whole catalogue through every fault mode at once', async () => {
    // 100 products in pages of 10: with these rates most pages meet at least one fault.
    api = await startFixtureApi({
      scale: 0.01,
      seed: 3,
      faults: '500:0.15,429:0.1@0,slow:0.1@400,drop:0.1,truncate:0.1',
    });
    const config = httpSourceSchema.parse({
      url: `${api.url}/products`,
      pagination: { type: 'offset', limit: 10 },
      retries: 12,
      retryDelayMs: 1,
      retryMaxDelayMs: 10,
      timeoutMs: 200,
    });
    const ids: number[] = [];
    const summary = await fetchPages(config, {
      env: {},
      onPage: async (page) => void ids.push(...page.records.map((r) => (r as { id: number }).id)),
    });
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const faults = api.stats().faults;
    for (const kind of ['500', '429', 'slow', 'drop', 'truncate'] as const)
      expect(faults[kind]).toBeGreaterThan(0);
    // Every fault but a slow answer that still came in time costs one retry.
    expect(summary.retries).toBeGreaterThanOrEqual(
      faults['500'] + faults['429'] + faults.drop + faults.truncate,
    );
  });

  it('reads the real FakeStore sample with link paging', async () => {
    api = await startFixtureApi({ catalogue: 'fakestore' });
    const config = httpSourceSchema.parse({
      url: `${api.url}/products?limit=7`,
      pagination: { type: 'link' },
    });
    let records = 0;
    const summary = await fetchPages(config, {
      env: {},
      onPage: async (page) => void (records += page.records.length),
    });
    expect(records).toBe(20);
    expect(summary.pages).toBe(3);
  });
});
