import { z } from 'zod';

/**
 * The check language, shared by model headers (YAML), source contracts and `checks` in
 * strata.config.ts. An entry is one check type with its arguments, plus options:
 *
 *   - not_null: customer_id                       # or a list: one check per column
 *   - unique: [order_id, line_number]             # a compound key
 *   - accepted_values: { column: status, values: [placed, shipped] }
 *   - range: { column: quantity, min: 1, max: 1000 }
 *   - relationships: { column: customer_id, to: dim_customer, field: customer_id }
 *   - freshness: { column: load_date, max_age: 36h }
 *   - volume: { column: load_date, tolerance_percent: 50, days: 7 }
 *   - reconciliation: { with: store_sales }        # row counts per load date; `raw` on a source
 *   - expression: net_revenue <= gross_revenue
 *   - sql: select * from {{ ref('fact_orders') }} where total_amount < 0
 *     severity: warn                               # default error
 *     fail_above: 1%                               # or a row count; default: any failing row
 *     scope: all                                   # default: the load dates just loaded
 *     name: no_negative_totals                     # default: derived from type and arguments
 *
 * Under a column (`columns: { x: { checks: [...] } }`) the column is implied, and the bare type
 * names `not_null` and `unique` are enough.
 */

export const CHECK_TYPES = [
  'not_null',
  'unique',
  'accepted_values',
  'range',
  'relationships',
  'freshness',
  'volume',
  'reconciliation',
  'expression',
  'sql',
] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

export const SEVERITIES = ['error', 'warn'] as const;
export type Severity = (typeof SEVERITIES)[number];

type Literal = string | number | boolean;

export type CheckRule =
  | { type: 'not_null'; columns: string[] }
  | { type: 'unique'; columns: string[] }
  | { type: 'accepted_values'; column?: string; values: Literal[] }
  | { type: 'range'; column?: string; min?: number | string; max?: number | string }
  | { type: 'relationships'; column?: string; to: string; field?: string }
  | { type: 'freshness'; column?: string; maxAge: string; maxAgeMs: number }
  | { type: 'volume'; column?: string; tolerancePercent: number; days: number }
  | { type: 'reconciliation'; column?: string; with: string; withColumn?: string; tolerancePercent: number }
  | { type: 'expression'; expression: string }
  | { type: 'sql'; sql: string }
  /**
   * Built in on every source (its `quarantine` option), not declared: load dates quarantining
   * more than maxPercent of their records, and at least minQuarantined of them.
   */
  | { type: 'quarantine_share'; maxPercent: number; minQuarantined: number };

export type FailAbove = { rows: number } | { percent: number };

export interface CheckOptions {
  severity: Severity;
  /** Fail only when more rows than this fail (or more than this share of the rows checked). */
  failAbove?: FailAbove;
  /** partition: the load dates of the run (the default where the table has them); all: the whole table. */
  scope?: 'partition' | 'all';
  name?: string;
}

export type CheckSpec = CheckRule & CheckOptions;

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be an identifier (letters, digits, _)');
const columns = z.union([identifier.transform((c) => [c]), z.array(identifier).min(1)]);
const bound = z.union([z.number().finite(), z.string().min(1)]);
const literal = z.union([z.string(), z.number().finite(), z.boolean()]);
const COLUMNS = 'must be a column name or a list of column names';
const AGE = /^(\d+(?:\.\d+)?)\s*(m|min|minutes?|h|hours?|d|days?)$/i;

const age = z
  .string()
  .regex(AGE, 'must be an age such as 90m, 36h or 2d')
  .transform((text) => ({ maxAge: text, maxAgeMs: ageMs(text) }));

/** Each type's argument, as it may be written; `true` stands for "the column this check sits under". */
const argSchemas = {
  not_null: z
    .union([z.literal(true).transform(() => []), columns], { error: COLUMNS })
    .transform((c) => ({ columns: c })),
  unique: z
    .union([z.literal(true).transform(() => []), columns], { error: COLUMNS })
    .transform((c) => ({ columns: c })),
  accepted_values: z.union(
    [
      z
        .array(literal)
        .min(1)
        .transform((values) => ({ values })),
      z.strictObject({ column: identifier.optional(), values: z.array(literal).min(1) }),
    ],
    { error: 'must be a list of values, or { column, values }' },
  ),
  range: z
    .strictObject({ column: identifier.optional(), min: bound.optional(), max: bound.optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, 'give min, max or both'),
  relationships: z.strictObject({
    column: identifier.optional(),
    to: identifier,
    field: identifier.optional(),
  }),
  freshness: z.union(
    [
      age,
      z
        .strictObject({ column: identifier.optional(), max_age: age })
        .transform(({ column, max_age }) => ({ column, ...max_age })),
    ],
    { error: 'must be an age such as 90m, 36h or 2d, or { column, max_age }' },
  ),
  volume: z.union([
    z
      .number()
      .positive()
      .transform((tolerancePercent) => ({ tolerancePercent, days: 7 })),
    z
      .strictObject({
        column: identifier.optional(),
        tolerance_percent: z.number().positive(),
        days: z.number().int().min(1).max(366).default(7),
      })
      .transform(({ column, tolerance_percent, days }) => ({
        column,
        tolerancePercent: tolerance_percent,
        days,
      })),
  ]),
  reconciliation: z.union(
    [
      identifier.transform((w) => ({ with: w, tolerancePercent: 0 })),
      z
        .strictObject({
          with: identifier,
          column: identifier.optional(),
          with_column: identifier.optional(),
          tolerance_percent: z.number().min(0).default(0),
        })
        .transform((r) => ({
          with: r.with,
          column: r.column,
          withColumn: r.with_column,
          tolerancePercent: r.tolerance_percent,
        })),
    ],
    {
      error:
        'must name a table (or raw, on a source), or be { with, column, with_column, tolerance_percent }',
    },
  ),
  expression: z
    .string()
    .min(1)
    .transform((expression) => ({ expression })),
  sql: z
    .string()
    .min(1)
    .transform((sql) => ({ sql })),
} satisfies Record<CheckType, z.ZodType>;

const optionSchemas = {
  severity: z.enum(SEVERITIES),
  fail_above: z.union(
    [
      z.number().int().min(0),
      z
        .string()
        .regex(/^\d+(\.\d+)?%$/)
        .transform((p) => Number.parseFloat(p)),
    ],
    { error: 'must be a row count or a percentage such as 0.5%' },
  ),
  scope: z.enum(['partition', 'all']),
  name: identifier,
};
type OptionKey = keyof typeof optionSchemas;

function isCheckType(key: string): key is CheckType {
  return (CHECK_TYPES as readonly string[]).includes(key);
}

function isOption(key: string): key is OptionKey {
  return key in optionSchemas;
}

/**
 * One check entry: a bare type name (`not_null`) or a mapping with exactly one check type and any
 * options. Problems carry their path within the entry, so a header can point at the line.
 */
export const checkEntrySchema = z
  .union([z.string().min(1), z.record(z.string(), z.unknown())])
  .transform((entry, ctx): CheckSpec => {
    const object: Record<string, unknown> = typeof entry === 'string' ? { [entry]: true } : entry;
    const types = Object.keys(object).filter(isCheckType);
    const unknown = Object.keys(object).filter((k) => !isCheckType(k) && !isOption(k));
    for (const key of unknown) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `unknown check type or option "${key}" (types: ${CHECK_TYPES.join(', ')}; options: ${Object.keys(optionSchemas).join(', ')})`,
      });
    }
    if (types.length !== 1) {
      if (unknown.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message:
            types.length === 0
              ? `a check names one type: ${CHECK_TYPES.join(', ')}`
              : `a check names one type, not ${types.join(' and ')}`,
        });
      }
      return z.NEVER;
    }
    const type = types[0] as CheckType;
    const args = argSchemas[type].safeParse(object[type]);
    if (!args.success) {
      for (const issue of args.error.issues) {
        ctx.addIssue({ code: 'custom', path: [type, ...issue.path], message: issue.message });
      }
    }
    const options: Partial<Record<OptionKey, unknown>> = {};
    for (const key of Object.keys(object).filter(isOption)) {
      const parsed = optionSchemas[key].safeParse(object[key]);
      if (parsed.success) options[key] = parsed.data;
      else
        ctx.addIssue({ code: 'custom', path: [key], message: parsed.error.issues[0]?.message ?? 'invalid' });
    }
    if (!args.success || unknown.length > 0) return z.NEVER;
    const failAbove = options.fail_above;
    return {
      type,
      ...(args.data as object),
      severity: (options.severity as Severity | undefined) ?? 'error',
      ...(failAbove === undefined
        ? {}
        : {
            failAbove:
              typeof object.fail_above === 'string'
                ? { percent: failAbove as number }
                : { rows: failAbove as number },
          }),
      ...(options.scope === undefined ? {} : { scope: options.scope as 'partition' | 'all' }),
      ...(options.name === undefined ? {} : { name: options.name as string }),
    } as CheckSpec;
  });

export type CheckEntryInput = z.input<typeof checkEntrySchema>;

function ageMs(text: string): number {
  const match = AGE.exec(text);
  const amount = Number.parseFloat(match?.[1] ?? '0');
  const unit = (match?.[2] ?? 'd').toLowerCase();
  const minute = 60_000;
  if (unit.startsWith('m')) return amount * minute;
  if (unit.startsWith('h')) return amount * 60 * minute;
  return amount * 24 * 60 * minute;
}
