/** Reading the JSON API: every answer is a value or the API's ErrorView, never an exception. */
import type { ErrorView, ProblemView } from '../dashboards/views.ts';

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; error: ProblemView };

/** The code of a failure to reach the server or to read its answer (not one of the API's). */
export const FETCH_FAILED = 'FETCH_FAILED';

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    return {
      ok: false,
      status: 0,
      error: {
        code: FETCH_FAILED,
        message: `Could not reach the server (${url}).`,
        hint: 'Check that `strata serve` is still running, then reload the page.',
      },
    };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if (signal?.aborted) throw error;
    return {
      ok: false,
      status: response.status,
      error: {
        code: FETCH_FAILED,
        message: `The server answered ${response.status} ${response.statusText} without JSON (${url}).`,
      },
    };
  }
  if (isErrorView(body)) return { ok: false, status: response.status, error: body.error };
  if (!response.ok) {
    return {
      ok: false,
      status: response.status,
      error: {
        code: FETCH_FAILED,
        message: `The server answered ${response.status} ${response.statusText} (${url}).`,
      },
    };
  }
  return { ok: true, value: body as T };
}

function isErrorView(body: unknown): body is ErrorView {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as ProblemView).message === 'string';
}

/** `url` with the parameters added (a URL of the API is a path; it may already have a query). */
export function withParams(url: string, params: URLSearchParams): string {
  const target = new URL(url, location.origin);
  for (const [name, value] of params) target.searchParams.set(name, value);
  return target.origin === location.origin ? `${target.pathname}${target.search}` : target.href;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
