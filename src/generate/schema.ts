/**
 * Feed schemas and the renderers that turn a row (an array of values in column order) into a JSON
 * object or a CSV line. Values carry their meaning through the column type:
 *   decimal → integer cents, timestamp → epoch seconds, date → epoch day, list → sub-rows, raw →
 *   pre-rendered JSON. A string where a number is expected renders as a JSON string (that is how a
 *   wrong-type defect looks), null renders as null / an empty CSV field, undefined omits the key.
 */
import { dayString, isoTimeOfDay, spaceTimeOfDay } from './calendar.ts';

export type ColumnType =
  'id' | 'string' | 'enum' | 'int' | 'decimal' | 'timestamp' | 'date' | 'bool' | 'list' | 'raw';

/** Entities a foreign key can point at. */
export type ForeignEntity =
  'customer' | 'product' | 'campaign' | 'order' | 'account' | 'subscription' | 'plan' | 'transaction';

export interface Column {
  name: string;
  type: ColumnType;
  required: boolean;
  /** Allowed values of an enum column. */
  values?: readonly string[];
  /** Plausible but invalid values for unknown-enum defects. */
  invalid?: readonly string[];
  references?: ForeignEntity;
  /** A count of things that must not be negative. */
  quantity?: boolean;
  /**
   * A string column whose values never need escaping in JSON or CSV (no quote, backslash, comma,
   * control character): renderers skip the escaping. Only for generator-controlled text.
   */
  plain?: boolean;
  /** Timestamp text style: ISO 8601 with Z (default) or 'YYYY-MM-DD HH:MM:SS'. */
  timestampStyle?: 'iso' | 'space';
  /** Columns of the objects in a list column. */
  fields?: readonly Column[];
  /** Parquet/DuckDB type, when the feed is written as Parquet. */
  sqlType?: string;
  description: string;
}

export type Value = string | number | boolean | null | undefined | Row[];
export type Row = Value[];

export type FileFormat = 'json' | 'ndjson' | 'csv' | 'parquet';

export interface FeedSpec {
  domain: 'ecommerce' | 'saas';
  /** Folder name under the domain, e.g. 'orders'. */
  name: string;
  format: FileFormat;
  gzip: boolean;
  description: string;
  columns: readonly Column[];
  /** Columns whose values identify a record within one file. */
  key: readonly string[];
  /** The column that dates a record (late-arriving records carry an earlier date than their file). */
  dateColumn: string;
  /** Fact feeds: records may arrive late and a day's file may come empty. Dimension feeds may not. */
  fact: boolean;
  /** Schema drift: a column that appears on some days. */
  extraColumn: { name: string; value: string };
  /** Schema drift: an optional column renamed on some days. */
  rename: { from: string; to: string };
  /** The required column dropped from a whole file by the opt-in 'missing_required_column' defect. */
  fatalColumn: string;
}

export function feedId(spec: FeedSpec): string {
  return `${spec.domain}/${spec.name}`;
}

export function fileExtension(spec: FeedSpec): string {
  return spec.format + (spec.gzip ? '.gz' : '');
}

export function columnIndex(spec: FeedSpec | readonly Column[], name: string): number {
  const columns = 'columns' in spec ? spec.columns : spec;
  const index = columns.findIndex((c) => c.name === name);
  if (index < 0) throw new Error(`no column ${name}`);
  return index;
}

const centsCache: string[] = Array.from({ length: 200_000 }, () => '');

/** Cents → '12.34' / '-0.50' (amounts under 2,000.00 cached: prices and costs repeat). */
export function formatCents(cents: number): string {
  if (cents >= 0 && cents < 200_000 && Number.isInteger(cents)) {
    let text = centsCache[cents] as string;
    if (text === '') centsCache[cents] = text = centsText(cents);
    return text;
  }
  return centsText(cents);
}

function centsText(cents: number): string {
  const negative = cents < 0;
  const abs = negative ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${negative ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** How one file lays its columns out: renamed or dropped columns and an extra column. */
export interface Layout {
  /** Output names per column (undefined = the column is dropped from this file). */
  names: readonly (string | undefined)[];
  /** JSON key prefixes per column when it is the first field: '{"name":'. */
  keys: readonly (string | undefined)[];
  /** JSON key prefixes per column after another field: ',"name":'. */
  commaKeys: readonly (string | undefined)[];
  /** The extra column; `json` is ',"name":"value"'. */
  extra: { name: string; value: string; json: string } | undefined;
}

export function makeLayout(
  columns: readonly Column[],
  options: { rename?: { from: string; to: string }; drop?: string; extra?: { name: string; value: string } },
): Layout {
  const names = columns.map((c) => {
    if (options.drop === c.name) return undefined;
    if (options.rename && options.rename.from === c.name) return options.rename.to;
    return c.name;
  });
  const extra = options.extra;
  return {
    names,
    keys: names.map((n) => (n === undefined ? undefined : `{${JSON.stringify(n)}:`)),
    commaKeys: names.map((n) => (n === undefined ? undefined : `,${JSON.stringify(n)}:`)),
    extra: extra && { ...extra, json: `,${JSON.stringify(extra.name)}:${JSON.stringify(extra.value)}` },
  };
}

const plainLayouts = new WeakMap<readonly Column[], Layout>();

function plainLayout(columns: readonly Column[]): Layout {
  let layout = plainLayouts.get(columns);
  if (!layout) {
    layout = makeLayout(columns, {});
    plainLayouts.set(columns, layout);
  }
  return layout;
}

const listCache = new WeakMap<Row[], string>();

/*
 * Renderers append small flat strings to one parts array and join it once: the result is a flat
 * string. Strings built with + or template literals are ropes, and encoding a rope to UTF-8 costs
 * many times more than encoding a flat string.
 */

function jsonValueInto(parts: string[], column: Column, value: Value): void {
  if (value === null) {
    parts.push('null');
    return;
  }
  switch (typeof value) {
    case 'number':
      switch (column.type) {
        case 'decimal':
          parts.push(formatCents(value));
          return;
        case 'timestamp': {
          const day = Math.floor(value / 86_400);
          const time =
            column.timestampStyle === 'space'
              ? spaceTimeOfDay(value - day * 86_400)
              : isoTimeOfDay(value - day * 86_400);
          parts.push('"', dayString(day), time, '"');
          return;
        }
        case 'date':
          parts.push('"', dayString(value), '"');
          return;
        default:
          parts.push(String(value));
          return;
      }
    case 'string':
      if (column.type === 'raw') parts.push(value);
      else if (column.type === 'id' || column.type === 'enum') parts.push('"', value, '"');
      else parts.push(JSON.stringify(value));
      return;
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return;
    default:
      if (Array.isArray(value)) {
        // Lists are rendered once: an order's later status records reuse the same items array.
        // A damaged list is always a fresh copy, so the cache never serves a clean rendering for it.
        let out = listCache.get(value);
        if (out === undefined) {
          const fields = column.fields ?? [];
          const layout = plainLayout(fields);
          const inner: string[] = ['['];
          for (let i = 0; i < value.length; i++) {
            if (i > 0) inner.push(',');
            jsonObjectInto(inner, fields, value[i] as Row, layout);
          }
          inner.push(']');
          out = inner.join('');
          listCache.set(value, out);
        }
        parts.push(out);
        return;
      }
      parts.push('null');
  }
}

function jsonObjectInto(parts: string[], columns: readonly Column[], row: Row, layout: Layout): void {
  let first = true;
  for (let i = 0; i < columns.length; i++) {
    const value = row[i];
    if (value === undefined) continue;
    const key = first ? layout.keys[i] : layout.commaKeys[i];
    if (key === undefined) continue;
    parts.push(key);
    first = false;
    jsonValueInto(parts, columns[i] as Column, value);
  }
  if (first) parts.push('{');
  if (layout.extra) parts.push(first ? layout.extra.json.slice(1) : layout.extra.json);
  parts.push('}');
}

/** A list column's JSON (cached per list array). */
export function renderListJson(column: Column, items: Row[]): string {
  const parts: string[] = [];
  jsonValueInto(parts, column, items);
  return parts[0] as string;
}

/** Reused between records (rendering is synchronous): no array allocated per record. */
const scratchParts: string[] = [];

/** One record as a JSON object, columns in schema order, keys as the layout names them. */
export function renderJsonObject(columns: readonly Column[], row: Row, layout: Layout): string {
  jsonObjectInto(scratchParts, columns, row, layout);
  const text = scratchParts.join('');
  scratchParts.length = 0;
  return text;
}

const NEEDS_QUOTES = /[",\r\n]/;

export function csvEscape(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(column: Column, value: Value): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'number':
      switch (column.type) {
        case 'decimal':
          return formatCents(value);
        case 'timestamp': {
          const day = Math.floor(value / 86_400);
          const sod = value - day * 86_400;
          return [
            dayString(day),
            column.timestampStyle === 'space' ? spaceTimeOfDay(sod) : isoTimeOfDay(sod),
          ].join('');
        }
        case 'date':
          return dayString(value);
        default:
          return String(value);
      }
    case 'string':
      return column.type === 'id' || column.type === 'enum' ? value : csvEscape(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return '';
  }
}

/** The CSV field texts of a row (no separators), for renderers that must alter one field. */
export function csvFields(columns: readonly Column[], row: Row, layout: Layout): string[] {
  const fields: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    if (layout.names[i] === undefined) continue;
    fields.push(csvValue(columns[i] as Column, row[i]));
  }
  if (layout.extra) fields.push(csvEscape(layout.extra.value));
  return fields;
}

export function renderCsvLine(columns: readonly Column[], row: Row, layout: Layout): string {
  const parts = scratchParts;
  let first = true;
  for (let i = 0; i < columns.length; i++) {
    if (layout.names[i] === undefined) continue;
    if (first) first = false;
    else parts.push(',');
    const value = row[i];
    const column = columns[i] as Column;
    if (typeof value === 'number' && column.type === 'timestamp') {
      // Two flat pieces rather than one concatenated string.
      const day = Math.floor(value / 86_400);
      const sod = value - day * 86_400;
      parts.push(dayString(day), column.timestampStyle === 'space' ? spaceTimeOfDay(sod) : isoTimeOfDay(sod));
    } else if (value !== null && value !== undefined) {
      parts.push(
        typeof value === 'string' && (column.type === 'id' || column.type === 'enum')
          ? value
          : csvValue(column, value),
      );
    }
  }
  if (layout.extra) parts.push(first ? csvEscape(layout.extra.value) : `,${csvEscape(layout.extra.value)}`);
  const text = parts.join('');
  parts.length = 0;
  return text;
}

export function renderCsvHeader(layout: Layout): string {
  const names = layout.names.filter((n): n is string => n !== undefined);
  if (layout.extra) names.push(layout.extra.name);
  return names.map(csvEscape).join(',');
}

/** DuckDB type of a column in a Parquet feed. */
export function sqlTypeOf(column: Column): string {
  if (column.sqlType) return column.sqlType;
  switch (column.type) {
    case 'int':
      return 'BIGINT';
    case 'decimal':
      return 'DECIMAL(14,2)';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'date':
      return 'DATE';
    case 'bool':
      return 'BOOLEAN';
    default:
      return 'VARCHAR';
  }
}

/** The field reference used in manifests for nested values: 'items[2].quantity'. */
export function fieldPath(column: string, listIndex?: number, field?: string): string {
  return listIndex === undefined ? column : `${column}[${listIndex}].${field ?? ''}`;
}
