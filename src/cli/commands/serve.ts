import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, SERVE_TOKEN_ENV } from '../../serve/defaults.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { nonNegativeInteger } from '../options.ts';

interface ServeCliOptions {
  port: number;
  host: string;
  schedule?: boolean;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description("Serve the project's dashboards and their JSON API in the browser.")
    .argument('[projects...]', 'more project folders to serve beside --project')
    .option('--port <n>', 'the port (0: any free one)', nonNegativeInteger, DEFAULT_PORT)
    .option(
      '--host <host>',
      'the address to bind; anything but loopback is reachable from other machines',
      DEFAULT_HOST,
    )
    .option('--schedule', "also run the projects' schedules in this process (see strata schedule)")
    .addHelpText(
      'after',
      `
Pages are the projects' dashboards/*.md files (see the README, section Dashboards); GET /api lists
them with their queries. With ${SERVE_TOKEN_ENV} set every request needs the token (open the URL
with ?token=... once, or send Authorization: Bearer ...). GET /healthz (no token) reports the
runs and schedules. Stops on Ctrl-C or SIGTERM (with --schedule, a scheduled run going on is
interrupted).

On DuckDB it owns the warehouse: run, check, query, status, runs and quarantine typed in another
shell are carried out by this server (<project>/.strata/owner.json; see the README, One process
owns the warehouse).`,
    )
    .action(async (projects: string[], options: ServeCliOptions, command: Command) => {
      const { projectDir, logFormat } = globalOptions(command, ctx.io);
      const dirs = [projectDir, ...projects.map((p) => resolve(ctx.io.cwd, p))];
      // The web server's modules load only for the commands that serve.
      const { serveUntilStopped } = await import('../serve-dashboards.ts');
      await serveUntilStopped(
        [...new Set(dirs)],
        { ...options, logFormat, runCommand: ctx.runCommand },
        ctx.io,
      );
      ctx.exitCode = EXIT_OK;
    });
}
