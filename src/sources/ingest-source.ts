import { sqlTimestamp } from '../audit/timestamps.ts';
import { compileContract } from '../contracts/compile.ts';
import type { Contract } from '../contracts/schema.ts';
import type { Dialect, Engine, Session } from '../engine/types.ts';
import { StrataAggregateError, StrataError, toStrataError } from '../errors/strata-error.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import type { SourceNode } from '../models/types.ts';
import { type FileChecksum, checksumsAhead, fileChecksum, ingestionId } from './checksum.ts';
import { type SourceFile, discoverFiles } from './discover.ts';
import { landHttpPages } from './http/land-pages.ts';
import { todayUtc } from '../materialize/dates.ts';
import { createRawTable, csvDialectsOf } from './raw-table.ts';
import { DEFAULT_CSV } from '../engine/csv-grammar.ts';
import { type StageCounts, stageDates } from './stage-source.ts';

export interface SourceRunContext {
  engine: Engine;
  session: Session;
  root: string;
  node: SourceNode;
  runId: string;
  window: DateWindow;
  fullRefresh: boolean;
  signal: AbortSignal;
  now: () => Date;
  /** Where HTTP sources read their credentials. */
  env: NodeJS.ProcessEnv;
}

export interface SourceRunResult extends StageCounts {
  filesNew: number;
  filesChanged: number;
  filesUnchanged: number;
  filesFailed: number;
  dates: string[];
  /** HTTP sources: what this run fetched (undefined when the date had landed before). */
  fetched?: { pages: number; records: number; retries: number };
  /** Where the task's time went, in milliseconds: fetching pages, landing files in raw, staging. */
  timings: { fetchMs: number; landMs: number; stageMs: number };
}

type FileState = 'new' | 'changed' | 'restored' | 'unchanged';

/**
 * Files are appended to raw in batches of this many per transaction: a commit costs a WAL flush, and
 * thousands of small daily files would spend most of their time committing. Each batch is still all
 * or nothing, so no file is ever half loaded.
 */
const FILES_PER_COMMIT = 64;

/** Every loaded version of every file of a source, newest first, by path. */
type LoadedVersions = Map<string, string[]>;

/**
 * One source's task: discover its files, append new and changed ones to the raw layer (each file
 * in its own transaction, recorded in audit.ingested_files), then rebuild the staging rows of the
 * affected load dates from raw. A file that cannot be read is recorded and reported; the other
 * files and dates go on, and the task fails at the end so that what depends on it waits.
 */
export async function ingestSource(context: SourceRunContext): Promise<SourceRunResult> {
  const { engine, session, node, signal } = context;
  const { config } = node;
  const d = engine.dialect;
  await session.execute(`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdentifier(node.raw.schema)}`);
  await session.execute(createRawTable(d, node.raw));

  const clock = phaseClock();
  let fetched: { pages: number; records: number; retries: number } | undefined;
  if (config.http) {
    const date = context.window.to ?? todayUtc(context.now());
    fetched = await landHttpPages(context.root, node.name, config.http, date, { env: context.env, signal });
  }
  const fetchMs = clock.lap();
  const files = inWindow(await discoverFiles(context.root, node.name, config), context.window);
  const failures: StrataError[] = [];
  const touched = new Set<string>();
  const counts = { new: 0, changed: 0, restored: 0, unchanged: 0 };
  const filesPerDate = new Map<string, number>();
  for (const file of files) filesPerDate.set(file.loadDate, (filesPerDate.get(file.loadDate) ?? 0) + 1);
  const versions = await loadedVersions(session, node.name);
  const tally = (file: SourceFile, state: FileState) => {
    counts[state] += 1;
    if (state !== 'unchanged') touched.add(file.loadDate);
  };
  const checksums = checksumsAhead(files.map((f) => f.path));
  for (let start = 0; start < files.length; start += FILES_PER_COMMIT) {
    const batch = files.slice(start, start + FILES_PER_COMMIT);
    signal.throwIfAborted();
    try {
      const states = await session.transaction(async (tx) => {
        const done: FileState[] = [];
        for (const [i, file] of batch.entries()) {
          signal.throwIfAborted();
          const checksum = await checksums.of(start + i);
          done.push(
            await ingestFile({ ...context, session: tx }, file, config.contract, versions, false, checksum),
          );
        }
        return done;
      });
      batch.forEach((file, i) => tally(file, states[i] as FileState));
    } catch (error) {
      if (signal.aborted) throw error;
      // A file of the batch failed and the batch was rolled back: load its files one by one, so the
      // good ones land and the bad one is recorded as failed.
      for (const file of batch) {
        signal.throwIfAborted();
        try {
          tally(file, await ingestFile(context, file, config.contract, versions, true));
        } catch (fileError) {
          failures.push(toStrataError(fileError));
        }
      }
    }
  }

  const landMs = clock.lap();
  const explicit = context.window.from !== undefined || context.window.to !== undefined;
  const dates = [...new Set(explicit || context.fullRefresh ? files.map((f) => f.loadDate) : touched)].sort();
  const built = (await engine.listTables(node.target.schema)).some((t) => t.name === node.target.name);
  const rebuild = context.fullRefresh || !built;
  const stageAll = rebuild ? await allLoadedDates(session, d, node) : dates;
  let staged: StageCounts = { received: 0, staged: 0, quarantined: 0, duplicates: 0 };
  // A source that has delivered nothing yet still gets its (empty) typed table, so the models
  // reading it run and simply see no rows.
  if (stageAll.length > 0 || !built) {
    signal.throwIfAborted();
    await session.execute(`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdentifier(node.target.schema)}`);
    const csvDialects = await csvDialectsOf(session, d, node.name, stageAll);
    const contractSql = compileContract(config.contract as Contract, d, { csvDialects });
    staged = await stageDates(session, d, node, contractSql, stageAll, {
      runId: context.runId,
      at: context.now(),
      rebuild,
      filesPerDate,
    });
    // A server's planner learns the new rows before the models reading them run (DuckDB: nothing).
    if (engine.capabilities.analyze && stageAll.length > 0) {
      for (const table of [node.raw, node.target, ...node.provides.map((p) => p.target)]) {
        for (const statement of d.analyze(table)) await session.execute(statement);
      }
    }
  }
  if (failures.length === 1 && failures[0]) throw failures[0];
  if (failures.length > 1) {
    throw new StrataAggregateError(
      'FILE_UNREADABLE',
      failures,
      `${failures.length} files of ${node.name} could not be loaded`,
    );
  }
  return {
    ...staged,
    filesNew: counts.new,
    filesChanged: counts.changed + counts.restored,
    filesUnchanged: counts.unchanged,
    filesFailed: failures.length,
    dates: stageAll,
    fetched,
    timings: { fetchMs, landMs, stageMs: clock.lap() },
  };
}

/** Milliseconds since the previous lap (or since the clock started). */
function phaseClock(): { lap(): number } {
  let last = performance.now();
  return {
    lap() {
      const at = performance.now();
      const ms = at - last;
      last = at;
      return ms;
    },
  };
}

function inWindow(files: SourceFile[], window: DateWindow): SourceFile[] {
  return files.filter(
    (f) => (!window.from || f.loadDate >= window.from) && (!window.to || f.loadDate <= window.to),
  );
}

async function allLoadedDates(session: Session, d: Dialect, node: SourceNode): Promise<string[]> {
  const text = d.type('text');
  const { rows } = await session.query(
    `SELECT DISTINCT CAST(load_date AS ${text}) AS d FROM audit.ingested_files WHERE source = $1 AND status = 'loaded' ORDER BY 1`,
    [node.name],
  );
  return rows.map((r) => String(r.d));
}

async function loadedVersions(session: Session, source: string): Promise<LoadedVersions> {
  const { rows } = await session.query(
    `SELECT path, ingestion_id FROM audit.ingested_files WHERE source = $1 AND status = 'loaded'
     ORDER BY ingested_at DESC, run_id DESC`,
    [source],
  );
  const byPath: LoadedVersions = new Map();
  for (const row of rows) {
    const path = String(row.path);
    byPath.set(path, [...(byPath.get(path) ?? []), String(row.ingestion_id)]);
  }
  return byPath;
}

/**
 * Appends one file's current version to raw unless that version is already there. With
 * `recordFailure` a file that cannot be loaded is recorded as failed before the error is thrown;
 * inside a batch the caller retries file by file instead.
 */
async function ingestFile(
  context: SourceRunContext,
  file: SourceFile,
  contract: Contract,
  loaded: LoadedVersions,
  recordFailure: boolean,
  /** The file's checksum when already known (read ahead); else it is computed here. */
  known?: FileChecksum,
): Promise<FileState> {
  const { engine, session, node } = context;
  const csv = node.config.csv ?? DEFAULT_CSV;
  const { checksum, size } = known ?? (await fileChecksum(file.path));
  const id = ingestionId(file.file, checksum);
  const versions = loaded.get(file.file) ?? [];
  const current = versions[0];
  if (current === id) return 'unchanged';
  const seenBefore = versions.includes(id);
  const state: FileState = seenBefore ? 'restored' : current ? 'changed' : 'new';
  const at = context.now();
  let shape: FileShape | undefined;
  const drift = () => {
    const missing = shape ? [...shape.missingRequired, ...shape.missingOptional] : [];
    return [
      shape?.unknown.length ? shape.unknown.join(', ') : null,
      missing.length ? missing.join(', ') : null,
    ];
  };
  const record = (
    tx: Session,
    status: 'loaded' | 'failed',
    records: number | null,
    malformed: number | null,
    error?: StrataError,
    csvHeader?: string[],
  ) =>
    tx.execute(
      `INSERT INTO audit.ingested_files (ingestion_id, run_id, source, path, checksum, size_bytes, load_date, records, malformed,
         status, change, ingested_at, error_code, error_message, unknown_fields, missing_fields, csv_header, line_delimiter,
         csv_quote, csv_escape)
       VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS DATE), $8, $9, $10, $11, CAST($12 AS TIMESTAMP), $13, $14, $15, $16, $17, $18,
         $19, $20)`,
      [
        id,
        context.runId,
        node.name,
        file.file,
        checksum,
        size,
        file.loadDate,
        records,
        malformed,
        status,
        state,
        sqlTimestamp(at),
        error?.code ?? null,
        error?.message ?? null,
        ...drift(),
        csvHeader ? JSON.stringify(csvHeader) : null,
        ...(csvHeader ? [csv.delimiter, csv.quote, csv.escape] : [null, null, null]),
      ],
    );
  try {
    await session.transaction(async (tx) => {
      let records = 0;
      let malformed = 0;
      let csvHeader: string[] | undefined;
      if (!seenBefore && size > 0) {
        if (file.format === 'csv') assertFlat(node, file, contract);
        let keys: string[] | undefined;
        ({ records, malformed, keys } = await engine.loadRaw(
          {
            target: node.raw,
            path: file.path,
            format: file.format,
            compression: file.compression,
            csv: node.config.csv,
            lineage: {
              ingestionId: id,
              runId: context.runId,
              loadDate: file.loadDate,
              sourceFile: file.file,
              ingestedAt: sqlTimestamp(at),
            },
          },
          tx,
        ));
        if (file.format === 'csv' && keys?.length) csvHeader = keys;
        if (records > malformed) {
          shape = compareShape(keys ?? (await recordKeys(tx, engine, node, id, file.loadDate)), contract);
          // A CSV header is the file's layout, so one record tells. In JSON each record carries its
          // own keys: a field absent from a lone record is that record's fault, not the file's.
          const layoutKnown = file.format === 'csv' || records - malformed > 1;
          if (layoutKnown && shape.missingRequired.length > 0) {
            throw missingColumnError(node, file, shape.missingRequired);
          }
        }
      }
      await record(tx, 'loaded', records, malformed, undefined, csvHeader);
    });
  } catch (error) {
    const failure = toStrataError(error, 'FILE_UNREADABLE');
    if (recordFailure) await record(session, 'failed', null, null, failure);
    throw failure;
  }
  return state;
}

interface FileShape {
  /** Keys in the records that the contract does not know. */
  unknown: string[];
  /** Optional contract fields absent from every record. */
  missingOptional: string[];
  /** Required contract fields absent from every record: the file's layout is wrong, not its records. */
  missingRequired: string[];
}

/** The keys any record of one loaded file carries, found in the engine (JSON records differ). */
async function recordKeys(
  session: Session,
  engine: Engine,
  node: SourceNode,
  id: string,
  loadDate: string,
): Promise<string[]> {
  const d = engine.dialect;
  const { rows } = await session.query(
    d.jsonKeys(
      `(SELECT record FROM ${d.qualify(node.raw)}
        WHERE load_date = CAST($2 AS DATE) AND ingestion_id = $1 AND record IS NOT NULL) AS file_records`,
      'record',
    ),
    [id, loadDate],
  );
  return rows.map((r) => String(r.key));
}

/** Compares the keys a file's records carry with the contract: schema drift. */
function compareShape(keys: string[], contract: Contract): FileShape {
  const present = new Set(keys);
  const declared = Object.entries(contract.fields).map(([name, field]) => ({
    key: field.from ?? name,
    required: field.required,
  }));
  const known = new Set(declared.map((f) => f.key));
  return {
    unknown: [...present].filter((key) => !known.has(key)).sort(),
    missingOptional: declared.filter((f) => !f.required && !present.has(f.key)).map((f) => f.key),
    missingRequired: declared.filter((f) => f.required && !present.has(f.key)).map((f) => f.key),
  };
}

/** A CSV field is text: it cannot carry the nested array a contract field of type array expects. */
function assertFlat(node: SourceNode, file: SourceFile, contract: Contract): void {
  const arrays = Object.entries(contract.fields).filter(([, field]) => field.type === 'array');
  if (arrays.length === 0) return;
  const names = arrays.map(([name]) => `"${name}"`).join(', ');
  throw new StrataError(
    'SOURCE_INVALID',
    `${file.file} is CSV, but the contract of ${node.name} has nested array field(s) ${names}, which a CSV file cannot hold; the file was not loaded`,
    {
      file: file.file,
      field: arrays.map(([name]) => name).join(', '),
      hint: `Deliver ${node.name} as JSON or NDJSON, or declare the array's items as a separate CSV source.`,
    },
  );
}

function missingColumnError(node: SourceNode, file: SourceFile, missing: string[]): StrataError {
  return new StrataError(
    'SOURCE_COLUMN_MISSING',
    `${file.file} has no ${missing.map((m) => `"${m}"`).join(', ')} in any record; the file was not loaded`,
    {
      file: file.file,
      field: missing.join(', '),
      hint: `Re-export the file with the column(s), or map the contract field to the column's new name with from: in sources.${node.name}.contract.`,
    },
  );
}
