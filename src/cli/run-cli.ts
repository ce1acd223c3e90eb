import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { CarriedOutElsewhere, delegateToOwner } from './delegate.ts';
import type { CliIo } from './io.ts';
import { buildProgram } from './program.ts';
import { reportError } from './report-error.ts';

/** Parses argv (without node and script), runs the command, and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0, runCommand: runCli };
  const program = buildProgram(ctx);
  // Once the command line parses: a process that owns the warehouse may carry it out instead.
  program.hook('preAction', (_program, action) => delegateToOwner(argv, action, ctx));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CarriedOutElsewhere) return ctx.exitCode;
    return reportError(error, { io, json: wantsJson(argv), command: commandName(program, argv) });
  }
}

/** --log-format json, read from argv directly: a usage error can come before parsing reaches it. */
export function wantsJson(argv: readonly string[]): boolean {
  const i = argv.lastIndexOf('--log-format');
  if (i >= 0 && argv[i + 1] === 'json') return true;
  return argv.includes('--log-format=json');
}

/**
 * The command the user typed: the first word that is neither an option nor an option's value
 * (`strata frobnicate --project demo` names no command, although `demo` is one).
 */
export function commandName(program: Command, argv: readonly string[]): string | undefined {
  const takesValue = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    return program.commands.some((c) => c.name() === arg) ? arg : undefined;
  }
  return undefined;
}
