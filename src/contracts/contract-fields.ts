import type { ArrayField, Contract, ScalarField } from '../config/contract-schema.ts';
import type { Dialect } from '../engine/types.ts';

/** A contract's fields as the compiler reads them: scalars and nested arrays apart, in contract order. */
export interface ContractFields {
  contract: Contract;
  dialect: Dialect;
  scalars: [string, ScalarField][];
  arrays: [string, ArrayField][];
  /** The unique key's field names; empty without one. */
  key: string[];
  /** The contract-wide null markers. */
  nulls: string[];
  /**
   * The column holding each record's load date (a source's `loadDate.fromColumn`), as a hidden
   * required timestamp field: typed and checked like a field, never staged as one.
   */
  loadDate?: [string, ScalarField];
}

/** Where a record's load date is read, when the source takes it from a column of its records. */
export interface LoadDateColumn {
  /** The column's name in the file (a CSV header's field, a JSON key). */
  column: string;
  /** strptime; without one an ISO date or timestamp. */
  format?: string;
}

/** The hidden field holding the load date column's value (the name cannot be a contract field's). */
export const LOAD_DATE_FIELD = 'strata_load_date';

export function contractFields(
  contract: Contract,
  dialect: Dialect,
  loadDate?: LoadDateColumn,
): ContractFields {
  const entries = Object.entries(contract.fields);
  const loadDateField: ScalarField | undefined = loadDate && {
    type: 'timestamp',
    from: loadDate.column,
    required: true,
    ...(loadDate.format ? { formats: [loadDate.format] } : {}),
  };
  return {
    ...(loadDateField ? { loadDate: [LOAD_DATE_FIELD, loadDateField] as [string, ScalarField] } : {}),
    contract,
    dialect,
    scalars: entries.filter((e): e is [string, ScalarField] => e[1].type !== 'array'),
    arrays: entries.filter((e): e is [string, ArrayField] => e[1].type === 'array'),
    key: contract.uniqueKey ?? [],
    nulls: contract.nullValues,
  };
}

/** One nested array field; a name the contract does not declare as one is a caller's mistake. */
export function arrayFieldNamed(fields: ContractFields, name: string): ArrayField {
  const field = fields.arrays.find(([arrayName]) => arrayName === name)?.[1];
  if (!field) throw new Error(`${name} is not an array field of the contract`);
  return field;
}

/**
 * The typed column holding a field's value: its name, or for a string its text (`<field>__text`),
 * which typed rows hold once. `field` defaults to the record's scalar field of that name.
 */
export function valueColumn(
  fields: ContractFields,
  name: string,
  field = fields.scalars.find(([scalarName]) => scalarName === name)?.[1],
): string {
  const q = (identifier: string) => fields.dialect.quoteIdentifier(identifier);
  return field?.type === 'string' ? q(`${name}__text`) : q(name);
}

/**
 * The typed column holding a nested array field's JSON value (null when the key is absent), extracted
 * once with the record's texts: typed rows do not carry the whole record, and neither the array's
 * checks nor its elements parse the record again.
 */
export function arrayColumn(fields: ContractFields, name: string): string {
  const index = fields.arrays.findIndex(([arrayName]) => arrayName === name);
  if (index < 0) throw new Error(`${name} is not an array field of the contract`);
  return fields.dialect.quoteIdentifier(`strata_array_${index + 1}`);
}
