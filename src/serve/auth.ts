import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { StrataError } from '../errors/strata-error.ts';

const COOKIE = 'strata_token';

/**
 * With a token set, every request must carry it: `Authorization: Bearer <token>` (scripts), the
 * cookie set when a browser first opens a URL with `?token=<token>`, or that parameter itself.
 * A page opened with the parameter is redirected to its URL without it, so the token does not stay
 * in the address bar or the history.
 */
export function requireToken(token: string): MiddlewareHandler {
  const matches = secretMatcher(token);
  return async (c, next) => {
    const fromQuery = c.req.query('token');
    if (matches(bearer(c)) || matches(getCookie(c, COOKIE))) return next();
    if (matches(fromQuery)) {
      setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      if (c.req.method === 'GET' && !c.req.path.startsWith('/api')) {
        const url = new URL(c.req.url);
        url.searchParams.delete('token');
        return c.redirect(`${url.pathname}${url.search}`, 302);
      }
      return next();
    }
    throw new StrataError('SERVE_UNAUTHORIZED', 'this server needs its token', {
      hint: 'Open the URL strata serve printed (it carries ?token=...), or send Authorization: Bearer <STRATA_SERVE_TOKEN>.',
    });
  };
}

/** A constant-time test of a given secret against `secret`. */
export function secretMatcher(secret: string): (given: string | undefined) => boolean {
  const expected = digest(secret);
  return (given) => given !== undefined && timingSafeEqual(digest(given), expected);
}

export function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

/** Comparing digests keeps the comparison constant-time whatever the lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
