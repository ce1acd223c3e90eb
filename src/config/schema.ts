import { z } from 'zod';
import { alertsSchema } from './alerts-schema.ts';
import { checkEntrySchema } from './check-spec.ts';
import { schedulesSchema } from './schedule-schema.ts';
import { fileSourceSchema } from './source-schema.ts';

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a SQL identifier (letters, digits, underscores)');

const duckdbEngine = z.strictObject({
  type: z.literal('duckdb'),
  /** The warehouse file, relative to the project folder. */
  path: z.string().min(1).default('warehouse.duckdb'),
  /**
   * The memory the warehouse may hold in strata's process, e.g. "4GB", at any data size (DuckDB
   * spills beyond it). DuckDB's buffer manager gets 60% of it as its memory_limit; the
   * rest covers what DuckDB allocates outside it (engine/duckdb/memory-budget.ts).
   */
  memoryLimit: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must look like "4GB" or "512MiB"')
    .optional(),
  threads: z.number().int().min(1).max(256).optional(),
});

const postgresEngine = z.strictObject({
  type: z.literal('postgres'),
  /** The environment variable holding the connection URL: credentials never live in the config. */
  urlEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .default('STRATA_DATABASE_URL'),
});

export const configSchema = z.strictObject({
  name: z.string().min(1).optional(),
  engine: z.discriminatedUnion('type', [duckdbEngine, postgresEngine]).default({
    type: 'duckdb',
    path: 'warehouse.duckdb',
  }),
  models: z
    .strictObject({ paths: z.array(z.string().min(1)).min(1).default(['models']) })
    .default({ paths: ['models'] }),
  /** Folders of dashboard pages (`*.md`), shown by `strata serve`. */
  dashboards: z
    .strictObject({ paths: z.array(z.string().min(1)).default(['dashboards']) })
    .default({ paths: ['dashboards'] }),
  seeds: z
    .strictObject({
      paths: z.array(z.string().min(1)).default(['seeds']),
      schema: identifier.default('raw'),
    })
    .default({ paths: ['seeds'], schema: 'raw' }),
  run: z
    .strictObject({
      /** Tasks that may run at once. */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** Extra attempts for a task that failed transiently (lock conflicts, dropped connections). */
      retries: z.number().int().min(0).max(10).default(2),
      retryDelayMs: z.number().int().min(0).max(600_000).default(500),
      retryMaxDelayMs: z.number().int().min(0).max(3_600_000).default(30_000),
      taskTimeoutSeconds: z.number().positive().max(86_400).default(3600),
    })
    .default({
      concurrency: 4,
      retries: 2,
      retryDelayMs: 500,
      retryMaxDelayMs: 30_000,
      taskTimeoutSeconds: 3600,
    }),
  /** Where raw data comes from, with the contract each record must meet. */
  sources: z.record(identifier, fileSourceSchema).default({}),
  /** More checks, by the model, seed or source they check (the same entries as a model header's `checks`). */
  checks: z.record(identifier, z.array(checkEntrySchema)).default({}),
  /** Rules evaluated after every run; delivered to the log and an optional webhook. */
  alerts: alertsSchema.default({ rules: { runFailed: true } }),
  /** Default schema for models outside a layer folder (models/<schema>/...). */
  defaultSchema: identifier.default('warehouse'),
  /** Cron schedules `strata schedule` and `strata serve --schedule` run, by name (schedule-schema.ts). */
  schedules: schedulesSchema.default({}),
});

/** What a project writes in strata.config.ts (defaults may be left out). */
export type StrataConfigInput = z.input<typeof configSchema>;
/** The config after validation, with every default filled in. */
export type StrataConfig = z.output<typeof configSchema>;
