import { Command, Option } from 'commander';
import { STRATA_VERSION } from '../index.ts';
import { registerBackfill } from './commands/backfill.ts';
import { registerCheck } from './commands/check.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDocs } from './commands/docs.ts';
import { registerExport } from './commands/export.ts';
import { registerFixtureApi } from './commands/fixture-api.ts';
import { registerGrant } from './commands/grant.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerInfer } from './commands/infer.ts';
import { registerInit } from './commands/init.ts';
import { registerQuarantine } from './commands/quarantine.ts';
import { registerQuery } from './commands/query.ts';
import { registerRun } from './commands/run.ts';
import { registerRuns } from './commands/runs.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerServe } from './commands/serve.ts';
import { registerStatus } from './commands/status.ts';
import type { CliContext } from './context.ts';

/**
 * The `strata` command line. Parsing never exits the process: commander's own errors, --help and
 * --version surface as CommanderErrors for the single error handler in run-cli.ts, and each
 * command's action stores its exit code in the context.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('strata')
    .description('Raw business exports to a trusted, layered, quality-gated analytics warehouse.')
    .version(STRATA_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for the command')
    .helpCommand('help [command]', 'show help for a command')
    .option('--project <dir>', 'the project folder (default: the current folder)')
    .addOption(
      new Option('--log-format <format>', 'progress and errors on stderr as text or NDJSON')
        .choices(['text', 'json'])
        .default('text'),
    )
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      // Usage errors are printed by the error handler, like every other error.
      outputError: () => undefined,
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Every command takes --project DIR and --log-format, before or after the command name.
The engine comes from strata.config.ts, or STRATA_DATABASE_URL (postgres://... selects PostgreSQL).

Exit codes: 0 success; 1 a run had failed tasks or the command failed; 2 invalid usage;
130 interrupted (Ctrl-C).`,
    );

  // Subcommands made with program.command() inherit the output, help and exitOverride settings.
  registerDemo(program, ctx);
  registerInit(program, ctx);
  registerRun(program, ctx);
  registerBackfill(program, ctx);
  registerCheck(program, ctx);
  registerRuns(program, ctx);
  registerStatus(program, ctx);
  registerQuery(program, ctx);
  registerExport(program, ctx);
  registerQuarantine(program, ctx);
  registerInfer(program, ctx);
  registerServe(program, ctx);
  registerSchedule(program, ctx);
  registerGrant(program, ctx);
  registerGenerate(program, ctx);
  registerFixtureApi(program, ctx);
  registerDocs(program, ctx);
  return program;
}
