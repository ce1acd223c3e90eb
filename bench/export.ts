/**
 * `strata export` against DuckDB's own writer: `npx tsx bench/export.ts [--rows 1000000]
 * [--small 100000] [--formats csv,parquet,ndjson,json,xlsx] [--runs 1] [--memory-limit 256MB]
 * [--out bench-results]`.
 * Run `npm run build:js` first: the exports run `bin/strata.js`, which runs dist/.
 *
 * A project in a temporary folder builds two tables shaped like the e-commerce pack's
 * fact_order_items (23 columns: keys, md5 surrogate keys, dates, a timestamp, decimals, booleans,
 * texts) with generate_series: `--rows` rows and `--small` rows. Then, each in a process of its own
 * (bench/measure.ts: wall time and peak RSS of the process tree, DuckDB's memory included):
 * `strata export <table> --format F` of each table and format, and the reference, DuckDB's
 * `COPY (SELECT * FROM table) TO file (FORMAT F)` on the same warehouse file
 * (bench/export-reference.ts; XLSX has none). The ratio is the reference's COPY time over strata's
 * export time as it reports it (`durationMs`: the project loaded, the warehouse opened, the file
 * written and renamed), the target ≥ 0.8× for CSV and Parquet; the process times (node and
 * DuckDB starting, for strata also its config compiled) are shown beside. Peak RSS at `--small`
 * and at `--rows` shows whether memory stays flat. Writes `<out>/export.md` and prints it.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { measureProcess } from './measure.ts';
import { formatBytes } from './report.ts';
import { summarize } from './stats.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '100000' },
    formats: { type: 'string', default: 'csv,parquet,ndjson,json,xlsx' },
    runs: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-results' },
    'memory-limit': { type: 'string' },
  },
});
const ROWS = Number(values.rows);
const SMALL = Number(values.small);
const FORMATS = String(values.formats).split(',');
const RUNS = Number(values.runs);
const BIN = fileURLToPath(new URL('../bin/strata.js', import.meta.url));
const REFERENCE = fileURLToPath(new URL('./export-reference.ts', import.meta.url));
const TIMEOUT_MS = 60 * 60 * 1000;
/** DuckDB's memory_limit for strata's warehouse (engine.memoryLimit) and the reference alike. */
const MEMORY_LIMIT = values['memory-limit'];

/** fact_order_items' columns, from generate_series (the same SQL on DuckDB and PostgreSQL). */
function factSql(rows: number): string {
  return `/*---
materialized: table
load_date_column: load_date
---*/
select
  cast(g.i / 3 + 1 as bigint) as order_id,
  cast(g.i % 3 + 1 as integer) as line_number,
  md5('c' || cast(g.i % 50000 as varchar)) as customer_sk,
  md5('p' || cast(g.i % 2000 as varchar)) as product_sk,
  cast(g.i % 2000 + 1 as bigint) as product_id,
  g.i % 97 <> 0 as product_found,
  cast(strftime(cast(timestamp '2025-01-01' + g.i * interval '30 second' as date), '%Y%m%d') as integer) as date_key,
  cast(timestamp '2025-01-01' + g.i * interval '30 second' as date) as order_date,
  timestamp '2025-01-01' + g.i * interval '30 second' as placed_at,
  case g.i % 3 when 0 then 'web' when 1 then 'app' else 'store' end as channel,
  case g.i % 4 when 0 then 'card' when 1 then 'paypal' when 2 then 'cash' else 'gift card, "promo"' end as payment_method,
  case g.i % 5 when 0 then 'EMEA' when 1 then 'NA' when 2 then 'LATAM' when 3 then 'APAC' else 'Zürich' end as region,
  case when g.i % 11 = 0 then 'returned' else 'delivered' end as status,
  g.i % 11 <> 0 as counts_as_sale,
  cast(g.i % 5 + 1 as integer) as quantity,
  cast((g.i % 10000) / 100.0 + 1 as decimal(12,2)) as unit_price,
  cast((g.i % 10000) / 100.0 + 2 as decimal(12,2)) as list_price,
  cast((g.i % 10000) / 200.0 as decimal(12,2)) as unit_cost,
  cast(((g.i % 10000) / 100.0 + 1) * (g.i % 5 + 1) as decimal(12,2)) as gross_revenue,
  cast((g.i % 7) / 10.0 as decimal(12,2)) as discount_amount,
  cast(((g.i % 10000) / 100.0 + 1) * (g.i % 5 + 1) - (g.i % 7) / 10.0 as decimal(12,2)) as net_revenue,
  case when g.i % 13 = 0 then null else cast((g.i % 10000) / 200.0 * (g.i % 5 + 1) as decimal(12,2)) end as cost_amount,
  cast(timestamp '2025-01-01' + g.i * interval '30 second' as date) as load_date
from generate_series(0, ${rows - 1}) as g(i)
`;
}

interface Sample {
  processMs: number;
  /** The export's own time: strata's durationMs, the reference's COPY. */
  ms: number;
  peakRssBytes: number;
  bytes: number;
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-export-'));
  const project = join(dir, 'project');
  try {
    await writeProject(project);
    log(
      `building fact_order_items (${ROWS.toLocaleString('en-US')} rows) and fact_order_items_small (${SMALL.toLocaleString('en-US')})`,
    );
    const env = { ...process.env, CI: 'true', NO_COLOR: '1', STRATA_DATABASE_URL: '' };
    const built = await measureProcess({
      command: process.execPath,
      args: [BIN, 'run', '--project', project],
      env,
      timeoutMs: TIMEOUT_MS,
    });
    if (built.result.code !== 0) throw new Error(`strata run failed:\n${built.result.stderr}`);
    const warehouse = join(project, 'warehouse.duckdb');
    const results: { format: string; table: string; rows: number; strata: Sample[]; reference: Sample[] }[] =
      [];
    for (const [table, rows] of [
      ['fact_order_items_small', SMALL],
      ['fact_order_items', ROWS],
    ] as const) {
      for (const format of FORMATS) {
        const entry = { format, table, rows, strata: [] as Sample[], reference: [] as Sample[] };
        for (let run = 0; run < RUNS; run++) {
          const out = join(dir, `${table}.${format}`);
          if (!(format === 'xlsx' && rows + 1 > 1_048_576)) {
            const measured = await measureProcess({
              command: process.execPath,
              args: [
                BIN,
                'export',
                table,
                '--format',
                format,
                '--out',
                out,
                '--overwrite',
                '--project',
                project,
                '--log-format',
                'json',
              ],
              env,
              timeoutMs: TIMEOUT_MS,
            });
            if (measured.result.code !== 0)
              throw new Error(`strata export ${table} ${format} failed:\n${measured.result.stderr}`);
            const summary = JSON.parse(measured.result.stdout.trim().split('\n').pop() ?? '{}') as {
              durationMs: number;
              bytes: number;
            };
            entry.strata.push({
              processMs: measured.processMs,
              ms: summary.durationMs,
              peakRssBytes: measured.peakRssBytes,
              bytes: summary.bytes,
            });
            log(
              `strata export ${table} ${format}: ${(summary.durationMs / 1000).toFixed(2)} s (process ${(measured.processMs / 1000).toFixed(2)} s), peak ${formatBytes(measured.peakRssBytes)}`,
            );
            await rm(out, { force: true });
          }
          if (format === 'xlsx') continue;
          const reference = await measureProcess({
            command: process.execPath,
            args: [
              '--import',
              'tsx',
              REFERENCE,
              warehouse,
              `warehouse.${table}`,
              format,
              out,
              ...(MEMORY_LIMIT ? [MEMORY_LIMIT] : []),
            ],
            env,
            timeoutMs: TIMEOUT_MS,
          });
          if (reference.result.code !== 0)
            throw new Error(`reference ${table} ${format} failed:\n${reference.result.stderr}`);
          const copy = JSON.parse(reference.result.stdout.trim()) as { ms: number };
          entry.reference.push({
            processMs: reference.processMs,
            ms: copy.ms,
            peakRssBytes: reference.peakRssBytes,
            bytes: (await stat(out)).size,
          });
          log(
            `DuckDB COPY ${table} ${format}: ${(copy.ms / 1000).toFixed(2)} s (process ${(reference.processMs / 1000).toFixed(2)} s), peak ${formatBytes(reference.peakRssBytes)}`,
          );
          await rm(out, { force: true });
        }
        results.push(entry);
      }
    }
    const report = render(results);
    await writeFile(resolve(String(values.out), 'export.md'), report).catch(async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(resolve(String(values.out)), { recursive: true });
      await writeFile(resolve(String(values.out), 'export.md'), report);
    });
    process.stdout.write(report);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeProject(project: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(project, 'models', 'warehouse'), { recursive: true });
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'bench-export', private: true, type: 'module' }),
  );
  await writeFile(
    join(project, 'strata.config.ts'),
    `import { defineConfig } from 'strata';\nexport default defineConfig({ engine: ${JSON.stringify({ type: 'duckdb', path: 'warehouse.duckdb', ...(MEMORY_LIMIT ? { memoryLimit: MEMORY_LIMIT } : {}) })} });\n`,
  );
  await writeFile(join(project, 'models', 'warehouse', 'fact_order_items.sql'), factSql(ROWS));
  await writeFile(join(project, 'models', 'warehouse', 'fact_order_items_small.sql'), factSql(SMALL));
}

function seconds(samples: readonly Sample[], pick: (s: Sample) => number): string {
  if (samples.length === 0) return '—';
  const s = summarize(samples.map(pick));
  return `${(s.median / 1000).toFixed(2)} s`;
}

function render(
  results: { format: string; table: string; rows: number; strata: Sample[]; reference: Sample[] }[],
): string {
  const lines = [
    `# strata export against DuckDB's COPY`,
    '',
    `${cpus().length} cores, 1-minute load ${loadavg()[0]?.toFixed(1)} at the end; median of ${RUNS} run(s); each export a process of its own; DuckDB memory_limit ${MEMORY_LIMIT ?? 'default (80% of RAM)'}.`,
    '',
    '| format | rows | strata export | its process | peak RSS | file | DuckDB COPY | its process | peak RSS | ratio (COPY / strata) |',
    '| ------ | ---: | ------------: | ----------: | -------: | ---: | ----------: | ----------: | -------: | --------------------: |',
  ];
  for (const r of results) {
    const strataMs = r.strata.length ? summarize(r.strata.map((s) => s.ms)).median : undefined;
    const copyMs = r.reference.length ? summarize(r.reference.map((s) => s.ms)).median : undefined;
    const ratio = strataMs !== undefined && copyMs !== undefined ? `${(copyMs / strataMs).toFixed(2)}×` : '—';
    const peak = (samples: Sample[]) =>
      samples.length ? formatBytes(Math.max(...samples.map((s) => s.peakRssBytes))) : '—';
    const bytes = r.strata[0]?.bytes;
    const skipped = r.strata.length === 0 ? ' (over the sheet limit)' : '';
    lines.push(
      `| ${r.format}${skipped} | ${r.rows.toLocaleString('en-US')} | ${seconds(r.strata, (s) => s.ms)} | ${seconds(r.strata, (s) => s.processMs)} | ${peak(r.strata)} | ${bytes !== undefined ? formatBytes(bytes) : '—'} | ${seconds(r.reference, (s) => s.ms)} | ${seconds(r.reference, (s) => s.processMs)} | ${peak(r.reference)} | ${ratio} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

await main();
