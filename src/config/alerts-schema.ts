import { z } from 'zod';

/**
 * `alerts` in strata.config.ts: rules evaluated after every run, delivered to the log and, when
 * configured, to a webhook. The webhook's URL is read from the environment: it usually carries a
 * token (Slack, Teams), so it never lives in the config or appears in logs.
 */
export const alertsSchema = z.strictObject({
  webhook: z
    .strictObject({
      /** The environment variable holding the URL to POST each run's alerts to (JSON). */
      urlEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name'),
      /** Per attempt. */
      timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
      /** Extra attempts after a failure (5xx, 429, timeout, refused connection). */
      retries: z.number().int().min(0).max(10).default(3),
      retryDelayMs: z.number().int().min(0).max(60_000).default(500),
    })
    .optional(),
  rules: z
    .strictObject({
      /** A run that did not succeed. */
      runFailed: z.boolean().default(true),
      /** A source's newest load date received this many percent fewer records than its trailing 7 loaded dates on average. */
      volumeDropPercent: z.number().min(0).max(100).optional(),
      /** The run took longer than this. */
      runtimeMinutes: z.number().positive().optional(),
      /** The run quarantined more records than this. */
      quarantinedAbove: z.number().int().min(0).optional(),
      /**
       * A check failed (or warned) on this many consecutive run dates (daily_metrics.metric_date)
       * that ran it, this run's date included.
       */
      checkFailingDays: z.number().int().min(1).optional(),
    })
    .default({ runFailed: true }),
});

export type AlertsConfig = z.output<typeof alertsSchema>;
