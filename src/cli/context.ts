import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from './io.ts';

export type LogFormat = 'text' | 'json';

/** The options every command accepts, before or after the command name. */
export interface GlobalOptions {
  /** The project folder, absolute: --project resolved against the current folder. */
  projectDir: string;
  logFormat: LogFormat;
}

/** Shared by the program and its commands: the IO, and the exit code the action decided on. */
export interface CliContext {
  io: CliIo;
  exitCode: number;
  /** Runs another command line in this process (what `strata serve` does for other shells). */
  runCommand?: (argv: readonly string[], io: CliIo) => Promise<number>;
}

export function globalOptions(command: Command, io: CliIo): GlobalOptions {
  const options = command.optsWithGlobals<{ project?: string; logFormat?: LogFormat }>();
  return {
    projectDir: resolve(io.cwd, options.project ?? '.'),
    logFormat: options.logFormat ?? 'text',
  };
}
