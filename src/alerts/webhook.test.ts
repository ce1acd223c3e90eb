import { afterEach, describe, expect, it } from 'vitest';
import {
  type Behaviour,
  type WebhookServer,
  TOKEN,
  hang,
  refusedUrl,
  reset,
  respond,
  startWebhookServer,
} from './webhook-server.ts';
import { type WebhookOptions, type WebhookResult, postWebhook } from './webhook.ts';

let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(...behaviours: Behaviour[]): Promise<WebhookServer> {
  server = await startWebhookServer(behaviours);
  return server;
}

/** Records the waits asked for instead of waiting; `random` fixed so backoff is predictable. */
function options(overrides: Partial<WebhookOptions> = {}): WebhookOptions & { waits: number[] } {
  const waits: number[] = [];
  return {
    timeoutMs: 2_000,
    retries: 3,
    retryDelayMs: 100,
    sleep: async (ms) => void waits.push(ms),
    random: () => 1,
    waits,
    ...overrides,
  };
}

function expectNoUrl(result: WebhookResult, url: string): void {
  expect(result.error ?? '').not.toContain(TOKEN);
  expect(result.error ?? '').not.toContain(url);
  expect(result.error ?? '').not.toContain('127.0.0.1');
}

const payload = { runId: 'r1', alerts: [{ rule: 'run_failed', subject: 'run', message: 'm', details: {} }] };

describe('postWebhook', () => {
  it('POSTs the payload as JSON and is delivered on a 2xx', async () => {
    const { url, received } = await serve(respond(204));
    const opts = options();
    expect(await postWebhook(url, payload, opts)).toEqual({ delivery: 'delivered', attempts: 1 });
    expect(received).toEqual([
      {
        method: 'POST',
        path: `/hooks/${TOKEN}`,
        contentType: 'application/json',
        body: JSON.stringify(payload),
      },
    ]);
    expect(opts.waits).toEqual([]);
  });

  it('retries a 500 after an exponential backoff, then delivers', async () => {
    const { url, received } = await serve(respond(500), respond(502), respond(200));
    const opts = options();
    expect(await postWebhook(url, payload, opts)).toEqual({ delivery: 'delivered', attempts: 3 });
    expect(received).toHaveLength(3);
    expect(opts.waits).toEqual([100, 200]);
  });

  it('jitters half of each backoff delay', async () => {
    const { url } = await serve(respond(503), respond(200));
    const opts = options({ random: () => 0 });
    await postWebhook(url, payload, opts);
    expect(opts.waits).toEqual([50]);
  });

  it('honours a 429’s Retry-After seconds', async () => {
    const { url, received } = await serve(respond(429, { 'retry-after': '1' }), respond(200));
    const opts = options();
    expect(await postWebhook(url, payload, opts)).toEqual({ delivery: 'delivered', attempts: 2 });
    expect(received).toHaveLength(2);
    expect(opts.waits).toEqual([1_000]);
  });

  it('caps a long Retry-After at max(timeoutMs, retryDelayMs), keeping the delivery bounded', async () => {
    const { url } = await serve(respond(429, { 'retry-after': '3600' }), respond(200));
    const opts = options({ timeoutMs: 1_500, retryDelayMs: 10 });
    expect(await postWebhook(url, payload, opts)).toEqual({ delivery: 'delivered', attempts: 2 });
    expect(opts.waits).toEqual([1_500]);
  });

  it('falls back to backoff when a 429 has no readable Retry-After', async () => {
    const { url } = await serve(respond(429, { 'retry-after': 'soon' }), respond(200));
    const opts = options();
    await postWebhook(url, payload, opts);
    expect(opts.waits).toEqual([100]);
  });

  it('gives up on an attempt that hangs past the timeout, and retries it', async () => {
    const { url, received } = await serve(hang, respond(200));
    const started = performance.now();
    const result = await postWebhook(url, payload, options({ timeoutMs: 150 }));
    expect(result).toEqual({ delivery: 'delivered', attempts: 2 });
    expect(received).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('fails, naming the timeout, when every attempt hangs', async () => {
    const { url, received } = await serve(hang);
    const started = performance.now();
    const result = await postWebhook(url, payload, options({ timeoutMs: 100, retries: 2 }));
    expect(result).toEqual({
      delivery: 'failed',
      attempts: 3,
      error: 'timed out after 100 ms (after 3 attempts)',
    });
    expect(received).toHaveLength(3);
    // Three attempts of 100 ms each (the injected sleep does not wait).
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('retries a reset connection', async () => {
    const { url, received } = await serve(reset, respond(200));
    expect(await postWebhook(url, payload, options())).toEqual({ delivery: 'delivered', attempts: 2 });
    expect(received).toHaveLength(2);
  });

  it('names a connection reset when it never recovers, without the URL', async () => {
    const { url } = await serve(reset);
    const result = await postWebhook(url, payload, options({ retries: 1 }));
    expect(result.delivery).toBe('failed');
    expect(result.attempts).toBe(2);
    expect(result.error).toMatch(/^connection (reset|closed)[^]*\(after 2 attempts\)$/);
    expectNoUrl(result, url);
  });

  it('names a refused connection', async () => {
    const url = await refusedUrl();
    const result = await postWebhook(url, payload, options({ retries: 1 }));
    expect(result).toEqual({
      delivery: 'failed',
      attempts: 2,
      error: 'connection refused (ECONNREFUSED) (after 2 attempts)',
    });
  });

  it('does not retry a permanent 4xx', async () => {
    for (const status of [400, 401, 403, 404, 410]) {
      const { url, received } = await serve(respond(status), respond(200));
      const opts = options();
      const result = await postWebhook(url, payload, opts);
      expect(result).toEqual({
        delivery: 'failed',
        attempts: 1,
        error: `the webhook answered HTTP ${status} (not retried)`,
      });
      expect(received).toHaveLength(1);
      expect(opts.waits).toEqual([]);
      await server?.close();
      server = undefined;
    }
  });

  it('retries a 408', async () => {
    const { url } = await serve(respond(408), respond(200));
    expect(await postWebhook(url, payload, options())).toEqual({ delivery: 'delivered', attempts: 2 });
  });

  it('fails after retries + 1 attempts, naming the last status', async () => {
    const { url, received } = await serve(respond(503));
    const opts = options({ retries: 4 });
    const result = await postWebhook(url, payload, opts);
    expect(result).toEqual({
      delivery: 'failed',
      attempts: 5,
      error: 'the webhook answered HTTP 503 (after 5 attempts)',
    });
    expect(received).toHaveLength(5);
    expect(opts.waits).toEqual([100, 200, 400, 800]);
  });

  it('with no retries, makes exactly one attempt', async () => {
    const { url, received } = await serve(respond(500));
    const result = await postWebhook(url, payload, options({ retries: 0 }));
    expect(result).toEqual({ delivery: 'failed', attempts: 1, error: 'the webhook answered HTTP 500' });
    expect(received).toHaveLength(1);
  });

  it('really waits between attempts when no sleep is injected', async () => {
    const { url } = await serve(respond(500), respond(200));
    const started = performance.now();
    const result = await postWebhook(url, payload, { timeoutMs: 1_000, retries: 1, retryDelayMs: 60 });
    expect(result).toEqual({ delivery: 'delivered', attempts: 2 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('never throws, and never quotes the URL', async () => {
    const bad = [`notaurl/${TOKEN}`, `ftp://example.invalid/${TOKEN}`, `http://exa mple/${TOKEN}`];
    for (const url of bad) {
      const result = await postWebhook(url, payload, options());
      expect(result).toEqual({
        delivery: 'failed',
        attempts: 0,
        error: 'the webhook URL is not a valid http(s) URL',
      });
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { url } = await serve(respond(500));
    expect(await postWebhook(url, cyclic, options())).toEqual({
      delivery: 'failed',
      attempts: 0,
      error: 'the payload is not serialisable as JSON',
    });
    const throwingSleep = options({ sleep: () => Promise.reject(new Error(`sleep broke at ${url}`)) });
    const result = await postWebhook(url, payload, throwingSleep);
    expect(result).toEqual({
      delivery: 'failed',
      attempts: 1,
      error: 'delivery stopped by an unexpected error',
    });
  });
});
