import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import type { CliIo } from './io.ts';
import { buildProgram } from './program.ts';
import { reportError } from './report-error.ts';

/** Parses argv (without node and script), runs the command, and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, { io, json: wantsJson(argv), command: commandName(program, argv) });
  }
}

/** --log-format json, read from argv directly: a usage error can come before parsing reaches it. */
function wantsJson(argv: readonly string[]): boolean {
  const i = argv.lastIndexOf('--log-format');
  if (i >= 0 && argv[i + 1] === 'json') return true;
  return argv.includes('--log-format=json');
}

function commandName(program: Command, argv: readonly string[]): string | undefined {
  const names = new Set(program.commands.map((c) => c.name()));
  return argv.find((arg) => names.has(arg));
}
