import { StrataError, causeMessage } from '../../errors/strata-error.ts';
import { backoffDelay, sleep as realSleep } from '../../time/backoff.ts';
import type { HttpSourceConfig } from '../../config/http-source-schema.ts';

export interface FetchedPage {
  /** 1-based page number. */
  index: number;
  /** The URL with secret query values masked: safe to store and show. */
  url: string;
  records: unknown[];
}

export interface FetchOptions {
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onPage: (page: FetchedPage) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface FetchSummary {
  pages: number;
  records: number;
  /** Attempts that failed and were retried (5xx, 429, timeouts, broken or truncated responses). */
  retries: number;
}

interface Response {
  body: unknown;
  link: string | null;
}

/**
 * Reads every page of a paginated JSON endpoint. Each page is handed to `onPage` before the next
 * is requested (a page is small by nature; records are never gathered in memory). Retries 5xx,
 * 429 (honouring Retry-After), timeouts, dropped connections and truncated bodies with
 * exponential backoff and jitter; paces requests to the rate limit. Secrets from the environment
 * go in headers or the query string and never into a message or a stored URL.
 */
export async function fetchPages(config: HttpSourceConfig, options: FetchOptions): Promise<FetchSummary> {
  const secrets = resolveSecrets(config, options.env);
  const sleep = options.sleep ?? realSleep;
  const minInterval = config.rateLimitPerSecond ? 1000 / config.rateLimitPerSecond : 0;
  let lastRequest = -Infinity;
  let retries = 0;
  let records = 0;
  let pages = 0;
  let next: URL | undefined = firstUrl(config, secrets.query);

  for (let index = 1; next && index <= config.maxPages; index++) {
    const url: URL = next;
    let response: Response | undefined;
    for (let attempt = 1; !response; attempt++) {
      const wait = lastRequest + minInterval - Date.now();
      if (wait > 0) await sleep(wait);
      lastRequest = Date.now();
      try {
        response = await request(url, secrets.headers, config.timeoutMs, options.signal);
      } catch (error) {
        const failure = error instanceof RetryableError ? error : undefined;
        if (!failure || attempt > config.retries || options.signal?.aborted) {
          throw new StrataError(
            'SOURCE_FETCH_FAILED',
            `${masked(url, secrets.masks)}: ${causeMessage(error)}`,
            {
              cause: error instanceof RetryableError ? error.message : error,
              hint: failure
                ? `Gave up after ${attempt} attempts; raise http.retries or try later.`
                : 'Check the URL, the credentials in the environment and the API’s answer.',
            },
          );
        }
        retries += 1;
        const backoff = backoffDelay(attempt, config.retryDelayMs, config.retryMaxDelayMs, options.random);
        await sleep(Math.max(backoff, failure.retryAfterMs ?? 0));
      }
    }
    const pageRecords = recordsOf(response.body, config.recordsPath, masked(url, secrets.masks));
    records += pageRecords.length;
    pages = index;
    await options.onPage({ index, url: masked(url, secrets.masks), records: pageRecords });
    next = nextUrl(config, url, response, pageRecords.length);
  }
  return { pages, records, retries };
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

async function request(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: globalThis.Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: combined });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new RetryableError(
      timeout.aborted ? `no answer within ${timeoutMs} ms` : `connection failed (${causeMessage(error)})`,
    );
  }
  if (res.status === 429 || res.status >= 500) {
    await res.body?.cancel().catch(() => undefined);
    throw new RetryableError(`HTTP ${res.status}`, retryAfter(res.headers.get('retry-after')));
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`HTTP ${res.status} ${res.statusText}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    throw new RetryableError(`the response broke off (${causeMessage(error)})`);
  }
  try {
    return { body: JSON.parse(text) as unknown, link: res.headers.get('link') };
  } catch {
    throw new RetryableError(`the response is not complete JSON (${text.length} bytes)`);
  }
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function resolveSecrets(config: HttpSourceConfig, env: NodeJS.ProcessEnv) {
  const masks: string[] = [];
  const resolve = (value: HttpSourceConfig['headers'][string], where: string): string => {
    if (typeof value === 'string') return value;
    const secret = env[value.env];
    if (secret === undefined || secret === '') {
      throw new StrataError('SOURCE_INVALID', `${where} reads ${value.env}, which is not set`, {
        hint: `Export ${value.env} in the environment that runs strata.`,
      });
    }
    masks.push(secret);
    return `${value.prefix}${secret}`;
  };
  const headers = Object.fromEntries(
    Object.entries(config.headers).map(([k, v]) => [k, resolve(v, `header ${k}`)]),
  );
  const query = Object.fromEntries(
    Object.entries(config.query).map(([k, v]) => [k, resolve(v, `query parameter ${k}`)]),
  );
  return { headers, query, masks };
}

function masked(url: URL, secrets: string[]): string {
  let text = url.toString();
  for (const secret of secrets) {
    text = text.split(encodeURIComponent(secret)).join('***').split(secret).join('***');
  }
  return text;
}

function firstUrl(config: HttpSourceConfig, query: Record<string, string>): URL {
  const url = new URL(config.url);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const p = config.pagination;
  if (p.type === 'offset') {
    url.searchParams.set(p.limitParam, String(p.limit));
    url.searchParams.set(p.offsetParam, '0');
  } else if (p.type === 'page') {
    url.searchParams.set(p.pageParam, String(p.firstPage));
    url.searchParams.set(p.sizeParam, String(p.size));
  }
  return url;
}

function nextUrl(config: HttpSourceConfig, url: URL, response: Response, count: number): URL | undefined {
  const p = config.pagination;
  switch (p.type) {
    case 'none':
      return undefined;
    case 'offset': {
      if (count < p.limit) return undefined;
      const next = new URL(url);
      next.searchParams.set(p.offsetParam, String(Number(url.searchParams.get(p.offsetParam) ?? 0) + count));
      return next;
    }
    case 'page': {
      if (count < p.size) return undefined;
      const next = new URL(url);
      next.searchParams.set(
        p.pageParam,
        String(Number(url.searchParams.get(p.pageParam) ?? p.firstPage) + 1),
      );
      return next;
    }
    case 'cursor': {
      const cursor = valueAt(response.body, p.cursorPath);
      if (cursor === undefined || cursor === null || cursor === '') return undefined;
      const next = new URL(url);
      next.searchParams.set(p.cursorParam, String(cursor));
      return next;
    }
    case 'link': {
      const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(response.link ?? '');
      return match?.[1] ? new URL(match[1], url) : undefined;
    }
  }
}

function recordsOf(body: unknown, path: string | undefined, url: string): unknown[] {
  const value = path ? valueAt(body, path) : body;
  if (Array.isArray(value)) return value;
  throw new StrataError(
    'SOURCE_FETCH_FAILED',
    `${url}: the response has no array of records${path ? ` at ${path}` : ''}`,
    {
      hint: path ? 'Check http.recordsPath.' : 'Set http.recordsPath to where the records are, e.g. "data".',
    },
  );
}

function valueAt(body: unknown, path: string): unknown {
  let value = body;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
