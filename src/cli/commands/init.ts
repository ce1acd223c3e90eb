import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { initProject } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { shellQuote } from '../output/shell.ts';

interface InitOptions {
  template: string;
}

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('Create a new project from a template.')
    .argument('[dir]', 'folder to create the project in (default: --project, else the current folder)')
    .option('--template <name>', 'template to start from', 'starter')
    .action(async (dir: string | undefined, options: InitOptions, command: Command) => {
      ctx.exitCode = await init(dir, options, command, ctx);
    });
}

async function init(
  dir: string | undefined,
  options: InitOptions,
  command: Command,
  { io }: CliContext,
): Promise<number> {
  const globals = globalOptions(command, io);
  const target = dir === undefined ? globals.projectDir : resolve(io.cwd, dir);
  const result = await initProject(target, options.template);
  const shown = shownPath(io.cwd, result.root);
  let text = `Created a strata project in ${result.root} from the "${result.template}" template:\n`;
  text += result.files.map((file) => `  ${file}\n`).join('');
  text += '\nNext, build the warehouse and look at it:\n';
  const project = shown === '.' ? '' : ` --project ${shellQuote(shown)}`;
  text += `  ${io.command} run${project}\n  ${io.command} status${project}\n`;
  io.stdout.write(text);
  return EXIT_OK;
}

/** A path relative to cwd when it lies inside it, else absolute. */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
