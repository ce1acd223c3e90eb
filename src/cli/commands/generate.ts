import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type GenerateProgress, type GenerateResult, generate } from '../../index.ts';
import { type CliContext, type LogFormat, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { type CliIo, writeChunk } from '../io.ts';
import { formatCount, formatDuration } from '../output/format.ts';
import { isInteractive } from '../reporters/create-reporter.ts';
import { toJson } from '../output/json.ts';
import { renderTable } from '../output/table.ts';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, textOrJsonFormat } from '../options.ts';

interface GenerateOptions {
  domain: 'ecommerce' | 'saas' | 'all';
  start: string;
  days: number;
  scale: number;
  seed: number;
  defects: number;
  defectKinds?: string;
  out?: string;
  overwrite?: boolean;
  threads?: number;
  format: 'text' | 'json';
}

export function registerGenerate(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description('Write realistic, deterministic raw exports (e-commerce, SaaS) with injected defects.')
    .addOption(
      new Option('--domain <domain>', 'which business').choices(['ecommerce', 'saas', 'all']).default('all'),
    )
    .option('--start <date>', 'first day, YYYY-MM-DD', '2025-01-01')
    .option('--days <n>', 'number of days (one file per feed per day)', positiveInteger, 30)
    .option('--scale <x>', '1 ≈ 100k customers, 1M orders and 10M events a year', nonNegativeNumber, 0.1)
    .option('--seed <n>', 'the same arguments give byte-identical files', nonNegativeInteger, 42)
    .option(
      '--defects <rate>',
      'defect rate per record (record kinds) and per file (file kinds); 0 = clean',
      nonNegativeNumber,
      0.01,
    )
    .option('--defect-kinds <kinds>', 'only these kinds, comma separated; fatal kinds only when named here')
    .option('--out <dir>', 'output folder (default: data/ in the project)')
    .option('--overwrite', 'replace the files of an earlier run recorded in the folder’s manifest.json')
    .option('--threads <n>', 'worker threads (files are identical whatever the number)', nonNegativeInteger)
    .addOption(textOrJsonFormat())
    .addHelpText(
      'after',
      '\nA manifest.json in the output folder records every file and every defect injected\n(feed, file, position, kind).',
    )
    .action(async (options: GenerateOptions, command: Command) => {
      const { projectDir, logFormat } = globalOptions(command, ctx.io);
      const result = await generate({
        domain: options.domain,
        start: options.start,
        days: options.days,
        scale: options.scale,
        seed: options.seed,
        defects: options.defects,
        defectKinds: options.defectKinds
          ?.split(',')
          .map((k) => k.trim())
          .filter(Boolean),
        out: options.out ? resolve(ctx.io.cwd, options.out) : join(projectDir, 'data'),
        overwrite: options.overwrite ?? false,
        threads: options.threads,
        onProgress: generateProgress(ctx.io, logFormat),
      });
      await writeChunk(ctx.io.stdout, options.format === 'json' ? toJson(result) : summaryText(result));
      ctx.exitCode = EXIT_OK;
    });
}

/**
 * Progress on stderr: one line rewritten in place on a terminal; elsewhere (pipes, files, CI) a
 * line at each tenth of the days and at the last, so a year is a dozen lines, not 365; NDJSON, a
 * line a day, with --log-format json. The count is the records written so far, every feed together.
 */
export function generateProgress(io: CliIo, logFormat: LogFormat): (progress: GenerateProgress) => void {
  if (logFormat === 'json') {
    return (p) => io.stderr.write(`${JSON.stringify({ type: 'generate_progress', ...p })}\n`);
  }
  const line = (p: GenerateProgress) =>
    `generated day ${p.day}/${p.days} (${p.date}): ${formatCount(p.rows)} records so far, all feeds`;
  if (isInteractive(io)) {
    return (p) => io.stderr.write(`\r\x1b[2K${line(p)}${p.day === p.days ? '\n' : ''}`);
  }
  let shownTenth = 0;
  return (p) => {
    const tenth = Math.floor((p.day * 10) / p.days);
    if (tenth === shownTenth && p.day !== p.days) return;
    shownTenth = tenth;
    io.stderr.write(`${line(p)}\n`);
  };
}

function summaryText(result: GenerateResult): string {
  const rows = Object.entries(result.feeds).map(([feed, c]) => [
    feed,
    formatCount(c.files),
    formatCount(c.rows),
    formatCount(c.bytes),
  ]);
  let out = renderTable(
    [
      { header: 'FEED' },
      { header: 'FILES', align: 'right' },
      { header: 'ROWS', align: 'right' },
      { header: 'BYTES', align: 'right' },
    ],
    rows,
  );
  out += `\n${formatCount(result.rows)} rows in ${formatCount(result.files)} files, ${formatCount(result.defects)} defects injected, `;
  out += `${formatDuration(result.durationMs)} (${formatCount(Math.round(result.rowsPerSecond))} rows/s)\n`;
  out += `Manifest: ${result.manifestPath}\n`;
  return out;
}
