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
}

export function contractFields(contract: Contract, dialect: Dialect): ContractFields {
  const entries = Object.entries(contract.fields);
  return {
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
