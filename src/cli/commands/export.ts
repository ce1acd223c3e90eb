import { extname, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { EXPORT_FORMATS, type ExportFormat, type ExportSummary, exportData } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { formatCount, formatDuration } from '../output/format.ts';
import { toJsonLine } from '../output/json.ts';

interface ExportOptions {
  sql?: string;
  format?: ExportFormat;
  out?: string;
  from?: string;
  to?: string;
  partitionBy?: string;
  overwrite?: boolean;
}

/** The format an --out file's extension names, when --format is not given. */
const EXTENSIONS: Record<string, ExportFormat> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.xlsx': 'xlsx',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('Write a model (or a query) to a CSV, Parquet, XLSX, JSON or NDJSON file, streamed.')
    .argument('[model]', 'the model, seed or source table to export (as ref() names it)')
    .option('--sql <query>', 'export the rows of one read-only SELECT instead of a model')
    .addOption(
      new Option(
        '--format <format>',
        "the file's format (default: from --out's extension, else csv)",
      ).choices(EXPORT_FORMATS),
    )
    .option(
      '--out <path>',
      'the file to write, or with --partition-by the folder (default: <model>.<format>)',
    )
    .option('--from <date>', "first load date to export, YYYY-MM-DD (on the model's load_date_column)")
    .option('--to <date>', 'last load date to export, YYYY-MM-DD')
    .option(
      '--partition-by <column>',
      'Parquet: write a hive-partitioned folder, <out>/<column>=<value>/*.parquet',
    )
    .option('--overwrite', 'replace an existing file, or a folder that is not empty')
    .addHelpText(
      'after',
      `
Examples:
  strata export fact_order_items --format xlsx
  strata export fact_order_items --out items.parquet --from 2025-01-01 --to 2025-01-31
  strata export fact_events --format parquet --partition-by load_date --out lake/events
  strata export --sql "select * from marts.monthly_sales" --out monthly.csv

CSV, Parquet, JSON and NDJSON are written by the engine itself (DuckDB's COPY; PostgreSQL's COPY,
through DuckDB for Parquet and JSON), streamed: a table of any size is exported in constant memory.
CSV has a header row and NULL as an empty field; JSON is one array of objects, NDJSON one object a
line, dates and timestamps as ISO text, decimals as numbers. XLSX is one sheet named after the model
with a header row and typed cells (dates as Excel dates, decimals as numbers); past Excel's
1,048,576 rows it fails before writing anything. The file is written beside --out under a temporary
name and renamed once whole, so an interrupted or failed export leaves nothing at --out; an
existing file is kept unless --overwrite. A partitioned folder reads back with
read_parquet('<out>/**/*.parquet', hive_partitioning = true), which skips the partitions a filter
on the column excludes.`,
    )
    .action(async (model: string | undefined, options: ExportOptions, command: Command) => {
      const { projectDir, logFormat } = globalOptions(command, ctx.io);
      const format =
        options.format ?? (options.out ? EXTENSIONS[extname(options.out).toLowerCase()] : undefined) ?? 'csv';
      const extension = format === 'ndjson' ? 'ndjson' : format;
      const base = model ?? 'export';
      const out = resolve(
        ctx.io.cwd,
        options.out ?? (options.partitionBy !== undefined ? base : `${base}.${extension}`),
      );
      const summary = await exportData({
        projectDir,
        env: ctx.io.env,
        format,
        out,
        ...(model !== undefined ? { model } : {}),
        ...(options.sql !== undefined ? { sql: options.sql } : {}),
        ...(options.from !== undefined ? { from: options.from } : {}),
        ...(options.to !== undefined ? { to: options.to } : {}),
        ...(options.partitionBy !== undefined ? { partitionBy: options.partitionBy } : {}),
        overwrite: options.overwrite === true,
        ...(ctx.io.stop ? { signal: ctx.io.stop } : {}),
      });
      await writeChunk(
        ctx.io.stdout,
        logFormat === 'json' ? toJsonLine({ event: 'export', ...summary }) : summaryLine(summary, ctx.io.cwd),
      );
      ctx.exitCode = EXIT_OK;
    });
}

function summaryLine(summary: ExportSummary, cwd: string): string {
  const where = relative(cwd, summary.path);
  const path = where === '' || where.startsWith('..') ? summary.path : where;
  const files = summary.files === 1 ? '' : `, ${formatCount(summary.files)} files`;
  return `Exported ${formatCount(summary.rows)} rows of ${summary.source} to ${path} (${summary.format}, ${formatBytes(summary.bytes)}${files}) in ${formatDuration(summary.durationMs)}.\n`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
