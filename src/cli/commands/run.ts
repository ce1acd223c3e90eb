import type { Command } from 'commander';
import { type RunEvent, type RunSummary, run, serializeError } from '../../index.ts';
import { type CliContext, type LogFormat, globalOptions } from '../context.ts';
import { type CliIo, writeChunk } from '../io.ts';
import { toJson } from '../output/json.ts';
import { formatRunSummary } from '../output/run-summary.ts';
import { shellQuote } from '../output/shell.ts';
import { positiveInteger, textOrJsonFormat } from '../options.ts';
import { createReporter } from '../reporters/create-reporter.ts';

interface RunOptions {
  date?: string;
  from?: string;
  to?: string;
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  strict?: boolean;
  resume?: string;
  concurrency?: number;
  format: 'text' | 'json';
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run the pipeline once: build the selected models for a window of load dates.')
    .option('--date <date>', 'one load date, YYYY-MM-DD')
    .option('--from <date>', 'first load date of a range, YYYY-MM-DD')
    .option('--to <date>', 'last load date of a range, YYYY-MM-DD')
    .option(
      '--select <models...>',
      'run only these: name, +name (and upstream), name+ (and downstream); space or comma separated',
    )
    .option('--exclude <models...>', 'leave these out of the selection, in the same syntax as --select')
    .option('--full-refresh', 'rebuild incremental and snapshot models from scratch')
    .option(
      '--strict',
      "fail a source that has no file in the run's dates, or whose pattern matches no file (default: a warning)",
    )
    .option('--resume <run-id>', 'rerun only what failed or was skipped in that run')
    .option('--concurrency <n>', 'tasks run at once (default: from the config)', positiveInteger)
    .addOption(textOrJsonFormat())
    .addHelpText(
      'after',
      '\nProgress goes to stderr, the summary to stdout. Exit code 0 only when every task succeeded;\n' +
        '130 when interrupted (Ctrl-C or SIGTERM: the current tasks are cancelled and rolled back, the\n' +
        'run is recorded as interrupted, and `run --resume RUN_ID` runs the rest).',
    )
    .action(async (options: RunOptions, command: Command) => {
      ctx.exitCode = await runPipeline(options, command, ctx);
    });
}

async function runPipeline(options: RunOptions, command: Command, { io }: CliContext): Promise<number> {
  const { projectDir, logFormat } = globalOptions(command, io);
  const { summary, exitCode } = await withRunReporter(io, logFormat, (onEvent) =>
    run({
      projectDir,
      env: io.env,
      date: options.date,
      from: options.from,
      to: options.to,
      select: options.select,
      exclude: options.exclude,
      fullRefresh: options.fullRefresh ?? false,
      strict: options.strict ?? false,
      resume: options.resume,
      concurrency: options.concurrency,
      trigger: 'cli',
      command: 'run',
      onEvent,
      // Ctrl-C or SIGTERM: the run is interrupted and recorded so (cli/main.ts).
      ...(io.stop ? { signal: io.stop } : {}),
    }),
  );
  const output =
    options.format === 'json'
      ? toJson(summaryJson(summary))
      : formatRunSummary(summary, { projectArg: projectArgument(command), command: io.command });
  await writeChunk(io.stdout, output);
  return exitCode;
}

/**
 * Runs fn with a listener that shows the run's progress on stderr (live, plain lines or NDJSON, see
 * createReporter), and leaves the terminal clean however fn ends. `strata run` and `strata demo`.
 */
export async function withRunReporter<T>(
  io: CliIo,
  logFormat: LogFormat,
  fn: (onEvent: (event: RunEvent) => void) => Promise<T>,
): Promise<T> {
  const reporter = createReporter(io, logFormat);
  try {
    return await fn((event) => reporter.onEvent(event));
  } finally {
    reporter.close();
  }
}

/** The RunSummary as JSON: dates as ISO strings, errors serialised. */
export function summaryJson(summary: RunSummary): unknown {
  return {
    ...summary,
    startedAt: summary.startedAt.toISOString(),
    finishedAt: summary.finishedAt.toISOString(),
    tasks: summary.tasks.map(({ rows, ...task }) => ({
      ...task,
      // A task's warnings are the summary's `warnings`, with their source.
      rows: rows ? { ...rows, warnings: undefined } : undefined,
      error: task.error ? serializeError(task.error) : undefined,
    })),
  };
}

/** " --project X" when the user gave one, so suggested follow-up commands work as printed. */
export function projectArgument(command: Command): string {
  const project = command.optsWithGlobals<{ project?: string }>().project;
  return project === undefined ? '' : ` --project ${shellQuote(project)}`;
}
