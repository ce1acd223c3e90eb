/**
 * Names why a fetch threw, from the error's name and code alone: fetch's messages can quote the
 * URL ("Failed to parse URL from ..."), and a webhook URL usually carries a token.
 */
const KINDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
};

export function describeFetchFailure(error: unknown, timeoutMs: number): string {
  for (const link of causeChain(error)) {
    if (link.name === 'TimeoutError' || link.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
    if (typeof link.code === 'string' && /^[A-Z0-9_]+$/.test(link.code)) {
      const kind = KINDS[link.code] ?? 'request failed';
      return `${kind} (${link.code})`;
    }
  }
  return 'request failed';
}

interface Link {
  name?: unknown;
  code?: unknown;
}

/** The error and its causes, bounded in case a cause refers back to itself. */
function causeChain(error: unknown): Link[] {
  const chain: Link[] = [];
  let current = error;
  while (typeof current === 'object' && current !== null && chain.length < 5) {
    chain.push(current as Link);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}
