import { z } from 'zod';
import { isIsoDate } from '../time/dates.ts';
import { SEVERITIES, checkEntrySchema } from './check-spec.ts';
import { contractSchema } from './contract-schema.ts';
import { httpSourceSchema } from './http-source-schema.ts';

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a SQL identifier (letters, digits, underscores)');

/** A regular expression over a file's path that finds its load date (see loadDate). */
const pathPattern = z
  .string()
  .min(1)
  .refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression');

export const FILE_FORMATS = ['json', 'ndjson', 'csv', 'parquet'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/**
 * The default gate on the share of a load date's records quarantined: above 5% fails the run, once
 * at least 10 records of the date are quarantined (a bad record or two of a small day is noise).
 */
export const DEFAULT_QUARANTINE_GATE = { maxPercent: 5, minQuarantined: 10, severity: 'error' } as const;

const share = z.union(
  [
    z
      .number()
      .min(0)
      .max(1)
      // 0.07 * 100 is 7.000000000000001 in binary floating point.
      .transform((fraction) => Number((fraction * 100).toPrecision(12))),
    z
      .string()
      .regex(/^\d+(\.\d+)?%$/)
      .transform((percent) => Number.parseFloat(percent))
      .refine((percent) => percent <= 100, 'must be at most 100%'),
  ],
  { error: "must be a share between 0 and 1 such as 0.05, or a percentage such as '5%'" },
);

/**
 * The source's quarantine gate (`<source>:quarantine_share`): a load date of the run whose
 * quarantined records exceed `maxShare` of those received, and number at least `minQuarantined`,
 * fails it. `false` turns it off.
 */
const quarantineGateSchema = z.union(
  [
    z.literal(false),
    z
      .strictObject({
        maxShare: share.optional(),
        minQuarantined: z.number().int().min(1).optional(),
        severity: z.enum(SEVERITIES).optional(),
      })
      .transform((gate) => ({
        maxPercent: gate.maxShare ?? DEFAULT_QUARANTINE_GATE.maxPercent,
        minQuarantined: gate.minQuarantined ?? DEFAULT_QUARANTINE_GATE.minQuarantined,
        severity: gate.severity ?? DEFAULT_QUARANTINE_GATE.severity,
      })),
  ],
  {
    error:
      "must be false, or { maxShare, minQuarantined, severity }: maxShare a share between 0 and 1 such as 0.05 or a percentage such as '5%', minQuarantined a count of records from 1, severity error or warn",
  },
);

export const fileSourceSchema = z
  .strictObject({
    description: z.string().optional(),
    /** Glob(s) relative to the project: `*` within a folder, `**` across folders, `{a,b}` alternatives. */
    files: z
      .union([
        z
          .string()
          .min(1)
          .transform((g) => [g]),
        z.array(z.string().min(1)).min(1),
      ])
      .optional(),
    /** Or a paginated JSON endpoint, fetched once per load date (the run's date) and kept for replays. */
    http: httpSourceSchema.optional(),
    /** Default: from the extension (.json, .ndjson/.jsonl, .csv, .parquet; .gz compressed). */
    format: z.enum(FILE_FORMATS).optional(),
    /**
     * Where a file's load date comes from. Default: the last YYYY-MM-DD in its path.
     * - `{ fromPath: '...' }`: a regular expression matched against the path relative to the
     *   project; the date is its named group `date` (YYYY-MM-DD), or its groups `year`, `month`
     *   and `day`, or else its first group, or else the whole match. (`pattern` is the same, its
     *   older name.)
     * - `{ value: 'YYYY-MM-DD' }`: one fixed date for every file, for one-off exports.
     * - `{ fromColumn: 'InvoiceDate', format?: '%d/%m/%Y %H:%M' }`: each record's own date, read
     *   from that column of the file (its name in the file, as a field's `from`) with the strptime
     *   format (default: an ISO date or timestamp); one file may then hold several load dates.
     */
    loadDate: z
      .union(
        [
          z.strictObject({ fromPath: pathPattern }),
          z.strictObject({ pattern: pathPattern }).transform(({ pattern }) => ({ fromPath: pattern })),
          z.strictObject({
            value: z.string().refine(isIsoDate, 'must be a date that exists, YYYY-MM-DD'),
          }),
          z.strictObject({
            fromColumn: z.string().min(1),
            format: z.string().min(2).regex(/%/, 'must be a strptime format such as %d/%m/%Y').optional(),
          }),
        ],
        {
          error:
            "must be { fromPath: '(\\d{4}-\\d{2}-\\d{2})' } (a regular expression over the file's path), { value: 'YYYY-MM-DD' } or { fromColumn: 'column', format: '%d/%m/%Y' }",
        },
      )
      .optional(),
    csv: z
      .strictObject({
        delimiter: z.string().length(1).default(','),
        quote: z.string().length(1).default('"'),
        escape: z.string().length(1).default('"'),
        header: z.boolean().default(true),
      })
      .optional(),
    contract: contractSchema,
    /** Checks on the staged table (see checks/spec.ts); `reconciliation: raw` checks received = staged + quarantined + duplicates. */
    checks: z.array(checkEntrySchema).default([]),
    /**
     * The gate on the quarantined share per load date: `{ maxShare: '5%' | 0.05, minQuarantined:
     * 10, severity: 'error' | 'warn' }` (the default: 5%, 10 records, error), or false for none.
     */
    quarantine: quarantineGateSchema.optional(),
    /** Schema of the typed, validated table (the source's name is the table's). */
    schema: identifier.default('staging'),
    /** Schema of the raw table, as received. */
    rawSchema: identifier.default('raw'),
  })
  .refine((source) => (source.files === undefined) !== (source.http === undefined), {
    message: 'a source has either files or http, not both and not neither',
  });

export type SourceConfig = z.output<typeof fileSourceSchema>;
export type SourceConfigInput = z.input<typeof fileSourceSchema>;

/** Types a source in TypeScript (a module of its own, such as `strata infer` drafts); validated when the project loads. */
export function defineSource(source: SourceConfigInput): SourceConfigInput {
  return source;
}
