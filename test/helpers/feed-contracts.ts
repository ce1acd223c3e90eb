/**
 * The project's side of generated data: a strata source (glob + contract) per generator feed,
 * written from the feed's own description in src/generate/feeds.ts — what a data engineer would
 * declare after reading that file, not anything strata derives by itself.
 */
import type { ContractInput } from '../../src/config/contract-schema.ts';
import type { Column, FeedSpec } from '../../src/generate/schema.ts';
import { fileExtension } from '../../src/generate/schema.ts';
import type { SourceConfigInput } from '../../src/config/source-schema.ts';

type FieldInput = ContractInput['fields'][string];
type ScalarInput = Exclude<FieldInput, { type: 'array' }>;

/** Timestamps as the generator writes them: '2025-03-14T09:12:33Z' or '2025-03-14 09:12:33'. */
const TIMESTAMP_FORMATS = { iso: '%Y-%m-%dT%H:%M:%SZ', space: '%Y-%m-%d %H:%M:%S' } as const;
const DATE_FORMAT = '%Y-%m-%d';

/** One column of a feed as a contract field. */
function scalarField(column: Column): ScalarInput {
  const required = column.required;
  switch (column.type) {
    case 'id':
    case 'string':
    case 'raw': // pre-rendered JSON (plans.features): kept as its text
      return { type: 'string', required };
    case 'int':
      // A count of things cannot be negative; other integers (tier, reorder_point) are not bounded.
      return column.quantity ? { type: 'integer', required, min: 0 } : { type: 'integer', required };
    case 'decimal':
      // Only quantities must be ≥ 0 (where the generator's negative_quantity defect applies);
      // money amounts are not bounded: a refund or a discount may legitimately be anything.
      return column.quantity
        ? { type: 'decimal', precision: 12, scale: 2, required, min: 0 }
        : { type: 'decimal', precision: 12, scale: 2, required };
    case 'timestamp':
      return { type: 'timestamp', required, formats: [TIMESTAMP_FORMATS[column.timestampStyle ?? 'iso']] };
    case 'date':
      return { type: 'date', required, formats: [DATE_FORMAT] };
    case 'bool':
      return { type: 'boolean', required };
    case 'enum':
      return { type: 'enum', required, values: [...(column.values ?? [])] };
    case 'list':
      throw new Error(`${column.name}: a list is not a scalar field`);
  }
}

/**
 * The contract of a feed. Field names are the feed's own column names; a file where an optional
 * column is renamed (the generator's schema_drift_renamed_field) or carries an extra column
 * (schema_drift_extra_column) still meets it — that is schema drift, recorded per file, not a
 * failure — so the contract maps no `from:` for the renamed name.
 */
export function feedContract(spec: FeedSpec): ContractInput {
  const fields: ContractInput['fields'] = {};
  for (const column of spec.columns) {
    if (column.type === 'list') {
      const items: Record<string, ScalarInput> = {};
      for (const field of column.fields ?? []) items[field.name] = scalarField(field);
      fields[column.name] = { type: 'array', required: column.required, items };
    } else {
      fields[column.name] = scalarField(column);
    }
  }
  return {
    description: spec.description,
    fields,
    uniqueKey: [...spec.key],
  };
}

/** The source name of a feed in the project: the feed's folder name (unique across both domains). */
export function feedSourceName(spec: FeedSpec): string {
  return spec.name;
}

/** A file source reading the feed's daily files from `<dataDir>/<domain>/<feed>/YYYY-MM-DD.<ext>`. */
export function feedSource(spec: FeedSpec, dataDir = 'data'): SourceConfigInput {
  return {
    description: spec.description,
    files: `${dataDir}/${spec.domain}/${spec.name}/*.${fileExtension(spec)}`,
    contract: feedContract(spec),
  };
}

/** `sources` of a strata config for some feeds. */
export function feedSources(specs: readonly FeedSpec[], dataDir = 'data'): Record<string, SourceConfigInput> {
  return Object.fromEntries(specs.map((spec) => [feedSourceName(spec), feedSource(spec, dataDir)]));
}
