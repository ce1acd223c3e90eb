import { backoffDelay, sleep as realSleep } from '../time/backoff.ts';
import { describeFetchFailure } from './fetch-failure.ts';
import { retryAfterMs } from './retry-after.ts';

export interface WebhookOptions {
  /** Per attempt, from sending the request to receiving the response's status line and headers. */
  timeoutMs: number;
  /** Extra attempts after a retryable failure. */
  retries: number;
  /** The first backoff delay; it doubles with every retry, with jitter. */
  retryDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface WebhookResult {
  delivery: 'delivered' | 'failed';
  /** Requests sent (0 when none could be: an invalid URL or payload). */
  attempts: number;
  /** Why delivery failed: a status code or a failure kind, never the URL. */
  error?: string;
}

/** What one request came to. */
type AttemptOutcome = { ok: true } | { ok: false; error: string; retryable: boolean; retryAfterMs?: number };

/**
 * POSTs `payload` as JSON, retrying server errors (5xx, 408, 429), timeouts and connection
 * failures with exponential backoff and jitter; other 4xx mean the request itself is wrong and
 * are not retried. Never throws: a webhook is a notification, and its failure must not fail the
 * run that raised it. Every wait is capped at max(timeoutMs, retryDelayMs), a Retry-After
 * included, so the whole delivery takes at most
 * (retries + 1) × timeoutMs + retries × max(timeoutMs, retryDelayMs).
 */
export async function postWebhook(
  url: string,
  payload: unknown,
  options: WebhookOptions,
): Promise<WebhookResult> {
  const body = serialise(payload);
  if (body === undefined) {
    return { delivery: 'failed', attempts: 0, error: 'the payload is not serialisable as JSON' };
  }
  if (!isHttpUrl(url)) {
    return { delivery: 'failed', attempts: 0, error: 'the webhook URL is not a valid http(s) URL' };
  }
  const sent = { attempts: 0 };
  try {
    return await deliver(url, body, options, sent);
  } catch {
    // Only an injected sleep or random can get here; still no throw, and no message that might hold the URL.
    return { delivery: 'failed', attempts: sent.attempts, error: 'delivery stopped by an unexpected error' };
  }
}

async function deliver(
  url: string,
  body: string,
  options: WebhookOptions,
  sent: { attempts: number },
): Promise<WebhookResult> {
  const { timeoutMs, retries, retryDelayMs, sleep = realSleep, random = Math.random } = options;
  const maxWaitMs = Math.max(timeoutMs, retryDelayMs);
  for (;;) {
    sent.attempts += 1;
    const attempt = sent.attempts;
    const outcome = await attemptPost(url, body, timeoutMs);
    if (outcome.ok) return { delivery: 'delivered', attempts: attempt };
    if (!outcome.retryable) {
      return { delivery: 'failed', attempts: attempt, error: `${outcome.error} (not retried)` };
    }
    if (attempt > retries) {
      const after = attempt === 1 ? '' : ` (after ${attempt} attempts)`;
      return { delivery: 'failed', attempts: attempt, error: `${outcome.error}${after}` };
    }
    const wait = outcome.retryAfterMs ?? backoffDelay(attempt, retryDelayMs, maxWaitMs, random);
    await sleep(Math.min(wait, maxWaitMs));
  }
}

async function attemptPost(url: string, body: string, timeoutMs: number): Promise<AttemptOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'strata-alerts' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, error: describeFetchFailure(error, timeoutMs), retryable: true };
  }
  // The body is of no interest; cancelling it frees the connection without waiting for it.
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (status >= 200 && status < 300) return { ok: true };
  const retryable = status === 408 || status === 429 || status >= 500;
  const outcome: AttemptOutcome = { ok: false, error: `the webhook answered HTTP ${status}`, retryable };
  const wait =
    status === 429 || status === 503 ? retryAfterMs(response.headers.get('retry-after')) : undefined;
  return wait === undefined ? outcome : { ...outcome, retryAfterMs: wait };
}

function serialise(payload: unknown): string | undefined {
  try {
    return JSON.stringify(payload);
  } catch {
    return undefined;
  }
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
