/**
 * Helpers for the real-data example tests: a plain CSV reader (independent of strata and DuckDB)
 * to compute expected totals, and a way to run an example project in place with its warehouse
 * redirected: to a temp folder through STRATA_EXAMPLE_WAREHOUSE on DuckDB, to a fresh database on
 * PostgreSQL. Without the datasets (../shared/realdata) the tests report as skipped, saying why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { withProject } from '../../src/api/open-project.ts';
import { type RunResponse, run } from '../../src/api/run.ts';
import type { Row } from '../../src/engine/types.ts';
import { testEnvironment } from '../helpers/project.ts';

/** The real datasets, checked out beside the repository. */
export const REALDATA = fileURLToPath(new URL('../../../shared/realdata/', import.meta.url));

/** Whether the real datasets are checked out: the tests need them and skip without them. */
export const REALDATA_PRESENT = existsSync(REALDATA);

/**
 * A describe block that runs when the real datasets are there, and otherwise reports as skipped
 * with the reason in its name (and a note on the console).
 */
export function describeRealdata(title: string, fn: () => void): void {
  if (!REALDATA_PRESENT) {
    console.warn(
      `Skipping "${title}": the real datasets are not at ${REALDATA} (check out shared/ beside the repository).`,
    );
  }
  const name = REALDATA_PRESENT ? title : `${title} (skipped: no real datasets at ${REALDATA})`;
  describe.skipIf(!REALDATA_PRESENT)(name, fn);
}

export function exampleDir(name: string): string {
  return fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));
}

// ---------------------------------------------------------------------------------------------
// A plain CSV reader: RFC 4180 quoting ("" inside quotes), LF or CRLF line ends.

export interface CsvFile {
  header: string[];
  /** Well-formed records: as many fields as the header. */
  records: Record<string, string>[];
  /** 1-based file lines of the records whose field count differs from the header's. */
  malformedLines: number[];
}

export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += char;
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/**
 * A CSV file read with the plain reader. A dataset file read while the datasets are absent reads as
 * empty, so a test file still loads and reports its (skipped) tests.
 */
export function readCsv(path: string): CsvFile {
  if (!REALDATA_PRESENT && path.startsWith(REALDATA)) return { header: [], records: [], malformedLines: [] };
  const [head, ...rest] = parseCsv(readFileSync(path, 'utf8'));
  if (!head) throw new Error(`${path} is empty`);
  const header = head.fields;
  const records: Record<string, string>[] = [];
  const malformedLines: number[] = [];
  for (const row of rest) {
    if (row.fields.length !== header.length) {
      malformedLines.push(row.line);
      continue;
    }
    records.push(Object.fromEntries(header.map((name, i) => [name, row.fields[i] as string])));
  }
  return { header, records, malformedLines };
}

/** A decimal string as an exact integer of 10^-scale units: ("14.5", 2) → 1450, ("-1", 2) → -100. */
export function units(text: string, scale: number): number {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a decimal`);
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > scale) throw new Error(`"${text}" has more than ${scale} decimals`);
  const value = Number(`${whole || '0'}${fraction.padEnd(scale, '0')}`);
  return sign === '-' ? -value : value;
}

/** Adds `amount` to `key` in a map of totals. */
export function add<K>(totals: Map<K, number>, key: K, amount: number): void {
  totals.set(key, (totals.get(key) ?? 0) + amount);
}

// ---------------------------------------------------------------------------------------------
// Running an example in place, its warehouse in a temp folder.

export interface ExampleRun {
  projectDir: string;
  warehouse: string;
  /** The environment a run or command of the example sees: on PostgreSQL it selects the example's database. */
  env: NodeJS.ProcessEnv;
  query(sql: string): Promise<Row[]>;
  dispose(): Promise<void>;
}

/**
 * Points the example's `engine.path` (read from STRATA_EXAMPLE_WAREHOUSE by its config) at a
 * fresh temp file, or on PostgreSQL the example at a fresh database. Each vitest file runs in its
 * own process, so the variable stays per file.
 */
export async function useExample(name: string): Promise<ExampleRun> {
  if (!existsSync(REALDATA)) {
    throw new Error(`The real datasets are not at ${REALDATA}: check out shared/ beside the repository`);
  }
  const dir = await mkdtemp(join(tmpdir(), `strata-realdata-${name}-`));
  const warehouse = join(dir, 'warehouse.duckdb');
  process.env.STRATA_EXAMPLE_WAREHOUSE = warehouse;
  const projectDir = exampleDir(name);
  const database = await testEnvironment();
  const env = { ...database.env, STRATA_EXAMPLE_WAREHOUSE: warehouse };
  return {
    projectDir,
    warehouse,
    env,
    query: (sql) =>
      withProject({ projectDir, env }, async (_project, engine) => (await engine.query(sql)).rows),
    dispose: async () => {
      delete process.env.STRATA_EXAMPLE_WAREHOUSE;
      await rm(dir, { recursive: true, force: true });
      await database.dispose();
    },
  };
}

export async function runExample(example: ExampleRun): Promise<RunResponse> {
  return run({ projectDir: example.projectDir, env: example.env });
}

// ---------------------------------------------------------------------------------------------
// Assertions every example shares.

const REASONS = [
  'malformed_record',
  'missing_required',
  'invalid_type',
  'out_of_range',
  'decimal_out_of_scale',
  'decimal_out_of_range',
  'pattern_mismatch',
  'unknown_enum',
];

export interface SourceLoad {
  source: string;
  load_date: string;
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
}

/**
 * For every source and load date: received = staged + quarantined + duplicates, and each term
 * agrees with the tables themselves (raw rows, staged rows, distinct quarantined records).
 * Returns the loads by source.
 */
export async function expectReconciled(
  example: ExampleRun,
  sources: string[],
): Promise<Record<string, SourceLoad>> {
  const loads = (await example.query(
    `SELECT source, CAST(load_date AS VARCHAR) AS load_date, received, staged, quarantined, duplicates, reconciled
     FROM audit.source_loads ORDER BY source, load_date`,
  )) as unknown as (SourceLoad & { reconciled: boolean })[];
  expect(loads.map((l) => l.source).sort()).toEqual([...sources].sort());
  const bySource: Record<string, SourceLoad> = {};
  for (const load of loads) {
    const where = `WHERE load_date = CAST('${load.load_date}' AS DATE)`;
    const [counts] = await example.query(
      `SELECT
         (SELECT count(*) FROM raw.${load.source} ${where}) AS raw_rows,
         (SELECT count(*) FROM staging.${load.source} ${where}) AS staged_rows,
         (SELECT count(DISTINCT coalesce(CAST(record_position AS VARCHAR), 'line ' || CAST(source_line AS VARCHAR)))
            FROM audit.bad_records ${where} AND source = '${load.source}') AS quarantined_records`,
    );
    expect({ source: load.source, ...counts }).toEqual({
      source: load.source,
      raw_rows: load.received,
      staged_rows: load.staged,
      quarantined_records: load.quarantined,
    });
    expect(load.received, `${load.source} ${load.load_date}`).toBe(
      load.staged + load.quarantined + load.duplicates,
    );
    expect(load.reconciled).toBe(true);
    bySource[load.source] = load;
  }
  return bySource;
}

/** Every quarantined record has a known reason, a message, the field at fault and the record as received. */
export async function expectQuarantineExplained(example: ExampleRun): Promise<void> {
  const unexplained = await example.query(
    `SELECT source, source_file, record_position, source_line, field, reason_code, message FROM audit.bad_records
     WHERE reason_code IS NULL OR reason_code NOT IN (${REASONS.map((r) => `'${r}'`).join(', ')})
        OR message IS NULL OR message = '' OR field IS NULL OR raw_record IS NULL OR raw_record = ''
        OR (record_position IS NULL AND source_line IS NULL)`,
  );
  expect(unexplained).toEqual([]);
}
