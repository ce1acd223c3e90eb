import { textOrJsonFormat } from '../options.ts';
import type { Command } from 'commander';
import { GRANT_PASSWORD_ENV, type GrantResult, grant } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { toJson } from '../output/json.ts';

interface GrantOptions {
  role: string;
  format: 'text' | 'json';
}

export function registerGrant(program: Command, ctx: CliContext): void {
  program
    .command('grant')
    .description(
      `(PostgreSQL) A read-only role for BI tools: reads marts and views of them in public, writes nothing. LOGIN with the password in ${GRANT_PASSWORD_ENV} when set, else NOLOGIN.`,
    )
    .requiredOption('--role <name>', 'the role to create (if missing) and grant')
    .addOption(textOrJsonFormat('output format'))
    .action(async (options: GrantOptions, command: Command) => {
      ctx.exitCode = await runGrant(options, command, ctx);
    });
}

async function runGrant(options: GrantOptions, command: Command, { io }: CliContext): Promise<number> {
  const { projectDir } = globalOptions(command, io);
  const result = await grant({ projectDir, env: io.env, role: options.role });
  await writeChunk(io.stdout, options.format === 'json' ? toJson(result) : grantText(result));
  return EXIT_OK;
}

function grantText(result: GrantResult): string {
  const login = result.passwordSet
    ? `LOGIN, password from ${GRANT_PASSWORD_ENV}`
    : 'NOLOGIN unless it had LOGIN';
  let out = `Role ${result.role} ${result.created ? 'created' : 'already existed'} (${login}) on ${result.engine}\n`;
  out += `SELECT on every table and view of ${result.schema}, now and later\n`;
  out += `${result.views.length} view${result.views.length === 1 ? '' : 's'} in public: ${
    result.views.map((v) => v.name.replace(/^public\./, '')).join(', ') || 'none (no marts built yet)'
  }\n`;
  for (const name of result.conflicts) out += `warning: ${name} is a table, so no view was made for it\n`;
  for (const what of result.writable)
    out += `warning: ${result.role} can still ${what} (not granted by strata)\n`;
  return out;
}
