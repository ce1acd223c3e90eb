import { z } from 'zod';
import { checkEntrySchema } from './check-spec.ts';

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a SQL identifier (letters, digits, underscores)');

/** strptime-style formats: %Y-%m-%d, %m/%d/%Y, %d.%m.%y %H:%M ... */
const formats = z.array(z.string().min(2).regex(/%/, 'must be a strptime format such as %Y-%m-%d')).min(1);

const base = {
  /** The field or column name in the source, when it differs from the contract's name. */
  from: z.string().min(1).optional(),
  required: z.boolean().default(false),
  description: z.string().optional(),
  /** Source strings that mean null for this field, besides the contract-wide ones. */
  nullValues: z.array(z.string()).optional(),
};

const numberRange = { min: z.number().finite().optional(), max: z.number().finite().optional() };

export const scalarFieldSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('string'),
    pattern: z.string().optional(),
    trim: z.boolean().default(true),
  }),
  z.strictObject({ ...base, type: z.literal('integer'), ...numberRange }),
  z.strictObject({
    ...base,
    type: z.literal('decimal'),
    precision: z.number().int().min(1).max(38).default(18),
    scale: z.number().int().min(0).max(38).default(2),
    /**
     * A value with more decimal places than `scale` is rounded to it (half away from zero) and
     * counted per file (audit.ingested_files.rounded_values); without it such a value is
     * quarantined (decimal_out_of_scale). Trailing zeros beyond the scale are never a loss.
     */
    round: z.boolean().default(false),
    ...numberRange,
  }),
  z.strictObject({ ...base, type: z.literal('number'), ...numberRange }),
  z.strictObject({
    ...base,
    type: z.literal('boolean'),
    trueValues: z.array(z.string()).default(['true', 't', '1', 'yes', 'y']),
    falseValues: z.array(z.string()).default(['false', 'f', '0', 'no', 'n']),
  }),
  z.strictObject({
    ...base,
    type: z.literal('date'),
    formats: formats.optional(),
    min: z.string().optional(),
    max: z.string().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('timestamp'),
    formats: formats.optional(),
    min: z.string().optional(),
    max: z.string().optional(),
  }),
  z
    .strictObject({
      ...base,
      type: z.literal('enum'),
      values: z.array(z.string()).min(1),
      caseInsensitive: z.boolean().default(false),
      /**
       * Source texts and the allowed value each stands for, applied before the check: `{ 'Same
       * Day': 'same_day', 1: 'paid' }`. A key is matched against the value's text as received
       * (trimmed), so the integer key 1 matches a JSON 1 and a CSV `1`; with `caseInsensitive`
       * the keys are matched in any case too.
       */
      map: z.record(z.string(), z.string()).optional(),
    })
    .superRefine((field, context) => {
      for (const [key, value] of Object.entries(field.map ?? {})) {
        if (!field.values.includes(value)) {
          context.addIssue({
            code: 'custom',
            path: ['map', key],
            message: `maps to "${value}", which is not one of values (${field.values.join(', ')})`,
          });
        }
      }
    }),
]);

export type ScalarField = z.output<typeof scalarFieldSchema>;

export const arrayFieldSchema = z.strictObject({
  ...base,
  type: z.literal('array'),
  /** The fields of each element (an object); each becomes a column of the child table. */
  items: z.record(identifier, scalarFieldSchema),
});

export type ArrayField = z.output<typeof arrayFieldSchema>;
export type FieldSpec = ScalarField | ArrayField;

export const contractSchema = z.strictObject({
  description: z.string().optional(),
  fields: z.record(identifier, z.union([scalarFieldSchema, arrayFieldSchema])),
  /** Columns identifying a record: duplicates within a load date are removed (and counted). */
  uniqueKey: z.array(identifier).optional(),
  /** Which duplicate survives: the greatest value of this field; ties and no field: the last to arrive. */
  latestBy: identifier.optional(),
  /** Source strings that mean null in every field (an empty string always does). */
  nullValues: z.array(z.string()).default([]),
  /**
   * Checks on the staged table (checks/spec.ts), as a source's `checks`: rules about the data as a
   * whole (orphans, volume, freshness), where the fields' own rules quarantine single records.
   */
  checks: z.array(checkEntrySchema).default([]),
});

export type ContractInput = z.input<typeof contractSchema>;
export type Contract = z.output<typeof contractSchema>;

/** Types a contract in TypeScript; validated when the project loads. */
export function defineContract(contract: ContractInput): ContractInput {
  return contract;
}
