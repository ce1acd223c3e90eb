import { CommanderError } from 'commander';
import { StrataError } from '../index.ts';
import { EXIT_OK, exitCodeFor } from './exit-codes.ts';
import { asTyped } from './invocation.ts';
import type { CliIo } from './io.ts';
import { formatError, formatErrorJson } from './output/error.ts';

/** Commander codes after which commander has already printed all there is to say. */
const ALREADY_SHOWN = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

/**
 * The one error handler of the CLI: prints any error that reaches the top on stderr (as text, or
 * as one JSON line with --log-format json) and returns the exit code for it.
 */
export function reportError(
  error: unknown,
  options: { io: CliIo; json: boolean; command?: string | undefined },
): number {
  const code = exitCodeFor(error);
  if (error instanceof CommanderError) {
    if (ALREADY_SHOWN.has(error.code) || code === EXIT_OK) return code;
    error = usageError(error, options.command);
  }
  options.io.stderr.write(
    options.json ? formatErrorJson(error) : asTyped(formatError(error), options.io.command),
  );
  return code;
}

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as a USAGE diagnostic. */
function usageError(error: CommanderError, command: string | undefined): StrataError {
  const [first = '', ...rest] = error.message.split('\n');
  const message = first.replace(/^error:\s*/, '');
  const suggestion = rest
    .join(' ')
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  const help = `Run \`strata${command ? ` ${command}` : ''} --help\` for the options.`;
  return new StrataError('USAGE', message, { hint: suggestion ? `${suggestion} ${help}` : help });
}
