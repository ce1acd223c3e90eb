import type { Command } from 'commander';
import { check } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { writeChunk } from '../io.ts';
import { checkCounts, formatCheckResults } from '../output/check-results.ts';
import { formatDuration } from '../output/format.ts';
import { toJson } from '../output/json.ts';
import { positiveInteger, textOrJsonFormat } from '../options.ts';
import { projectArgument, summaryJson, withRunReporter } from './run.ts';

interface CheckOptions {
  date?: string;
  from?: string;
  to?: string;
  select?: string[];
  concurrency?: number;
  format: 'text' | 'json';
}

export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('Run the quality checks alone, against the warehouse as it is (nothing is built).')
    .option('--date <date>', 'check partitioned tables on this load date, YYYY-MM-DD')
    .option('--from <date>', 'first load date to check')
    .option('--to <date>', 'last load date to check')
    .option(
      '--select <models...>',
      'check only these: name, +name (and upstream), name+ (and downstream); space or comma separated',
    )
    .option('--concurrency <n>', 'gates run at once (default: from the config)', positiveInteger)
    .addOption(textOrJsonFormat('format of the results on stdout'))
    .addHelpText(
      'after',
      '\nWithout dates, whole tables are checked. Results are kept in audit.dq_results.\nExit code 0 unless a check of severity error failed or could not run.',
    )
    .action(async (options: CheckOptions, command: Command) => {
      const { projectDir, logFormat } = globalOptions(command, ctx.io);
      const { summary, exitCode } = await withRunReporter(ctx.io, logFormat, (onEvent) =>
        check({
          projectDir,
          env: ctx.io.env,
          date: options.date,
          from: options.from,
          to: options.to,
          select: options.select,
          concurrency: options.concurrency,
          trigger: 'cli',
          onEvent,
        }),
      );
      const text =
        formatCheckResults(summary.checks) +
        `\n${checkCounts(summary.checks)} in ${formatDuration(summary.durationMs)} (run ${summary.runId}).\n` +
        (exitCode === 0 ? '' : `Details: strata runs --run ${summary.runId}${projectArgument(command)}\n`);
      await writeChunk(ctx.io.stdout, options.format === 'json' ? toJson(summaryJson(summary)) : text);
      ctx.exitCode = exitCode;
    });
}
