import { relative } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_SAMPLE_ROWS, type InferResult, infer } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { formatCount } from '../output/format.ts';
import { toJson, toJsonLine } from '../output/json.ts';
import { positiveInteger, textOrJsonFormat } from '../options.ts';

interface InferOptions {
  source?: string;
  out?: string;
  force?: boolean;
  sample: number;
  format: 'text' | 'json';
}

export function registerInfer(program: Command, ctx: CliContext): void {
  program
    .command('infer')
    .description('Draft a source and its contract from sample files (CSV, JSON, NDJSON, Parquet; gzip too).')
    .argument('<files...>', 'sample files of one source, of one format')
    .option('--source <name>', 'the source’s name (default: from the first file’s name)')
    .option('--out <file>', 'write the draft to this file instead of stdout')
    .option('--force', 'with --out: replace an existing file')
    .option(
      '--sample <n>',
      'records read at most, shared between the files',
      positiveInteger,
      DEFAULT_SAMPLE_ROWS,
    )
    .addOption(textOrJsonFormat('the draft as TypeScript, or everything found as JSON'))
    .addHelpText(
      'after',
      `
The draft is a TypeScript module exporting the source (defineSource): field names in snake_case
with the files' own names as \`from\`, types, date formats, null markers, a candidate key, enums
and required fields, as seen in the sample. What it guessed (a day/month order, a column of
mixed types or empty everywhere, a small sample) is listed on stderr and in the JSON output.
Paths in the draft are relative to the project folder (--project).`,
    )
    .action(async (files: string[], options: InferOptions, command: Command) => {
      const { projectDir, logFormat } = globalOptions(command, ctx.io);
      const result = await infer({
        files,
        cwd: ctx.io.cwd,
        projectDir,
        sampleRows: options.sample,
        ...(options.source !== undefined ? { source: options.source } : {}),
        ...(options.out !== undefined ? { out: options.out, force: options.force ?? false } : {}),
      });
      if (logFormat === 'json') {
        for (const item of result.unsure)
          await writeChunk(ctx.io.stderr, toJsonLine({ event: 'infer_unsure', ...item }));
      } else {
        await writeChunk(ctx.io.stderr, unsureText(result));
      }
      if (options.format === 'json') await writeChunk(ctx.io.stdout, toJson(result));
      else if (result.written) {
        await writeChunk(
          ctx.io.stdout,
          `Wrote the draft of source ${result.source} (${result.fields.length} fields, from ${formatCount(result.sample.records)} records) to ${relative(ctx.io.cwd, result.written) || result.written}.\n`,
        );
      } else await writeChunk(ctx.io.stdout, result.text);
      ctx.exitCode = EXIT_OK;
    });
}

function unsureText(result: InferResult): string {
  if (result.unsure.length === 0) return '';
  const lines = result.unsure.map((item) => `  - ${item.message}\n`);
  return `strata infer: check ${result.unsure.length === 1 ? 'this' : `these ${result.unsure.length}`} in the draft of ${result.source}:\n${lines.join('')}`;
}
