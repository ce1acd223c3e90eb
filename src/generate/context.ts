/**
 * State shared by one `generate` call: the arguments, the file-level defect plan of every file
 * (decided up front so that late records never land in a file that will be emptied), records
 * waiting to arrive late, the manifest being collected and the DuckDB connection for Parquet.
 */
import { ParquetWriter } from '../engine/duckdb/parquet-writer.ts';
import { dayString } from './calendar.ts';
import {
  FATAL_DEFECT_KINDS,
  FILE_DEFECT_KINDS,
  fileKindAppliesToFeed,
  type DefectKind,
  type FatalDefectKind,
  type FileDefectKind,
} from './defects.ts';
import type { DefectEntry } from './manifest.ts';
import { Rng } from './prng.ts';
import { FileSink } from './sink.ts';
import { feedId, fileExtension, type FeedSpec, type Row } from './schema.ts';

export interface FilePlan {
  bom: boolean;
  extra: boolean;
  rename: boolean;
  empty: boolean;
  missingColumn: boolean;
  truncated: boolean;
}

export interface LateRecord {
  row: Row;
  fromDay: number;
}

const PLAN_FIELD: Record<FileDefectKind | FatalDefectKind, keyof FilePlan> = {
  utf8_bom: 'bom',
  schema_drift_extra_column: 'extra',
  schema_drift_renamed_field: 'rename',
  empty_file: 'empty',
  missing_required_column: 'missingColumn',
  truncated_file: 'truncated',
};

export class RunContext {
  readonly plans = new Map<string, FilePlan>();
  readonly late = new Map<string, LateRecord[]>();
  readonly defectCountsByFeed = new Map<string, Map<string, number>>();
  /** One defect log per feed, so partitions can be merged in feed order. */
  private readonly defectSinks = new Map<string, FileSink>();
  /** Parquet feeds are written as CSV first, then converted one file at a time. */
  readonly parquet = new ParquetWriter();

  constructor(
    readonly seed: number,
    readonly rate: number,
    readonly kinds: ReadonlySet<DefectKind>,
    readonly firstDay: number,
    readonly lastDay: number,
    readonly out: string,
    readonly tmpDir: string,
    /** Every feed of the run (not only this partition's): plans must not depend on partitioning. */
    readonly specs: readonly FeedSpec[],
  ) {
    this.planFiles();
  }

  static fileKey(spec: FeedSpec, day: number): string {
    return `${feedId(spec)}@${day}`;
  }

  relativePath(spec: FeedSpec, day: number): string {
    return `${spec.domain}/${spec.name}/${dayString(day)}.${fileExtension(spec)}`;
  }

  plan(spec: FeedSpec, day: number): FilePlan {
    return this.plans.get(RunContext.fileKey(spec, day)) as FilePlan;
  }

  private planFiles(): void {
    const kinds = [...FILE_DEFECT_KINDS, ...FATAL_DEFECT_KINDS].filter((k) => this.kinds.has(k));
    for (const spec of this.specs) {
      for (let day = this.firstDay; day <= this.lastDay; day++) {
        const plan: FilePlan = {
          bom: false,
          extra: false,
          rename: false,
          empty: false,
          missingColumn: false,
          truncated: false,
        };
        const rng = new Rng(this.seed, 'file-defects', feedId(spec), day);
        for (const kind of [...FILE_DEFECT_KINDS, ...FATAL_DEFECT_KINDS]) {
          // Draw for every kind so that enabling one kind never moves another.
          const hit = rng.next() < this.rate;
          if (hit && kinds.includes(kind) && fileKindAppliesToFeed(kind, spec)) plan[PLAN_FIELD[kind]] = true;
        }
        if (plan.empty) {
          // An empty file carries nothing else.
          plan.bom = plan.extra = plan.rename = plan.missingColumn = plan.truncated = false;
        }
        this.plans.set(RunContext.fileKey(spec, day), plan);
      }
    }
    // A fatal kind that was asked for by name appears at least once.
    for (const kind of FATAL_DEFECT_KINDS) {
      if (!this.kinds.has(kind) || this.rate <= 0) continue;
      const field = PLAN_FIELD[kind];
      if ([...this.plans.values()].some((p) => p[field])) continue;
      const spec = this.specs.find((s) => fileKindAppliesToFeed(kind, s) && s.fact) ?? this.specs[0];
      if (!spec) continue;
      const plan = this.plan(spec, this.lastDay);
      plan.empty = false;
      plan[field] = true;
    }
  }

  /** The day a record of `day` arrives on when it is late, or undefined when no later file can take it. */
  lateTargets(spec: FeedSpec, day: number): number[] {
    const targets: number[] = [];
    for (let d = day + 1; d <= Math.min(this.lastDay, day + 3); d++) {
      const plan = this.plan(spec, d);
      if (!plan.empty && !plan.truncated) targets.push(d);
    }
    return targets;
  }

  addLate(spec: FeedSpec, day: number, record: LateRecord): void {
    const key = RunContext.fileKey(spec, day);
    const list = this.late.get(key);
    if (list) list.push(record);
    else this.late.set(key, [record]);
  }

  takeLate(spec: FeedSpec, day: number): LateRecord[] {
    const key = RunContext.fileKey(spec, day);
    const list = this.late.get(key) ?? [];
    this.late.delete(key);
    return list;
  }

  /** Records one injected defect; entries stream to a temporary file per feed, not memory. */
  recordDefect(entry: DefectEntry): void {
    let byKind = this.defectCountsByFeed.get(entry.feed);
    if (!byKind) this.defectCountsByFeed.set(entry.feed, (byKind = new Map()));
    byKind.set(entry.kind, (byKind.get(entry.kind) ?? 0) + 1);
    let sink = this.defectSinks.get(entry.feed);
    if (!sink) {
      sink = new FileSink(`${this.tmpDir}/defects-${entry.feed.replace('/', '__')}.ndjson`, false);
      this.defectSinks.set(entry.feed, sink);
    }
    sink.push(`${JSON.stringify(entry)}\n`);
  }

  get defectsReady(): boolean {
    for (const sink of this.defectSinks.values()) if (sink.ready) return true;
    return false;
  }

  async flushDefects(): Promise<void> {
    for (const sink of this.defectSinks.values()) if (sink.ready) await sink.flush();
  }

  /** Closes the defect logs; returns their paths by feed. */
  async closeDefects(): Promise<Record<string, string>> {
    const paths: Record<string, string> = {};
    for (const [feed, sink] of this.defectSinks) {
      await sink.close();
      paths[feed] = sink.path;
    }
    return paths;
  }

  close(): void {
    this.parquet.close();
    for (const sink of this.defectSinks.values()) sink.destroy();
  }
}
