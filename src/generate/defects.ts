/**
 * Defect kinds, where each can apply, and how a clean row is damaged. Record-level kinds hit a
 * record with probability `rate` (one kind per damaged record); file-level kinds hit a whole file
 * with probability `rate` per kind. Fatal kinds break a whole load and are injected only when named.
 */
import type { Rng } from './prng.ts';
import type { Column, FeedSpec, ForeignEntity, Row, Value } from './schema.ts';

export const RECORD_DEFECT_KINDS = [
  'duplicate',
  'missing_required',
  'wrong_type',
  'negative_quantity',
  'unparseable_date',
  'unknown_enum',
  'orphan_fk',
  'late_arriving',
  'malformed_line',
] as const;

export const FILE_DEFECT_KINDS = [
  'schema_drift_extra_column',
  'schema_drift_renamed_field',
  'empty_file',
  'utf8_bom',
] as const;

/** Kinds that make a whole file unloadable; only injected when named in `defectKinds`. */
export const FATAL_DEFECT_KINDS = ['missing_required_column', 'truncated_file'] as const;

export type RecordDefectKind = (typeof RECORD_DEFECT_KINDS)[number];
export type FileDefectKind = (typeof FILE_DEFECT_KINDS)[number];
export type FatalDefectKind = (typeof FATAL_DEFECT_KINDS)[number];
export type DefectKind = RecordDefectKind | FileDefectKind | FatalDefectKind;

export const ALL_DEFECT_KINDS: readonly DefectKind[] = [
  ...RECORD_DEFECT_KINDS,
  ...FILE_DEFECT_KINDS,
  ...FATAL_DEFECT_KINDS,
];
export const DEFAULT_DEFECT_KINDS: readonly DefectKind[] = [...RECORD_DEFECT_KINDS, ...FILE_DEFECT_KINDS];

export function isDefectKind(value: string): value is DefectKind {
  return (ALL_DEFECT_KINDS as readonly string[]).includes(value);
}

/** Text put into numeric fields by 'wrong_type'. None parses as a number. */
export const WRONG_NUMBER_TEXTS: readonly string[] = ['twelve', '12,99', '1O', 'n.a.', 'abc'];
/** Text put into date and timestamp fields by 'unparseable_date'. None parses as a date. */
export const BAD_DATE_TEXTS: readonly string[] = [
  '2025-13-45T10:00:00Z',
  '31/02/2025 25:61',
  'not a date',
  '20250314T',
  '2025-02-30 24:99:00',
];
const GENERIC_INVALID_ENUMS: readonly string[] = ['unknown', 'legacy_value', 'TBD'];

/** An id that no real entity has (the generators never reach these ranges). */
export function orphanValue(entity: ForeignEntity, rng: Rng): string | number {
  const n = rng.range(0, 9_999_999);
  const digits = String(n).padStart(7, '0');
  switch (entity) {
    case 'customer':
      return `C9${digits}`;
    case 'product':
      return 9_000_000 + n;
    case 'campaign':
      return `CMP-9999-${digits}`;
    case 'order':
      return `O9${digits}9`;
    case 'account':
      return `ACC9${digits}`;
    case 'subscription':
      return `SUB9${digits}`;
    case 'plan':
      return 'business_legacy';
    case 'transaction':
      return `TX9${digits}9`;
  }
}

/** Does a record-level kind apply to a feed at all (independently of a row's values)? */
export function kindAppliesToFeed(kind: RecordDefectKind, spec: FeedSpec): boolean {
  const text = spec.format !== 'parquet';
  const anyColumn = (test: (c: Column) => boolean): boolean =>
    spec.columns.some((c) => test(c) || (c.fields ?? []).some(test));
  switch (kind) {
    case 'duplicate':
      return true;
    case 'missing_required':
      return anyColumn((c) => c.required);
    case 'wrong_type':
      return text && anyColumn((c) => c.type === 'int' || c.type === 'decimal');
    case 'negative_quantity':
      return anyColumn((c) => c.quantity === true);
    case 'unparseable_date':
      return text && anyColumn((c) => c.type === 'timestamp' || c.type === 'date');
    case 'unknown_enum':
      return anyColumn((c) => c.type === 'enum');
    case 'orphan_fk':
      return anyColumn((c) => c.references !== undefined);
    case 'late_arriving':
      return spec.fact;
    case 'malformed_line':
      return spec.format === 'ndjson' || spec.format === 'csv';
  }
}

export function fileKindAppliesToFeed(kind: FileDefectKind | FatalDefectKind, spec: FeedSpec): boolean {
  const text = spec.format !== 'parquet';
  switch (kind) {
    case 'schema_drift_extra_column':
    case 'schema_drift_renamed_field':
    case 'missing_required_column':
      return true;
    case 'empty_file':
      return text && spec.fact;
    case 'utf8_bom':
    case 'truncated_file':
      return text;
  }
}

/** A place in a row: a column, or a field of one object in a list column. */
interface Target {
  column: number;
  listIndex?: number;
  field?: number;
}

export interface AppliedDefect {
  row: Row;
  field: string;
  value: Value;
}

function eligible(kind: RecordDefectKind, column: Column, value: Value): boolean {
  if (value === undefined || value === null) return false;
  switch (kind) {
    case 'missing_required':
      return column.required;
    case 'wrong_type':
      return (column.type === 'int' || column.type === 'decimal') && typeof value === 'number';
    case 'negative_quantity':
      return column.quantity === true && typeof value === 'number';
    case 'unparseable_date':
      return (column.type === 'timestamp' || column.type === 'date') && typeof value === 'number';
    case 'unknown_enum':
      return column.type === 'enum' && typeof value === 'string';
    case 'orphan_fk':
      return column.references !== undefined;
    default:
      return false;
  }
}

/**
 * Damages one field of a copy of `row` with a field-level kind; undefined when the row has no
 * field the kind can hit. `present` tells which top-level columns the file's layout keeps.
 */
export function applyFieldDefect(
  kind: RecordDefectKind,
  columns: readonly Column[],
  row: Row,
  present: readonly boolean[],
  rng: Rng,
  text: boolean,
): AppliedDefect | undefined {
  const targets: Target[] = [];
  for (let c = 0; c < columns.length; c++) {
    if (!present[c]) continue;
    const column = columns[c] as Column;
    const value = row[c];
    if (column.type === 'list' && Array.isArray(value)) {
      const fields = column.fields ?? [];
      for (let i = 0; i < value.length; i++) {
        const sub = value[i] as Row;
        for (let f = 0; f < fields.length; f++) {
          if (eligible(kind, fields[f] as Column, sub[f]))
            targets.push({ column: c, listIndex: i, field: f });
        }
      }
    } else if (eligible(kind, column, value)) {
      if (kind === 'wrong_type' || kind === 'unparseable_date') {
        if (text) targets.push({ column: c });
      } else targets.push({ column: c });
    }
  }
  if (targets.length === 0) return undefined;
  const target = targets[rng.int(targets.length)] as Target;
  const copy = row.slice();
  const topColumn = columns[target.column] as Column;
  let column = topColumn;
  let holder: Row = copy;
  let index = target.column;
  let field = topColumn.name;
  if (target.listIndex !== undefined && target.field !== undefined) {
    const list = (copy[target.column] as Row[]).slice();
    const sub = (list[target.listIndex] as Row).slice();
    list[target.listIndex] = sub;
    copy[target.column] = list;
    holder = sub;
    index = target.field;
    column = (topColumn.fields ?? [])[target.field] as Column;
    field = `${topColumn.name}[${target.listIndex}].${column.name}`;
  }
  const original = holder[index];
  let value: Value;
  switch (kind) {
    case 'missing_required':
      value = undefined;
      break;
    case 'wrong_type':
      value = rng.pick(WRONG_NUMBER_TEXTS);
      break;
    case 'negative_quantity':
      value = typeof original === 'number' && original > 0 ? -original : -1;
      break;
    case 'unparseable_date':
      value = rng.pick(BAD_DATE_TEXTS);
      break;
    case 'unknown_enum':
      value = rng.pick(column.invalid ?? GENERIC_INVALID_ENUMS);
      break;
    case 'orphan_fk':
      value = orphanValue(column.references as ForeignEntity, rng);
      break;
    default:
      return undefined;
  }
  holder[index] = value;
  return { row: copy, field, value };
}

/** A truncated JSON line: the record cut between 30% and 80% of its length. */
export function truncateText(text: string, rng: Rng): string {
  const cut = Math.max(1, Math.floor(text.length * (0.3 + rng.next() * 0.5)));
  return text.slice(0, Math.min(cut, text.length - 1));
}

/** A CSV line with one unbalanced quote: a field opened with `"` and never closed. */
export function unbalanceCsvLine(fields: readonly string[], rng: Rng): { line: string; field: number } {
  const candidates: number[] = [];
  for (let i = 1; i < fields.length; i++) if ((fields[i] as string).length > 0) candidates.push(i);
  const field = candidates.length > 0 ? (candidates[rng.int(candidates.length)] as number) : 0;
  const copy = fields.slice();
  copy[field] = `"${copy[field] ?? ''}`;
  return { line: copy.join(','), field };
}
