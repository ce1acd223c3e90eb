import { sqlTimestamp } from '../time/timestamps.ts';
import {
  type IngestedFile,
  csvDialectsOf,
  loadedDates,
  loadedVersions as ledgerVersions,
  recordIngestedFile,
  recordIngestedFiles,
} from '../audit/ingested-files.ts';
import { compileContract } from '../contracts/compile.ts';
import type { Contract } from '../config/contract-schema.ts';
import type { Dialect, Engine, RawLoadRequest, RawLoadResult, Session, TableInfo } from '../engine/types.ts';
import { StrataAggregateError, StrataError, toStrataError } from '../errors/strata-error.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import type { SourceNode } from '../models/types.ts';
import { type FileChecksum, checksumsAhead, fileChecksum, ingestionId } from './checksum.ts';
import { type SourceFile, discoverFiles } from './discover.ts';
import { emptyWindowProblem } from './empty-window.ts';
import { landHttpPages } from './http/land-pages.ts';
import { todayUtc } from '../time/dates.ts';
import { analyzeRaw, createRawTable, indexLoadDates, sqlDateList } from './raw-table.ts';
import { DEFAULT_CSV } from '../engine/csv-grammar.ts';
import {
  MIN_REJECTED_FILE,
  type RejectedFile,
  type StageCounts,
  stageDates,
  stagingTableKey,
} from './stage-source.ts';
import { stagingIsCurrent } from '../audit/source-loads.ts';

export interface SourceRunContext {
  engine: Engine;
  session: Session;
  root: string;
  node: SourceNode;
  runId: string;
  window: DateWindow;
  fullRefresh: boolean;
  /** Fail the task, rather than warn, when the run's dates hold none of the source's files (empty-window.ts). */
  strict?: boolean;
  signal: AbortSignal;
  now: () => Date;
  /** Where HTTP sources read their credentials. */
  env: NodeJS.ProcessEnv;
  /**
   * Whether the source's definition (files, contract, options) may differ from the one its staging
   * was built with; true unless the caller knows it is the same as at the source's last successful
   * run. When false, a run that finds no new or changed file in its dates, whose staging already
   * reflects every file ingested for them (the audit ledgers say so), stages nothing: the result
   * says `unchanged`.
   */
  definitionChanged?: boolean;
  /**
   * The warehouse's tables as the run found them (the run's catalogue, runner/run-catalogue.ts):
   * whether the source's raw and staging tables exist is asked of it, and it is told of those the
   * task creates. Without one, the warehouse is asked.
   */
  catalogue?: SourceCatalogue;
  /**
   * Awaited before the task writes a staging table (after landing its files, once it knows it has
   * something to stage): the run's other readers may need to see staging as it was.
   */
  beforeStaging?: () => Promise<void>;
}

/** What a source asks of the warehouse's catalogue, and tells it. */
export interface SourceCatalogue {
  find(schema: string, name: string): Promise<TableInfo | undefined>;
  learn(table: TableInfo): void;
}

/** Outside a run: the warehouse asked once per schema, again after the task creates a table in it. */
function warehouseCatalogue(engine: Engine): SourceCatalogue {
  const listed = new Map<string, Promise<TableInfo[]>>();
  return {
    find: async (schema, name) => {
      let tables = listed.get(schema);
      if (!tables) listed.set(schema, (tables = engine.listTables(schema)));
      return (await tables).find((t) => t.name === name);
    },
    learn: (table) => void listed.delete(table.schema),
  };
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
  /** What the run should know though the task succeeded: no file in the run's dates, or none at all. */
  warnings: StrataError[];
  /** Records this run appended to raw: those of the new and changed file versions it landed. */
  landed: number;
  /** Nothing to do: no file new or changed, the definition the same, staging current; nothing was written. */
  unchanged?: true;
}

type FileState = 'new' | 'changed' | 'restored' | 'unchanged';

/** How a file compared with what raw held, and the records landing it appended to raw. */
interface Landed {
  state: FileState;
  records: number;
}

/**
 * A source's task while it lands files: the files of this run that loaded no record (empty, or a
 * CSV header alone), by path, each with what it held; the task warns about them once it is done.
 */
interface Landing extends SourceRunContext {
  emptyFiles: Map<string, string>;
}

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
export async function ingestSource(runContext: SourceRunContext): Promise<SourceRunResult> {
  const context: Landing = { ...runContext, emptyFiles: new Map() };
  const { engine, session, node, signal } = context;
  const { config } = node;
  const d = engine.dialect;
  const catalogue = context.catalogue ?? warehouseCatalogue(engine);
  // DDL takes the catalog's lock even when there is nothing to create, and waits for the other
  // tasks' transactions to let go of it: asked only when the raw table is not there yet.
  if (!(await catalogue.find(node.raw.schema, node.raw.name))) {
    await session.execute(`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdentifier(node.raw.schema)}`);
    await session.execute(createRawTable(d, node.raw));
    catalogue.learn({ ...node.raw, kind: 'table' });
  }

  const clock = phaseClock();
  let fetched: { pages: number; records: number; retries: number } | undefined;
  if (config.http) {
    const date = context.window.to ?? todayUtc(context.now());
    fetched = await landHttpPages(context.root, node.name, config.http, date, { env: context.env, signal });
  }
  const fetchMs = clock.lap();
  const discovered = await discoverFiles(context.root, node.name, config, todayUtc(context.now()));
  // Records that carry their own load dates may be of any date: every file is landed, and the
  // window chooses the dates staged.
  const fromColumn = config.loadDate && 'fromColumn' in config.loadDate ? config.loadDate : undefined;
  const files = fromColumn ? discovered : inWindow(discovered, context.window);
  const empty = emptyWindowProblem(
    context.root,
    node.name,
    config,
    discovered,
    files,
    fromColumn ? {} : context.window,
  );
  if (empty && context.strict) throw empty;
  const failures: StrataError[] = [];
  const touched = new Set<string>();
  const counts = { new: 0, changed: 0, restored: 0, unchanged: 0 };
  const filesPerDate = new Map<string, number>();
  for (const file of files) filesPerDate.set(file.loadDate, (filesPerDate.get(file.loadDate) ?? 0) + 1);
  const versions = await loadedVersions(session, node.name);
  let landed = 0;
  const tally = (file: SourceFile, { state, records }: Landed) => {
    counts[state] += 1;
    landed += records;
    if (state !== 'unchanged') touched.add(file.loadDate);
  };
  const checksums = checksumsAhead(files.map((f) => f.path));
  for (let start = 0; start < files.length; start += FILES_PER_COMMIT) {
    const batch = files.slice(start, start + FILES_PER_COMMIT);
    signal.throwIfAborted();
    try {
      const plans: FilePlan[] = [];
      for (const [i, file] of batch.entries()) {
        plans.push(planFile(context, file, versions, await checksums.of(start + i)));
      }
      const outcomes = await landBatch(context, plans);
      batch.forEach((file, i) => tally(file, outcomes[i] as Landed));
    } catch (error) {
      if (signal.aborted) throw error;
      // A file of the batch failed and the batch was rolled back: load its files one by one, so the
      // good ones land and the bad one is recorded as failed.
      for (const file of batch) {
        signal.throwIfAborted();
        try {
          tally(file, await ingestFile(context, file, versions));
        } catch (fileError) {
          failures.push(toStrataError(fileError));
        }
      }
    }
  }

  const landMs = clock.lap();
  const explicit = context.window.from !== undefined || context.window.to !== undefined;
  const dates = [...new Set(explicit || context.fullRefresh ? files.map((f) => f.loadDate) : touched)].sort();
  const stagingTables = [node.target, ...node.provides.map((p) => p.target)];
  const found = await Promise.all(stagingTables.map((t) => catalogue.find(t.schema, t.name)));
  const built = found[0] !== undefined;
  // Records carrying their own dates are staged by the run's window, not by the files': a run
  // finding no new file may still have dates to write.
  if (
    context.definitionChanged === false &&
    !context.fullRefresh &&
    fromColumn === undefined &&
    failures.length === 0 &&
    counts.new + counts.changed + counts.restored === 0 &&
    // The staging table and those of its nested arrays all exist.
    found.every((t) => t !== undefined) &&
    (await stagingIsCurrent(
      session,
      node.name,
      sqlDateList(d, unique(files.map((f) => f.loadDate))),
      MIN_REJECTED_FILE,
    ))
  ) {
    return {
      ...NOTHING_STAGED,
      landed: 0,
      filesNew: 0,
      filesChanged: 0,
      filesUnchanged: counts.unchanged,
      filesFailed: 0,
      dates: [],
      fetched,
      timings: { fetchMs, landMs, stageMs: clock.lap() },
      warnings: empty ? [empty] : [],
      unchanged: true,
    };
  }
  // Records carrying their own dates: raw holds a file under one date, so every file's rows are
  // typed to find the dates. A run without dates rebuilds the staging table from all of them, even
  // with no file new: a run with dates lands every file but stages its own dates only, and what
  // it landed for other dates is staged by the next run without dates.
  const rebuild = context.fullRefresh || !built || (fromColumn !== undefined && !explicit);
  const restage = rebuild || (fromColumn !== undefined && explicit);
  const stageAll = restage ? await allLoadedDates(session, d, node) : dates;
  let staged: StageCounts = NOTHING_STAGED;
  let writtenDates = stageAll;
  // A source that has delivered nothing yet still gets its (empty) typed table, so the models
  // reading it run and simply see no rows.
  if (stageAll.length > 0 || !built) {
    await context.beforeStaging?.();
    signal.throwIfAborted();
    if (engine.capabilities.keyIndexes) {
      for (const statement of indexLoadDates(d, node.raw)) await session.execute(statement);
    }
    if (!built) await session.execute(`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdentifier(node.target.schema)}`);
    const dialects = await csvDialectsOf(session, node.name, sqlDateList(d, stageAll));
    const contractSql = compileContract(config.contract as Contract, d, {
      csvDialects: dialects.dialects,
      csvOnly: dialects.csvOnly,
      ...(fromColumn ? { loadDate: { column: fromColumn.fromColumn, format: fromColumn.format } } : {}),
    });
    const {
      rejectedFiles,
      dates: stagedDates,
      rowsWritten,
      ...counts
    } = await stageDates(session, d, node, contractSql, stageAll, {
      runId: context.runId,
      at: context.now(),
      rebuild,
      filesPerDate,
      ...(fromColumn ? { recordDates: rebuild ? {} : { window: context.window } } : {}),
    });
    staged = counts;
    writtenDates = stagedDates;
    // Committed: the staging tables exist, whatever fails below.
    for (const table of stagingTables) catalogue.learn({ ...table, kind: 'table' });
    // Staged and committed with the rest: the records stay quarantined, the task fails below.
    failures.push(...rejectedFiles.map((file) => fileRejectedError(node, file)));
    // A server's planner learns the new rows before the models reading them run, when they are
    // enough to change its statistics (DuckDB: nothing): each table by the rows written to it.
    if (engine.capabilities.analyze && stageAll.length > 0) {
      for (const statement of analyzeRaw(d, node.raw)) await session.execute(statement, [landed]);
      for (const table of stagingTables) {
        const written = rowsWritten.get(stagingTableKey(table)) ?? 0;
        for (const statement of d.analyzeAfterWrite(table)) await session.execute(statement, [written]);
      }
    }
    // Staging's dates are replaced and read by date like raw's: indexed alike, once they are written.
    if (engine.capabilities.keyIndexes) {
      for (const table of stagingTables) {
        for (const statement of indexLoadDates(d, table)) await session.execute(statement);
      }
    }
  }
  if (failures.length === 1 && failures[0]) throw failures[0];
  if (failures.length > 1) {
    const rejected = failures.every((f) => f.code === 'SOURCE_FILE_REJECTED');
    throw new StrataAggregateError(
      rejected ? 'SOURCE_FILE_REJECTED' : 'FILE_UNREADABLE',
      failures,
      rejected
        ? `${failures.length} files of ${node.name} had every record quarantined`
        : `${failures.length} files of ${node.name} could not be loaded`,
    );
  }
  return {
    ...staged,
    landed,
    filesNew: counts.new,
    filesChanged: counts.changed + counts.restored,
    filesUnchanged: counts.unchanged,
    filesFailed: failures.length,
    dates: writtenDates,
    fetched,
    timings: { fetchMs, landMs, stageMs: clock.lap() },
    warnings: [...(empty ? [empty] : []), ...emptyFilesWarning(node, context.emptyFiles)],
  };
}

const NOTHING_STAGED: StageCounts = { received: 0, staged: 0, quarantined: 0, duplicates: 0, rounded: 0 };

const unique = (values: readonly string[]) => [...new Set(values)].sort();

/**
 * One warning for the files of this run that held no record (they are recorded in the ledger with
 * the same warning, and their load dates received nothing from them): easy to miss otherwise,
 * since an empty file fails no check.
 */
function emptyFilesWarning(node: SourceNode, emptyFiles: Map<string, string>): StrataError[] {
  if (emptyFiles.size === 0) return [];
  const shown = [...emptyFiles].slice(0, 5).map(([file, what]) => `${file} (${what})`);
  const more = emptyFiles.size > shown.length ? ` and ${emptyFiles.size - shown.length} more` : '';
  const one = emptyFiles.size === 1;
  return [
    new StrataError(
      'SOURCE_FILE_EMPTY',
      `${one ? '1 file' : `${emptyFiles.size} files`} of ${node.name} held no record: ${shown.join(', ')}${more}`,
      {
        ...(one ? { file: [...emptyFiles.keys()][0] } : {}),
        hint: `${one ? 'It is' : 'They are'} recorded in audit.ingested_files (warning_code SOURCE_FILE_EMPTY) and count no record for ${one ? 'its' : 'their'} load date. If a file should hold records, export it again: the next run loads the changed file.`,
      },
    ),
  ];
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
  return loadedDates(session, d, node.name);
}

async function loadedVersions(session: Session, source: string): Promise<LoadedVersions> {
  const byPath: LoadedVersions = new Map();
  for (const { path, ingestionId } of await ledgerVersions(session, source)) {
    byPath.set(path, [...(byPath.get(path) ?? []), ingestionId]);
  }
  return byPath;
}

/** What loading one file means: its version (ingestion id) and how it compares with what raw holds. */
interface FilePlan {
  file: SourceFile;
  checksum: string;
  size: number;
  id: string;
  state: FileState;
  /** This version is in raw already (a file restored to an earlier version): only recorded again. */
  seenBefore: boolean;
  at: Date;
}

function planFile(
  context: Landing,
  file: SourceFile,
  loaded: LoadedVersions,
  { checksum, size }: FileChecksum,
): FilePlan {
  const id = ingestionId(file.file, checksum);
  const versions = loaded.get(file.file) ?? [];
  const current = versions[0];
  const seenBefore = versions.includes(id);
  const state: FileState =
    current === id ? 'unchanged' : seenBefore ? 'restored' : current ? 'changed' : 'new';
  return { file, checksum, size, id, state, seenBefore, at: context.now() };
}

/** Whether the file's records are to be appended to raw (a new version that is not empty). */
const appends = (plan: FilePlan) => plan.state !== 'unchanged' && !plan.seenBefore && plan.size > 0;

function rawRequest(context: SourceRunContext, plan: FilePlan): RawLoadRequest {
  const { node } = context;
  if (plan.file.format === 'csv') assertFlat(node, plan.file, node.config.contract);
  return {
    target: node.raw,
    path: plan.file.path,
    format: plan.file.format,
    compression: plan.file.compression,
    csv: node.config.csv,
    lineage: {
      ingestionId: plan.id,
      runId: context.runId,
      loadDate: plan.file.loadDate,
      sourceFile: plan.file.file,
      ingestedAt: sqlTimestamp(plan.at),
    },
  };
}

/**
 * Appends the batch's new file versions to raw in one transaction and records every file in
 * audit.ingested_files; the engine reads the files ahead of the transaction where that is cheaper.
 * Any failure rolls the whole batch back (the caller then loads its files one by one).
 */
async function landBatch(context: Landing, plans: FilePlan[]): Promise<Landed[]> {
  const { engine, session } = context;
  const loads = plans.filter(appends);
  const prepared = await engine.prepareRawLoads(
    loads.map((plan) => rawRequest(context, plan)),
    session,
  );
  let results: RawLoadResult[] = [];
  try {
    await session.transaction(async (tx) => {
      results = await prepared.load(tx);
      const rows: IngestedFile[] = [];
      for (const plan of plans) {
        if (plan.state === 'unchanged') continue;
        rows.push(await loadedFile({ ...context, session: tx }, plan, results[loads.indexOf(plan)]));
      }
      // The batch's ledger rows in one statement: a statement per file cost more than small files.
      await recordIngestedFiles(tx, engine.dialect, rows);
    });
  } finally {
    await prepared.dispose();
  }
  return plans.map((plan) => ({ state: plan.state, records: results[loads.indexOf(plan)]?.records ?? 0 }));
}

/**
 * Appends one file's current version to raw unless that version is already there, in its own
 * transaction. A file that cannot be loaded is recorded as failed before the error is thrown.
 */
async function ingestFile(context: Landing, file: SourceFile, loaded: LoadedVersions): Promise<Landed> {
  const { engine, session } = context;
  const plan = planFile(context, file, loaded, await fileChecksum(file.path));
  if (plan.state === 'unchanged') return { state: 'unchanged', records: 0 };
  let records = 0;
  try {
    await session.transaction(async (tx) => {
      const result = appends(plan) ? await engine.loadRaw(rawRequest(context, plan), tx) : undefined;
      records = result?.records ?? 0;
      await recordIngestedFile(
        tx,
        engine.dialect,
        await loadedFile({ ...context, session: tx }, plan, result),
      );
    });
  } catch (error) {
    const failure = toStrataError(error, 'FILE_UNREADABLE');
    await recordIngestedFile(
      session,
      engine.dialect,
      fileRow(context, plan, { status: 'failed', error: failure }),
    );
    throw failure;
  }
  return { state: plan.state, records };
}

/**
 * A loaded file's ledger row, with the schema drift its records show; a file whose layout lacks a
 * required field fails instead (SOURCE_COLUMN_MISSING).
 */
async function loadedFile(
  context: Landing,
  plan: FilePlan,
  result: RawLoadResult | undefined,
): Promise<IngestedFile> {
  const { engine, session, node } = context;
  const { file } = plan;
  const contract = node.config.contract;
  const records = result?.records ?? 0;
  const malformed = result?.malformed ?? 0;
  let shape: FileShape | undefined;
  if (result && records > malformed) {
    shape = compareShape(
      result.keys ?? (await recordKeys(session, engine, node, plan.id, file.loadDate)),
      contract,
      node.config.loadDate && 'fromColumn' in node.config.loadDate ? [node.config.loadDate.fromColumn] : [],
    );
    // A CSV header is the file's layout, so one record tells. In JSON each record carries its
    // own keys: a field absent from a lone record is that record's fault, not the file's.
    const layoutKnown = file.format === 'csv' || records - malformed > 1;
    if (layoutKnown && shape.missingRequired.length > 0)
      throw missingColumnError(node, file, shape.missingRequired);
  }
  const csvHeader = file.format === 'csv' && result?.keys?.length ? result.keys : undefined;
  const headerOnly = csvHeader !== undefined && (node.config.csv?.header ?? true);
  const empty =
    records > 0 ? undefined : plan.size === 0 ? 'empty' : headerOnly ? 'a header and no record' : 'no record';
  if (empty) context.emptyFiles.set(file.file, empty);
  else context.emptyFiles.delete(file.file);
  return fileRow(context, plan, {
    status: 'loaded',
    records,
    malformed,
    shape,
    csvHeader,
    ...(empty ? { warning: emptyFileWarning(file, empty) } : {}),
  });
}

function emptyFileWarning(file: SourceFile, what: string): { code: 'SOURCE_FILE_EMPTY'; message: string } {
  const held = what === 'empty' ? 'is empty (0 bytes)' : `holds ${what}`;
  return { code: 'SOURCE_FILE_EMPTY', message: `${file.file} ${held}: nothing of it was staged` };
}

interface FileRecord {
  status: 'loaded' | 'failed';
  records?: number;
  malformed?: number;
  error?: StrataError;
  /** A loaded file's warning for the ledger. */
  warning?: { code: 'SOURCE_FILE_EMPTY'; message: string };
  shape?: FileShape;
  csvHeader?: string[];
}

/** The file's row of the ledger (audit.ingested_files). */
function fileRow(
  context: SourceRunContext,
  plan: FilePlan,
  { status, records, malformed, error, warning, shape, csvHeader }: FileRecord,
): IngestedFile {
  const { node } = context;
  const missing = shape ? [...shape.missingRequired, ...shape.missingOptional] : [];
  return {
    ingestionId: plan.id,
    runId: context.runId,
    source: node.name,
    path: plan.file.file,
    checksum: plan.checksum,
    sizeBytes: plan.size,
    loadDate: plan.file.loadDate,
    records: status === 'loaded' ? (records ?? 0) : null,
    malformed: status === 'loaded' ? (malformed ?? 0) : null,
    status,
    // An unchanged file is never recorded again (ingestFile returns before).
    change: plan.state as Exclude<FileState, 'unchanged'>,
    ingestedAt: plan.at,
    errorCode: error?.code ?? null,
    errorMessage: error?.message ?? null,
    warningCode: warning?.code ?? null,
    warningMessage: warning?.message ?? null,
    unknownFields: shape?.unknown.length ? shape.unknown.join(', ') : null,
    missingFields: missing.length ? missing.join(', ') : null,
    csvHeader: csvHeader ?? null,
    csv: csvHeader ? (node.config.csv ?? DEFAULT_CSV) : null,
  };
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
function compareShape(keys: string[], contract: Contract, alsoKnown: string[]): FileShape {
  const present = new Set(keys);
  const declared = Object.entries(contract.fields).map(([name, field]) => ({
    key: field.from ?? name,
    required: field.required,
  }));
  const known = new Set([...declared.map((f) => f.key), ...alsoKnown]);
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

/** A file whose every record was quarantined: its records are kept, but the source's task fails. */
function fileRejectedError(node: SourceNode, file: RejectedFile): StrataError {
  const n = (value: number) => value.toLocaleString('en-US');
  const most = file.reasonRecords === file.records ? 'all' : `${n(file.reasonRecords)} of ${n(file.records)}`;
  const example = file.message ? ` (e.g. ${file.message})` : '';
  return new StrataError(
    'SOURCE_FILE_REJECTED',
    `${file.file}: every one of its ${n(file.records)} record${file.records === 1 ? ' was' : 's were'} quarantined, ${most} for ${file.reason}${example}; nothing of it was staged`,
    {
      file: file.file,
      hint:
        `See the records with \`strata quarantine --source ${node.name}\`. If the file is not what ${node.name} delivers ` +
        `(a binary or another export under the same name), replace it; if the contract is wrong, fix sources.${node.name}.contract. ` +
        `Then rerun its date: strata run --from ${file.loadDate} --to ${file.loadDate} --select ${node.name}+`,
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
