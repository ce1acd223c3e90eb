/**
 * Reads generated files back with an independent reader (JSON.parse, a plain CSV splitter, DuckDB
 * for Parquet) and checks that clean data is referentially consistent and that manifest.json lists
 * exactly the defects present.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FEEDS } from './feeds.ts';
import { generate, type Manifest } from './index.ts';
import type { Column, FeedSpec, ForeignEntity } from './schema.ts';

type Value = unknown;
type Record_ = Record<string, Value>;

interface ParsedRecord {
  position: number;
  raw: string;
  malformed: boolean;
  value: Record_;
}

interface ParsedFile {
  path: string;
  date: string;
  spec: FeedSpec;
  bom: boolean;
  empty: boolean;
  columns: Set<string>;
  records: ParsedRecord[];
}

const specByFeed = new Map(ALL_FEEDS.map((s) => [`${s.domain}/${s.name}`, s]));

/** Splits one CSV line (no embedded newlines) into fields, undoing quotes. */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

async function readFeedFile(
  out: string,
  path: string,
  date: string,
  duck: DuckDBInstance,
): Promise<ParsedFile> {
  const spec = specByFeed.get(path.split('/').slice(0, 2).join('/')) as FeedSpec;
  const file: ParsedFile = { path, date, spec, bom: false, empty: false, columns: new Set(), records: [] };
  if (spec.format === 'parquet') {
    const connection = await duck.connect();
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${join(out, path)}')`);
    for (const name of reader.columnNames()) file.columns.add(name);
    reader.getRowObjectsJson().forEach((row, i) => {
      file.records.push({ position: i + 1, raw: JSON.stringify(row), malformed: false, value: row });
    });
    connection.closeSync();
    return file;
  }
  let bytes = readFileSync(join(out, path));
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  if (bytes.length === 0) {
    file.empty = true;
    return file;
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    file.bom = true;
    bytes = bytes.subarray(3);
  }
  const text = bytes.toString('utf8');
  if (spec.format === 'json') {
    (JSON.parse(text) as Record_[]).forEach((value, i) => {
      for (const key of Object.keys(value)) file.columns.add(key);
      file.records.push({ position: i + 1, raw: JSON.stringify(value), malformed: false, value });
    });
    return file;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (spec.format === 'ndjson') {
    lines.forEach((line, i) => {
      try {
        const value = JSON.parse(line) as Record_;
        for (const key of Object.keys(value)) file.columns.add(key);
        file.records.push({ position: i + 1, raw: line, malformed: false, value });
      } catch {
        file.records.push({ position: i + 1, raw: line, malformed: true, value: {} });
      }
    });
    return file;
  }
  const header = splitCsv(lines[0] ?? '');
  for (const name of header) file.columns.add(name);
  lines.slice(1).forEach((line, i) => {
    const quotes = line.split('"').length - 1;
    if (quotes % 2 === 1) {
      file.records.push({ position: i + 1, raw: line, malformed: true, value: {} });
      return;
    }
    const fields = splitCsv(line);
    const value: Record_ = {};
    header.forEach((name, k) => {
      const f = fields[k];
      value[name] = f === undefined || f === '' ? null : f;
    });
    file.records.push({ position: i + 1, raw: line, malformed: false, value });
  });
  return file;
}

async function readRun(out: string): Promise<{ manifest: Manifest; files: ParsedFile[] }> {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const duck = await DuckDBInstance.create(':memory:');
  const files: ParsedFile[] = [];
  for (const entry of manifest.files) files.push(await readFeedFile(out, entry.path, entry.date, duck));
  duck.closeSync();
  return { manifest, files };
}

// ── value checks ───────────────────────────────────────────────────────────────────────────────

function asNumber(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d)
  );
}

/** The day ('YYYY-MM-DD') a date or timestamp text denotes, or undefined when it is not valid. */
function dayOf(column: Column, value: Value): string | undefined {
  if (typeof value !== 'string') return undefined;
  const pattern =
    column.type === 'date'
      ? /^(\d{4})-(\d{2})-(\d{2})$/
      : column.timestampStyle === 'space'
        ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/
        : /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
  const m = pattern.exec(value);
  if (!m) return undefined;
  const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0'] = m;
  if (!validDate(y, mo, d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return `${y}-${mo}-${d}`;
}

type KeySets = Map<ForeignEntity, Set<string>>;

const KEY_OF_FEED: Record<string, [ForeignEntity, string]> = {
  'ecommerce/customers': ['customer', 'customer_id'],
  'ecommerce/products': ['product', 'product_id'],
  'ecommerce/campaigns': ['campaign', 'campaign_id'],
  'ecommerce/orders': ['order', 'order_id'],
  'saas/accounts': ['account', 'account_id'],
  'saas/subscriptions': ['subscription', 'subscription_id'],
  'saas/transactions': ['transaction', 'transaction_id'],
};

function keySets(files: readonly ParsedFile[], untilDate?: string): KeySets {
  const sets: KeySets = new Map();
  for (const file of files) {
    const key = KEY_OF_FEED[`${file.spec.domain}/${file.spec.name}`];
    if (!key || (untilDate && file.date > untilDate)) continue;
    const set = sets.get(key[0]) ?? new Set<string>();
    for (const r of file.records)
      if (!r.malformed && r.value[key[1]] != null) set.add(String(r.value[key[1]]));
    sets.set(key[0], set);
  }
  return sets;
}

/** The kinds of damage one record shows (field-level, judged column by column). */
function recordKinds(
  columns: readonly Column[],
  value: Record_,
  names: Map<string, string>,
  keys: KeySets,
): Set<string> {
  const kinds = new Set<string>();
  for (const column of columns) {
    const name = names.get(column.name) ?? column.name;
    const v = value[name];
    const present = v !== undefined && v !== null && v !== '';
    if (column.type === 'list') {
      if (!present) {
        if (column.required) kinds.add('missing_required');
        continue;
      }
      for (const item of v as Record_[]) {
        for (const k of recordKinds(column.fields ?? [], item, new Map(), keys)) kinds.add(k);
      }
      continue;
    }
    if (!present) {
      if (column.required) kinds.add('missing_required');
      continue;
    }
    if (column.type === 'int' || column.type === 'decimal') {
      const n = asNumber(v);
      if (n === undefined) {
        kinds.add('wrong_type');
        continue;
      }
      if (column.quantity && n < 0) kinds.add('negative_quantity');
    }
    if ((column.type === 'timestamp' || column.type === 'date') && dayOf(column, v) === undefined) {
      kinds.add('unparseable_date');
    }
    if (column.type === 'enum' && column.values && !column.values.includes(String(v)))
      kinds.add('unknown_enum');
    if (column.references && !keys.get(column.references)?.has(String(v))) kinds.add('orphan_fk');
  }
  return kinds;
}

/**
 * Every defect the reader can see, as 'file#position#kind' (position '-' for whole files). An
 * NDJSON file of a day without records is empty too, so an empty NDJSON file counts as a defect
 * only where the clean run has records (`cleanRows`).
 */
function observedDefects(
  files: readonly ParsedFile[],
  keys: KeySets,
  cleanRows: Map<string, number>,
): string[] {
  const found: string[] = [];
  const firstDate = files.map((f) => f.date).sort()[0] ?? '';
  for (const file of files) {
    const spec = file.spec;
    if (file.empty && (spec.format !== 'ndjson' || (cleanRows.get(file.path) ?? 0) > 0)) {
      found.push(`${file.path}#-#empty_file`);
    }
    if (file.bom) found.push(`${file.path}#-#utf8_bom`);
    if (file.columns.has(spec.extraColumn.name)) found.push(`${file.path}#-#schema_drift_extra_column`);
    const names = new Map<string, string>();
    if (file.columns.has(spec.rename.to)) {
      found.push(`${file.path}#-#schema_drift_renamed_field`);
      names.set(spec.rename.from, spec.rename.to);
    }
    const seen = new Set<string>();
    const dateColumn = spec.columns.find((c) => c.name === spec.dateColumn) as Column;
    for (const record of file.records) {
      const at = `${file.path}#${record.position}#`;
      if (record.malformed) {
        found.push(`${at}malformed_line`);
        continue;
      }
      if (seen.has(record.raw)) {
        found.push(`${at}duplicate`);
        continue;
      }
      seen.add(record.raw);
      const kinds = recordKinds(spec.columns, record.value, names, keys);
      if (!spec.fact || file.date === firstDate) {
        // Dimension feeds are never late; nothing can arrive late in the first day's file.
      } else if (record.value.change_type === 'initial_load') {
        // The initial load carries past dates by design; it belongs in the first day's file.
        if (file.date > firstDate) kinds.add('late_arriving');
      } else {
        const day = dayOf(dateColumn, record.value[spec.dateColumn]);
        if (day !== undefined && day < file.date) kinds.add('late_arriving');
      }
      for (const kind of kinds) found.push(`${at}${kind}`);
    }
  }
  return found.sort();
}

function rowsByFile(manifest: Manifest): Map<string, number> {
  return new Map(manifest.files.map((f) => [f.path, f.rows]));
}

// ── the runs ───────────────────────────────────────────────────────────────────────────────────

const OPTIONS = { domain: 'all', start: '2025-11-24', days: 6, scale: 0.02, seed: 20_250 } as const;
let root: string;
let clean: { manifest: Manifest; files: ParsedFile[] };
let dirty: { manifest: Manifest; files: ParsedFile[] };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'strata-gen-data-'));
  await generate({ ...OPTIONS, defects: 0, out: join(root, 'clean'), threads: 0 });
  await generate({ ...OPTIONS, defects: 0.04, out: join(root, 'dirty'), threads: 0 });
  clean = await readRun(join(root, 'clean'));
  dirty = await readRun(join(root, 'dirty'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('clean data (defects: 0)', () => {
  it('has no defects at all, by the manifest and by the reader', () => {
    expect(clean.manifest.defects).toEqual([]);
    expect(observedDefects(clean.files, keySets(clean.files), rowsByFile(clean.manifest))).toEqual([]);
  });

  it('is referentially consistent day by day', () => {
    const dates = [...new Set(clean.files.map((f) => f.date))].sort();
    let checked = 0;
    for (const date of dates) {
      // Everything a record of day D refers to exists in the files of days ≤ D.
      const known = keySets(clean.files, date);
      for (const file of clean.files.filter((f) => f.date === date)) {
        const columns = file.spec.columns;
        for (const record of file.records) {
          for (const column of columns) {
            const refs: [Column, Value][] = [];
            if (column.type === 'list') {
              for (const item of (record.value[column.name] as Record_[] | null) ?? []) {
                for (const f of column.fields ?? []) if (f.references) refs.push([f, item[f.name]]);
              }
            } else if (column.references) refs.push([column, record.value[column.name]]);
            for (const [c, v] of refs) {
              if (v === null || v === undefined) continue;
              checked += 1;
              if (!known.get(c.references as ForeignEntity)?.has(String(v))) {
                throw new Error(
                  `${file.path}#${record.position}: ${c.name} ${String(v)} not known by ${date}`,
                );
              }
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('identifies event visitors as existing customers and purchases as existing orders', () => {
    const customers = keySets(clean.files).get('customer') as Set<string>;
    const orders = keySets(clean.files).get('order') as Set<string>;
    const events = clean.files.filter((f) => f.spec.name === 'events').flatMap((f) => f.records);
    const identified = events.filter((e) => e.value.customer_id !== null);
    const purchases = events.filter((e) => e.value.event_type === 'purchase');
    expect(identified.length).toBeGreaterThan(100);
    expect(purchases.length).toBeGreaterThan(5);
    expect(identified.every((e) => customers.has(String(e.value.customer_id)))).toBe(true);
    expect(purchases.every((e) => orders.has(String(e.value.order_id)))).toBe(true);
  });
});

describe('defects (rate 0.04)', () => {
  it('injects every default kind', () => {
    const kinds = Object.keys(dirty.manifest.defect_counts).sort();
    expect(kinds).toEqual(
      [
        'duplicate',
        'empty_file',
        'late_arriving',
        'malformed_line',
        'missing_required',
        'negative_quantity',
        'orphan_fk',
        'schema_drift_extra_column',
        'schema_drift_renamed_field',
        'unknown_enum',
        'unparseable_date',
        'utf8_bom',
        'wrong_type',
      ].sort(),
    );
  });

  it('lists exactly the defects an independent reader finds, file by file and record by record', () => {
    // Keys of the clean run: what "exists" means for a foreign key.
    const observed = observedDefects(dirty.files, keySets(clean.files), rowsByFile(clean.manifest));
    const listed = dirty.manifest.defects
      .map((d) => `${d.file}#${d.position === null ? '-' : d.position}#${d.kind}`)
      .sort();
    expect(observed).toEqual(listed);
  });

  it('counts what it lists', () => {
    const tally: Record<string, number> = {};
    for (const d of dirty.manifest.defects) tally[d.kind] = (tally[d.kind] ?? 0) + 1;
    expect(dirty.manifest.defect_counts).toEqual(tally);
    expect(dirty.manifest.totals.defects).toBe(dirty.manifest.defects.length);
  });

  it('records CSV line numbers, keys and the original file of late records', () => {
    for (const d of dirty.manifest.defects) {
      if (d.position !== null && d.file.includes('.csv')) expect(d.line).toBe(d.position + 1);
      if (d.position !== null && d.kind !== 'truncated_file') expect(d.key).toBeTruthy();
      if (d.kind === 'late_arriving') expect((d.original_file ?? '') < d.file).toBe(true);
    }
  });

  it('keeps the clean data underneath: the same records, plus and minus what the manifest says', () => {
    const rows = (m: Manifest, feed: string): number =>
      m.files.filter((f) => f.feed === feed).reduce((s, f) => s + f.rows, 0);
    const count = (kind: string, feed: string): number =>
      dirty.manifest.defects.filter((d) => d.kind === kind && d.feed === feed).length;
    for (const spec of ALL_FEEDS) {
      const feed = `${spec.domain}/${spec.name}`;
      const dropped = dirty.manifest.defects
        .filter((d) => d.kind === 'empty_file' && d.feed === feed)
        .reduce((s, d) => s + (d.rows_dropped ?? 0), 0);
      // Late records are moved, not lost (their target files lie inside the run).
      expect(rows(dirty.manifest, feed), feed).toBe(
        rows(clean.manifest, feed) + count('duplicate', feed) - dropped,
      );
    }
  });
});
