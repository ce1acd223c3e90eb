import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type DocsResult, writeDocs } from '../../api/docs.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { writeChunk } from '../io.ts';
import { textOrJsonFormat } from '../options.ts';
import { toJson } from '../output/json.ts';
import { shellQuote } from '../output/shell.ts';
import { shownPath } from './init.ts';

interface DocsOptions {
  out?: string;
  format: 'text' | 'json';
}

export function registerDocs(program: Command, ctx: CliContext): void {
  program
    .command('docs')
    .description(
      'Write the documentation site: sources, seeds, models, checks with their latest results, pages, lineage.',
    )
    .option('--out <dir>', 'the folder to write the site to (default: <project>/target/docs)')
    .addOption(textOrJsonFormat())
    .action(async (options: DocsOptions, command: Command) => {
      ctx.exitCode = await docs(options, command, ctx);
    });
}

async function docs(options: DocsOptions, command: Command, { io }: CliContext): Promise<number> {
  const { projectDir } = globalOptions(command, io);
  // Relative to the shell's folder (a command carried out by `strata serve` gets the client's).
  const out = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  const result = await writeDocs({ projectDir, env: io.env, ...(out ? { out } : {}) });
  await writeChunk(io.stdout, options.format === 'json' ? toJson(result) : docsText(result, io.cwd));
  return result.exitCode;
}

function docsText(result: DocsResult, cwd: string): string {
  const { coverage } = result;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    `Wrote the documentation site of ${result.project} to ${shownPath(cwd, result.out)} (${plural(result.files, 'file')}).`,
    `  ${plural(result.sources, 'source')}, ${plural(result.seeds, 'seed')}, ${plural(result.models, 'model')}, ${plural(result.checks, 'check')}, ${plural(result.pages, 'page')}`,
    `  ${coverage.percent}% of columns described (${coverage.described} of ${coverage.columns}); ${coverage.modelsDescribed} of ${plural(coverage.models, 'model')} described`,
    '',
    `Open it: open ${shellQuote(shownPath(cwd, result.index))}`,
    '',
  ].join('\n');
}
