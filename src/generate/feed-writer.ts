/**
 * Writes one feed's file for one day: renders rows in the feed's format, injects the defects the
 * run asks for and records each in the manifest with its position. Parquet files are written as a
 * temporary CSV and converted by DuckDB when the file closes.
 */
import type { ParquetColumn } from '../engine/duckdb/parquet-writer.ts';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { dayString, isoTimestamp } from './calendar.ts';
import { compileRenderer, type Renderer } from './compile.ts';
import type { RunContext, FilePlan } from './context.ts';
import {
  applyFieldDefect,
  kindAppliesToFeed,
  RECORD_DEFECT_KINDS,
  truncateText,
  unbalanceCsvLine,
  type RecordDefectKind,
} from './defects.ts';
import type { DefectEntry, FileEntry } from './manifest.ts';
import { Rng } from './prng.ts';
import {
  columnIndex,
  csvFields,
  feedId,
  makeLayout,
  renderCsvHeader,
  sqlTypeOf,
  type Column,
  type FeedSpec,
  type Layout,
  type Row,
  type Value,
} from './schema.ts';
import { FileSink } from './sink.ts';

interface PendingDuplicate {
  due: number;
  text: string;
  key: string;
  original: number;
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;

const applicableKinds = new WeakMap<FeedSpec, RecordDefectKind[]>();

function kindsFor(spec: FeedSpec): RecordDefectKind[] {
  let kinds = applicableKinds.get(spec);
  if (!kinds) {
    kinds = RECORD_DEFECT_KINDS.filter((k) => kindAppliesToFeed(k, spec));
    applicableKinds.set(spec, kinds);
  }
  return kinds;
}

/** Where a simulation puts rows. */
export interface RowWriter {
  /** False for a feed another partition writes: the simulation may skip building its rows. */
  readonly active: boolean;
  /** Returns true when buffers are full and `flush()` must be awaited. */
  write(row: Row): boolean;
  flush(): Promise<void>;
}

/** The writer of a feed that this partition does not write. */
export const NULL_WRITER: RowWriter = {
  active: false,
  write: () => false,
  flush: () => Promise.resolve(),
};

export class FeedFileWriter implements RowWriter {
  readonly active = true;
  readonly relPath: string;
  private readonly plan: FilePlan;
  private readonly layout: Layout;
  private readonly present: boolean[];
  private readonly renderer: Renderer;
  private readonly sink: FileSink;
  private readonly rng: Rng;
  private readonly kinds: RecordDefectKind[];
  private readonly lateTargets: number[];
  private readonly keyIndexes: number[];
  private readonly text: boolean;
  private readonly tmpCsv: string | undefined;
  private readonly feed: string;
  private position = 0;
  private dropped = 0;
  private pending: PendingDuplicate[] = [];
  /** With a truncated-file plan the last record is held back, to be cut at close. */
  private held: string | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly spec: FeedSpec,
    private readonly day: number,
  ) {
    this.feed = feedId(spec);
    this.relPath = ctx.relativePath(spec, day);
    this.plan = ctx.plan(spec, day);
    this.layout = makeLayout(spec.columns, {
      rename: this.plan.rename ? spec.rename : undefined,
      drop: this.plan.missingColumn ? spec.fatalColumn : undefined,
      extra: this.plan.extra ? spec.extraColumn : undefined,
    });
    this.present = this.layout.names.map((n) => n !== undefined);
    this.renderer = compileRenderer(spec, this.layout);
    this.text = spec.format !== 'parquet';
    this.rng = new Rng(ctx.seed, 'record-defects', this.feed, day);
    const enabled = ctx.rate > 0 ? kindsFor(spec).filter((k) => ctx.kinds.has(k)) : [];
    this.lateTargets = enabled.includes('late_arriving') ? ctx.lateTargets(spec, day) : [];
    this.kinds = enabled.filter((k) => k !== 'late_arriving' || this.lateTargets.length > 0);
    this.keyIndexes = spec.key.map((k) => columnIndex(spec, k));
    const absolute = join(ctx.out, this.relPath);
    mkdirSync(dirname(absolute), { recursive: true });
    if (spec.format === 'parquet') {
      this.tmpCsv = join(ctx.tmpDir, `${this.feed.replace('/', '__')}__${dayString(day)}.csv`);
      this.sink = new FileSink(this.tmpCsv, false);
    } else {
      this.sink = new FileSink(absolute, spec.gzip);
    }
    if (!this.plan.empty) {
      if (this.plan.bom) this.sink.push('\uFEFF');
      if (spec.format === 'json') this.sink.push('[');
      else if (spec.format === 'csv' || spec.format === 'parquet')
        this.sink.push(`${renderCsvHeader(this.layout)}\n`);
    }
  }

  /** The record's key as text ('O0000000179|placed'); timestamps and dates as ISO text. */
  private keyOf(row: Row): string {
    const parts: string[] = [];
    for (const index of this.keyIndexes) {
      const value = row[index];
      const type = (this.spec.columns[index] as Column).type;
      if (typeof value === 'number' && type === 'timestamp') parts.push(isoTimestamp(value));
      else if (typeof value === 'number' && type === 'date') parts.push(dayString(value));
      else parts.push(String(value ?? ''));
    }
    return parts.join('|');
  }

  private render(row: Row): string {
    return this.renderer(row);
  }

  /** Puts one rendered record in the file. */
  private emit(text: string): void {
    this.position += 1;
    const json = this.spec.format === 'json';
    if (this.plan.truncated) {
      const chunk = json ? `${this.position > 1 ? ',' : ''}\n${text}` : `${text}\n`;
      const previous = this.held;
      this.held = chunk;
      if (previous !== undefined) this.sink.push(previous);
      return;
    }
    if (json) {
      if (this.position > 1) this.sink.pushAscii(COMMA, NEWLINE);
      else this.sink.pushAscii(NEWLINE);
      this.sink.push(text);
    } else {
      this.sink.push(text);
      this.sink.pushAscii(NEWLINE);
    }
  }

  private entry(kind: DefectEntry['kind'], extra: Partial<DefectEntry>): DefectEntry {
    const entry: DefectEntry = { feed: this.feed, file: this.relPath, kind, position: this.position };
    if (this.spec.format === 'csv') entry.line = this.position + 1;
    return Object.assign(entry, extra);
  }

  /**
   * Writes a record (maybe damaged). Returns true when buffers are full: the caller then awaits
   * `flush()` before writing more — that is where backpressure reaches the simulation. The row is
   * not kept: callers may reuse the array for the next record.
   */
  write(row: Row): boolean {
    if (this.plan.empty) {
      this.dropped += 1;
      return false;
    }
    if (this.kinds.length > 0 && this.rng.next() < this.ctx.rate) this.writeDefective(row);
    else {
      this.emit(this.render(row));
      if (this.pending.length > 0) this.emitDueDuplicates();
    }
    return this.sink.ready || this.ctx.defectsReady;
  }

  async flush(): Promise<void> {
    await this.sink.flush();
    await this.ctx.flushDefects();
  }

  private emitDueDuplicates(): void {
    while (this.pending.length > 0 && (this.pending[0] as PendingDuplicate).due <= this.position) {
      const dup = this.pending.shift() as PendingDuplicate;
      this.emit(dup.text);
      this.ctx.recordDefect(this.entry('duplicate', { key: dup.key, duplicate_of: dup.original }));
    }
  }

  private writeDefective(row: Row): void {
    const start = this.rng.int(this.kinds.length);
    for (let attempt = 0; attempt < this.kinds.length; attempt++) {
      const kind = this.kinds[(start + attempt) % this.kinds.length] as RecordDefectKind;
      const key = this.keyOf(row);
      switch (kind) {
        case 'duplicate': {
          const text = this.render(row);
          this.emit(text);
          this.pending.push({ due: this.position + this.rng.int(20), text, key, original: this.position });
          this.pending.sort((a, b) => a.due - b.due);
          this.emitDueDuplicates();
          return;
        }
        case 'late_arriving': {
          const target = this.lateTargets[this.rng.int(this.lateTargets.length)] as number;
          // Callers may reuse their row array: keep a copy.
          this.ctx.addLate(this.spec, target, { row: row.slice(), fromDay: this.day });
          return;
        }
        case 'malformed_line': {
          let text: string;
          let detail: string;
          if (this.spec.format === 'csv') {
            const { line, field } = unbalanceCsvLine(
              csvFields(this.spec.columns, row, this.layout),
              this.rng,
            );
            text = line;
            detail = `unbalanced quote in field ${field + 1}`;
          } else {
            text = truncateText(this.render(row), this.rng);
            detail = 'truncated JSON line';
          }
          this.emit(text);
          this.ctx.recordDefect(this.entry(kind, { key, detail }));
          this.emitDueDuplicates();
          return;
        }
        default: {
          const applied = applyFieldDefect(kind, this.spec.columns, row, this.present, this.rng, this.text);
          if (!applied) continue;
          this.emit(this.render(applied.row));
          this.ctx.recordDefect(
            this.entry(kind, { field: applied.field, key, value: valueText(applied.value) }),
          );
          this.emitDueDuplicates();
          return;
        }
      }
    }
    this.emit(this.render(row));
    this.emitDueDuplicates();
  }

  /**
   * Finishes the file (late arrivals, held duplicates, closing bracket). Everything that touches
   * shared state happens before the first await, so closes of several files may overlap.
   */
  async close(): Promise<FileEntry> {
    if (!this.plan.empty) {
      for (const dup of this.pending) {
        this.emit(dup.text);
        this.ctx.recordDefect(this.entry('duplicate', { key: dup.key, duplicate_of: dup.original }));
      }
      this.pending = [];
      for (const late of this.ctx.takeLate(this.spec, this.day)) {
        this.emit(this.render(late.row));
        this.ctx.recordDefect(
          this.entry('late_arriving', {
            key: this.keyOf(late.row),
            original_file: this.ctx.relativePath(this.spec, late.fromDay),
          }),
        );
      }
      if (this.plan.truncated && this.held !== undefined) {
        const held = this.held;
        this.held = undefined;
        const body = held.endsWith('\n') ? held.slice(0, -1) : held;
        this.sink.push(truncateText(body, this.rng));
        await this.ctx.recordDefect(
          this.entry('truncated_file', {
            position: this.position,
            detail: 'file ends inside its last record',
          }),
        );
      } else if (this.spec.format === 'json') {
        this.sink.push(this.position > 0 ? '\n]\n' : ']\n');
      }
    } else if (this.dropped > 0 || this.spec.format !== 'ndjson') {
      // (An NDJSON file with no records is empty anyway: that is no defect.)
      // Late records bound for an emptied file never exist: targets skip empty files.
      this.ctx.recordDefect({
        feed: this.feed,
        file: this.relPath,
        kind: 'empty_file',
        position: null,
        rows_dropped: this.dropped,
      });
    }
    this.fileDefects();
    await this.ctx.flushDefects();
    let { bytes, sha256 } = await this.sink.close();
    if (this.tmpCsv) ({ bytes, sha256 } = await this.toParquet(this.tmpCsv));
    return {
      path: this.relPath,
      feed: this.feed,
      date: dayString(this.day),
      format: this.spec.format,
      compression: this.spec.gzip ? 'gzip' : null,
      rows: this.position,
      bytes,
      sha256,
    };
  }

  /** Abandons the file (after a failure elsewhere). */
  destroy(): void {
    this.sink.destroy();
  }

  private fileDefects(): void {
    const base = { feed: this.feed, file: this.relPath };
    // Column drift of a JSON file lives in its records' keys: with no record there is none to see.
    const columnsVisible = this.position > 0 || this.spec.format === 'csv' || this.spec.format === 'parquet';
    if (this.plan.bom) this.ctx.recordDefect({ ...base, kind: 'utf8_bom', position: null });
    if (this.plan.extra && columnsVisible) {
      this.ctx.recordDefect({
        ...base,
        kind: 'schema_drift_extra_column',
        position: null,
        field: this.spec.extraColumn.name,
        detail: `extra column ${this.spec.extraColumn.name}`,
      });
    }
    if (this.plan.rename && columnsVisible) {
      this.ctx.recordDefect({
        ...base,
        kind: 'schema_drift_renamed_field',
        position: null,
        field: this.spec.rename.from,
        detail: `${this.spec.rename.from} renamed to ${this.spec.rename.to}`,
      });
    }
    if (this.plan.missingColumn && columnsVisible) {
      this.ctx.recordDefect({
        ...base,
        kind: 'missing_required_column',
        position: null,
        field: this.spec.fatalColumn,
        detail: `required column ${this.spec.fatalColumn} missing from the whole file`,
      });
    }
  }

  private async toParquet(csvPath: string): Promise<{ bytes: number; sha256: string }> {
    const columns: ParquetColumn[] = [];
    this.spec.columns.forEach((c, i) => {
      const name = this.layout.names[i];
      if (name !== undefined) columns.push({ name, type: sqlTypeOf(c) });
    });
    if (this.layout.extra) columns.push({ name: this.layout.extra.name, type: 'VARCHAR' });
    const target = join(this.ctx.out, this.relPath);
    await this.ctx.parquet.fromCsv(csvPath, columns, target);
    rmSync(csvPath, { force: true });
    const buffer = readFileSync(target);
    return { bytes: buffer.length, sha256: createHash('sha256').update(buffer).digest('hex') };
  }
}

function valueText(value: Value): string {
  if (value === undefined) return '(absent)';
  if (value === null) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
