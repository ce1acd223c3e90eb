import type { Contract } from '../config/contract-schema.ts';
import type { CsvDialect } from '../engine/csv-grammar.ts';
import type { Dialect } from '../engine/types.ts';
import { type LoadDateColumn, contractFields } from './contract-fields.ts';
import { duplicateGroups, duplicateRecords } from './deduplication.ts';
import { arrayElements, childRows } from './nested-arrays.ts';
import { roundedValues } from './rounded-values.ts';
import { stagedRows, unstage } from './staging.ts';
import { type RawRelations, typedRows } from './typed-rows.ts';
import { invalidRecords, suspectElements, suspects, violations } from './violations.ts';

export type { RawRelations } from './typed-rows.ts';

/**
 * Compiles a contract into SQL that runs in the engine: no record is validated in JavaScript.
 *
 * The SQL is a chain of relations the caller materialises as temporary tables, so each is
 * computed once however many checks read it:
 *
 *   raw rows ─▶ typed ─▶ suspects ─▶ violations ─▶ invalid ─▶ duplicate groups ─▶ duplicates ─▶ staged
 *                  └──▶ elements (per nested array) ─▶ suspect elements ─▶ element violations, child rows
 *
 * Deduplication ranks only the records whose key occurs more than once: ranking every record
 * (a window over the whole batch) cost more than typing it, and most keys are unique.
 *
 * Raw rows have the columns ingestion_id, load_date, source_file, record_position, source_line,
 * ingested_at, record, raw_text and parse_error (engine/raw-columns.ts): a JSON record's fields are
 * its keys; a CSV record's are the values of its line (split on the file's delimiter, or cut by the
 * CSV grammar when it holds a quote), found by the field's place in the file's header. Constants
 * of the contract (enum values, patterns, bounds) come from the project's definitions, never from
 * data, and are rendered as escaped literals by the dialect.
 */
export interface ContractSql {
  contract: Contract;
  scalarFields: string[];
  arrayFields: string[];
  /**
   * Raw rows plus record_key, strata_staged (true) and, per scalar field, `<field>__text` and,
   * unless it is a string (whose value is its text), the typed `<field>`.
   */
  typed(raw: RawRelations): string;
  /** One nested array's elements, typed like records: record_key, item_position, texts, values. */
  elements(typedRelation: string, arrayField: string): string;
  /**
   * The typed rows at least one check finds: every column, in one scan. `violations` reads them in
   * place of the typed rows (one scan per check), and finds the same rows.
   */
  suspects(typedRelation: string): string;
  /** The same for one nested array's elements, with their record's lineage, for `violations`. */
  suspectElements(typedRelation: string, elementsRelation: string, arrayField: string): string;
  /** One row per violation: record_key, lineage, field, reason_code, message, raw_record. */
  violations(typedRelation: string, elementRelations: Record<string, string>): string;
  /** The record_key of every record with a violation, once. */
  invalid(violationsRelation: string): string;
  /**
   * The parsed records' keys that occur more than once in a load date, valid or not (duplicates
   * ranks only the valid ones): load_date, the key columns and strata_group (the key, null-safe, as
   * one value to join on). Empty without a unique key.
   */
  duplicateGroups(typedRelation: string): string;
  /** record_key and load_date of the valid records that lose to a duplicate (all but the latest). */
  duplicates(typedRelation: string, invalidRelation: string, groupsRelation: string): string;
  /**
   * Marks the typed records that are not staged (a violation, or a duplicate that lost): typed rows
   * carry strata_staged, true until then. A flag rather than anti-joins where the staged rows are
   * written: DuckDB then writes them as it goes, where a join made it write them all at commit.
   */
  unstage(typedRelation: string, invalidRelation: string, duplicatesRelation: string): string;
  /** The staged rows: typed fields then lineage columns, of the typed records still marked staged. */
  staged(typedRelation: string): string;
  /**
   * Per file version (ingestion_id), how many values of staged records were rounded to their
   * field's scale (`round: true`) as rounded_values; null when no field rounds. Read after unstage.
   */
  roundedValues(typedRelation: string, elementRelations: Record<string, string>): string | null;
  /** The child rows of one nested array, for staged records only. */
  children(typedRelation: string, elementsRelation: string, arrayField: string): string;
}

export interface CompileOptions {
  /**
   * The dialects of the CSV files among the raw rows to type, each once. None: no CSV line among
   * them is cut into values (typing then reads no file layouts).
   */
  csvDialects: readonly CsvDialect[];
  /**
   * Every file among the raw rows to type is a CSV file (with a dialect among csvDialects): no row
   * holds a JSON record, and typing extracts no JSON texts. False (the default) when unknown.
   */
  csvOnly?: boolean;
  /**
   * Each record's load date read from a column (a source's `loadDate.fromColumn`): typed rows'
   * load_date is then that column's date, a record whose column does not read as one is
   * quarantined (field load_date), and strata_raw_date keeps the date raw holds the row under.
   */
  loadDate?: LoadDateColumn;
}

export function compileContract(
  contract: Contract,
  dialect: Dialect,
  options: CompileOptions = { csvDialects: [] },
): ContractSql {
  const fields = contractFields(contract, dialect, options.loadDate);
  return {
    contract,
    scalarFields: fields.scalars.map(([name]) => name),
    arrayFields: fields.arrays.map(([name]) => name),
    typed: (raw) => typedRows(fields, raw, options.csvDialects, options.csvOnly),
    elements: (typedRelation, arrayField) => arrayElements(fields, typedRelation, arrayField),
    suspects: (typedRelation) => suspects(fields, typedRelation),
    suspectElements: (typedRelation, elementsRelation, arrayField) =>
      suspectElements(fields, typedRelation, elementsRelation, arrayField),
    violations: (typedRelation, elementRelations) => violations(fields, typedRelation, elementRelations),
    invalid: (violationsRelation) => invalidRecords(violationsRelation),
    duplicateGroups: (typedRelation) => duplicateGroups(fields, typedRelation),
    duplicates: (typedRelation, invalidRelation, groupsRelation) =>
      duplicateRecords(fields, typedRelation, invalidRelation, groupsRelation),
    unstage: (typedRelation, invalidRelation, duplicatesRelation) =>
      unstage(typedRelation, invalidRelation, duplicatesRelation),
    staged: (typedRelation) => stagedRows(fields, typedRelation),
    roundedValues: (typedRelation, elementRelations) =>
      roundedValues(fields, typedRelation, elementRelations),
    children: (typedRelation, elementsRelation, arrayField) =>
      childRows(fields, typedRelation, elementsRelation, arrayField),
  };
}
