import { z } from 'zod';

/** A header or query value: a literal, or read from an environment variable (never logged). */
const secretOrLiteral = z.union([
  z.string(),
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), prefix: z.string().default('') }),
]);

const pagination = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({
    type: z.literal('offset'),
    limit: z.number().int().min(1).max(10_000).default(100),
    limitParam: z.string().default('limit'),
    offsetParam: z.string().default('offset'),
  }),
  z.strictObject({
    type: z.literal('page'),
    size: z.number().int().min(1).max(10_000).default(100),
    pageParam: z.string().default('page'),
    sizeParam: z.string().default('per_page'),
    firstPage: z.number().int().min(0).default(1),
  }),
  z.strictObject({
    type: z.literal('cursor'),
    cursorParam: z.string().default('cursor'),
    /** Where the next cursor is in the body, e.g. "meta.next_cursor"; missing or null ends paging. */
    cursorPath: z.string().min(1),
  }),
  /** Follows `Link: <...>; rel="next"` headers. */
  z.strictObject({ type: z.literal('link') }),
]);

export const httpSourceSchema = z.strictObject({
  url: z.string().regex(/^https?:\/\//, 'must be an http(s) URL'),
  pagination: pagination.default({ type: 'none' }),
  /** Where the records are in each response body ("data.items"); default: the body is the array. */
  recordsPath: z.string().optional(),
  headers: z.record(z.string(), secretOrLiteral).default({}),
  query: z.record(z.string(), secretOrLiteral).default({}),
  retries: z.number().int().min(0).max(20).default(5),
  retryDelayMs: z.number().int().min(0).default(500),
  retryMaxDelayMs: z.number().int().min(0).default(30_000),
  timeoutMs: z.number().int().min(1).default(30_000),
  /** At most this many requests per second. */
  rateLimitPerSecond: z.number().positive().optional(),
  maxPages: z.number().int().min(1).default(10_000),
});

export type HttpSourceConfig = z.output<typeof httpSourceSchema>;
