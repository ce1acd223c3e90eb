/**
 * Fault injection for the fixture API: which requests fail and how, decided by the seed and the
 * request's number, so a test that sends the same requests sees the same faults.
 */
import { StrataError } from '../errors/strata-error.ts';
import { hashUnit } from '../generate/prng.ts';

export type FaultKind = '500' | '429' | 'slow' | 'drop' | 'truncate';

export interface FaultSpec {
  /** Share of requests answered 500 Internal Server Error. */
  error500: number;
  /** Share answered 429 Too Many Requests with a Retry-After header. */
  rateLimit429: number;
  /** Seconds announced in Retry-After. */
  retryAfterSeconds: number;
  /** Share answered normally after `slowMs` milliseconds. */
  slow: number;
  slowMs: number;
  /** Share whose connection is destroyed after the headers and part of the body were sent. */
  drop: number;
  /** Share answered 200 with a body cut short (valid HTTP framing, invalid JSON). */
  truncate: number;
}

export const NO_FAULTS: FaultSpec = {
  error500: 0,
  rateLimit429: 0,
  retryAfterSeconds: 1,
  slow: 0,
  slowMs: 2000,
  drop: 0,
  truncate: 0,
};

const FAULT_SYNTAX = '500:RATE, 429:RATE[@SECONDS], slow:RATE[@MS], drop:RATE, truncate:RATE';

function invalid(message: string): StrataError {
  return new StrataError('USAGE', message, {
    field: 'faults',
    hint: `Write faults as a comma-separated list of ${FAULT_SYNTAX}, e.g. 500:0.1,429:0.05,slow:0.1@2000,drop:0.05,truncate:0.05. Rates are shares of requests (0–1) and add up to at most 1.`,
  });
}

function parseNumber(text: string, what: string, entry: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw invalid(`--faults: ${what} in '${entry}' is not a number`);
  return value;
}

/**
 * Parses a `--faults` spec such as `500:0.1,429:0.05,slow:0.1@2000,drop:0.05,truncate:0.05`.
 * An empty string or `none` means no faults. `429:RATE@S` sets Retry-After (default 1 s);
 * `slow:RATE@MS` the delay (default 2000 ms).
 */
export function parseFaultSpec(spec: string): FaultSpec {
  const result: FaultSpec = { ...NO_FAULTS };
  const text = spec.trim();
  if (text === '' || text === 'none') return result;
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    const match = /^([a-z0-9]+)\s*:\s*([^@]+?)\s*(?:@\s*(.+))?$/i.exec(entry);
    if (!match) throw invalid(`--faults: cannot read '${entry}'`);
    const [, nameRaw = '', rateText = '', extra] = match;
    const name = nameRaw.toLowerCase();
    if (seen.has(name)) throw invalid(`--faults: '${name}' is given twice`);
    seen.add(name);
    const rate = parseNumber(rateText, 'the rate', entry);
    if (rate < 0 || rate > 1) throw invalid(`--faults: the rate in '${entry}' must be between 0 and 1`);
    const parameter = extra === undefined ? undefined : parseNumber(extra, 'the value after @', entry);
    switch (name) {
      case '500':
        if (parameter !== undefined) throw invalid(`--faults: '500' takes no @ value`);
        result.error500 = rate;
        break;
      case '429':
        result.rateLimit429 = rate;
        if (parameter !== undefined) {
          if (parameter < 0 || parameter > 3600 || !Number.isInteger(parameter)) {
            throw invalid(`--faults: Retry-After in '${entry}' must be whole seconds from 0 to 3600`);
          }
          result.retryAfterSeconds = parameter;
        }
        break;
      case 'slow':
        result.slow = rate;
        if (parameter !== undefined) {
          if (parameter < 0 || parameter > 120_000) {
            throw invalid(`--faults: the delay in '${entry}' must be 0 to 120000 ms`);
          }
          result.slowMs = parameter;
        }
        break;
      case 'drop':
      case 'truncate':
        if (parameter !== undefined) throw invalid(`--faults: '${name}' takes no @ value`);
        result[name] = rate;
        break;
      default:
        throw invalid(`--faults: unknown fault '${name}'`);
    }
  }
  const total = result.error500 + result.rateLimit429 + result.slow + result.drop + result.truncate;
  if (total > 1 + 1e-9) throw invalid(`--faults: the rates add up to ${total.toFixed(3)}, more than 1`);
  return result;
}

/** The fault (if any) for the n-th request (1-based) of a server started with `seed`. */
export function faultFor(spec: FaultSpec, seed: number, request: number): FaultKind | undefined {
  const u = hashUnit(seed, 'fixture-api-fault', request);
  let edge = spec.error500;
  if (u < edge) return '500';
  edge += spec.rateLimit429;
  if (u < edge) return '429';
  edge += spec.slow;
  if (u < edge) return 'slow';
  edge += spec.drop;
  if (u < edge) return 'drop';
  edge += spec.truncate;
  if (u < edge) return 'truncate';
  return undefined;
}

/** The spec as the CLI would write it (for logs). */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  if (spec.error500 > 0) parts.push(`500:${spec.error500}`);
  if (spec.rateLimit429 > 0) parts.push(`429:${spec.rateLimit429}@${spec.retryAfterSeconds}`);
  if (spec.slow > 0) parts.push(`slow:${spec.slow}@${spec.slowMs}`);
  if (spec.drop > 0) parts.push(`drop:${spec.drop}`);
  if (spec.truncate > 0) parts.push(`truncate:${spec.truncate}`);
  return parts.length > 0 ? parts.join(',') : 'none';
}
