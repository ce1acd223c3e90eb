import type { Command } from 'commander';
import { type BackfillResponse, backfill } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { writeChunk } from '../io.ts';
import { formatWindow } from '../output/format.ts';
import { toJson } from '../output/json.ts';
import { renderTable } from '../output/table.ts';
import { positiveInteger, textOrJsonFormat } from '../options.ts';
import { BackfillReporter } from '../reporters/backfill-reporter.ts';
import { projectArgument, summaryJson } from './run.ts';

interface BackfillCliOptions {
  from?: string;
  to?: string;
  chunk?: number;
  concurrency?: number;
  select?: string[];
  resume?: string | boolean;
  format: 'text' | 'json';
}

export function registerBackfill(program: Command, ctx: CliContext): void {
  program
    .command('backfill')
    .description('Run a range of load dates in chunks, in date order; resumable after a failure or Ctrl-C.')
    .option('--from <date>', 'first load date, YYYY-MM-DD')
    .option('--to <date>', 'last load date, YYYY-MM-DD')
    .option('--chunk <days>', 'consecutive dates per run (default 1)', positiveInteger)
    .option(
      '--concurrency <n>',
      "tasks at once within each chunk's run (chunks run one after another)",
      positiveInteger,
    )
    .option('--select <models...>', 'run only these (as `strata run --select`)')
    .option('--resume [backfill-id]', 'continue the newest unfinished backfill, or the one given')
    .addOption(textOrJsonFormat())
    .addHelpText(
      'after',
      `
Each chunk is one run (trigger backfill:<id>) of its dates; chunks run one at a time in date
order, since a warehouse takes one writer and each chunk builds on the dates before it. A chunk
that fails stops the backfill. Ctrl-C or SIGTERM interrupts the current chunk's run (its running
tasks are rolled back) and records the backfill as interrupted. --resume continues from the first
chunk that did not succeed. Exit code 0 only when every chunk succeeded; 130 when interrupted.`,
    )
    .action(async (options: BackfillCliOptions, command: Command) => {
      ctx.exitCode = await runBackfill(options, command, ctx);
    });
}

async function runBackfill(
  options: BackfillCliOptions,
  command: Command,
  { io }: CliContext,
): Promise<number> {
  const { projectDir, logFormat } = globalOptions(command, io);
  const reporter = new BackfillReporter(io, logFormat);
  let response: BackfillResponse;
  try {
    response = await backfill({
      projectDir,
      env: io.env,
      from: options.from,
      to: options.to,
      chunkDays: options.chunk,
      concurrency: options.concurrency,
      select: options.select,
      resume: options.resume,
      ...(io.stop ? { signal: io.stop } : {}),
      onEvent: (event) => reporter.onEvent(event),
    });
  } finally {
    reporter.close();
  }
  const resume = `${io.command} backfill --resume ${response.backfill.backfillId}${projectArgument(command)}`;
  if (options.format === 'json') {
    await writeChunk(
      io.stdout,
      toJson({
        ...response,
        ...(response.exitCode === 0 ? {} : { resumeCommand: resume }),
        runs: response.runs.map(summaryJson),
      }),
    );
  } else {
    await writeChunk(io.stdout, formatBackfill(response, resume, io.command + projectArgument(command)));
  }
  return response.exitCode;
}

/** The chunks as a table, the outcome, and how to go on when it did not succeed. */
export function formatBackfill(
  { backfill }: BackfillResponse,
  resumeCommand: string,
  strataCommand = 'strata',
): string {
  const rows = backfill.chunks.map((c) => [
    String(c.chunk),
    formatWindow(c.from, c.to),
    c.status,
    c.runId ?? '–',
  ]);
  let out = renderTable(
    [{ header: 'CHUNK', align: 'right' }, { header: 'DATES' }, { header: 'STATUS' }, { header: 'RUN' }],
    rows,
  );
  const succeeded = backfill.chunks.filter((c) => c.status === 'success').length;
  out += `\nBackfill ${backfill.backfillId} ${backfill.status}: ${succeeded} of ${backfill.chunks.length} chunks succeeded (${formatWindow(backfill.from, backfill.to)})\n`;
  if (backfill.status !== 'success') {
    if (backfill.error) out += `${backfill.error}\n`;
    const first = backfill.chunks.find((c) => c.status !== 'success');
    const run = first?.runId ? `\nSee what happened: ${strataCommand} runs --run ${first.runId}\n` : '';
    out += `${run}\nContinue from chunk ${first?.chunk ?? '?'} with:\n  ${resumeCommand}\n`;
  }
  return out;
}
