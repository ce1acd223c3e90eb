import { type Command, Option } from 'commander';
import { type QuarantinePage, listQuarantine } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { formatCount } from '../output/format.ts';
import { toJson } from '../output/json.ts';
import { renderTable } from '../output/table.ts';
import { positiveInteger } from '../options.ts';

interface QuarantineOptions {
  source?: string;
  run?: string;
  all?: boolean;
  limit: number;
  format: 'table' | 'json';
}

export function registerQuarantine(program: Command, ctx: CliContext): void {
  program
    .command('quarantine')
    .description('List quarantined records with the reason each was rejected.')
    .option('--source <name>', 'only this source')
    .option('--run <run-id>', 'only what this run found')
    .option('--all', 'include records that a later run let through (resolved)')
    .option('--limit <n>', 'at most this many rows', positiveInteger, 100)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Every rejected record is kept in audit.bad_records with its raw text. To replay records after
fixing a contract or mapping in strata.config.ts, rerun their dates from the raw layer:

  strata run --from 2025-03-01 --to 2025-03-14 --select orders+

Records that pass now are staged and marked resolved; those that still fail stay listed here.`,
    )
    .action(async (options: QuarantineOptions, command: Command) => {
      const { projectDir } = globalOptions(command, ctx.io);
      const page = await listQuarantine({
        projectDir,
        env: ctx.io.env,
        source: options.source,
        run: options.run,
        includeResolved: options.all ?? false,
        limit: options.limit,
      });
      await writeChunk(
        ctx.io.stdout,
        options.format === 'json' ? toJson(page.records) : quarantineText(page, ctx.io.command),
      );
      ctx.exitCode = EXIT_OK;
    });
}

function quarantineText({ records, total }: QuarantinePage, strata: string): string {
  if (records.length === 0) return 'No quarantined records.\n';
  const table = renderTable(
    [
      { header: 'SOURCE' },
      { header: 'DATE' },
      { header: 'FILE' },
      { header: 'RECORD', align: 'right' },
      { header: 'FIELD' },
      { header: 'REASON' },
      { header: 'MESSAGE' },
    ],
    records.map((r) => [
      r.source,
      r.loadDate,
      r.file,
      r.position === null ? `line ${r.line ?? '?'}` : String(r.position),
      r.field,
      r.resolvedInRun ? `${r.reason} (resolved)` : r.reason,
      r.message,
    ]),
  );
  if (total <= records.length) return table;
  return `${table}\nShowing ${formatCount(records.length)} of ${formatCount(total)} records: \`${strata} quarantine --limit N\` shows more, --source and --run narrow them.\n`;
}
