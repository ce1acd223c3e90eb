import { type Command, Option } from 'commander';
import { query } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { csvRecord } from '../../api/result-values.ts';
import { formatRows } from '../output/format.ts';
import { JsonArrayWriter } from '../output/json.ts';
import { type TableColumn, renderTable } from '../output/table.ts';
import { isNumeric, tableCell } from '../output/values.ts';
import { positiveInteger } from '../options.ts';

interface QueryOptions {
  format: 'table' | 'csv' | 'json';
  maxRows: number;
}

export function registerQuery(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description('Run SQL against the warehouse and print the result.')
    .argument('<sql>', 'the SQL to run (quote it)')
    .addOption(
      new Option('--format <format>', 'table for reading; csv and json stream any number of rows')
        .choices(['table', 'csv', 'json'])
        .default('table'),
    )
    .option('--max-rows <n>', 'rows a table shows at most', positiveInteger, 1000)
    .action(async (sql: string, options: QueryOptions, command: Command) => {
      ctx.exitCode = await runQuery(sql, options, command, ctx);
    });
}

async function runQuery(
  sql: string,
  options: QueryOptions,
  command: Command,
  { io }: CliContext,
): Promise<number> {
  const { projectDir } = globalOptions(command, io);
  const request = { projectDir, env: io.env, sql };
  switch (options.format) {
    case 'csv': {
      let header = false;
      await query(request, async (batch) => {
        let chunk = header ? '' : csvRecord(batch.columns.map((c) => c.name));
        header = true;
        for (const row of batch.rows) chunk += csvRecord(batch.columns.map((c) => row[c.name]));
        await writeChunk(io.stdout, chunk);
      });
      return EXIT_OK;
    }
    case 'json': {
      const writer = new JsonArrayWriter(io.stdout);
      await query(request, async (batch) => {
        for (const row of batch.rows) await writer.push(row);
      });
      await writer.end();
      return EXIT_OK;
    }
    case 'table':
      await writeChunk(io.stdout, await tableResult(request, options.maxRows));
      return EXIT_OK;
  }
}

/** Thrown from the batch consumer to stop reading once the table is full. */
class TableFull extends Error {}

async function tableResult(request: Parameters<typeof query>[0], maxRows: number): Promise<string> {
  let columns: TableColumn[] | undefined;
  let names: string[] = [];
  const rows: string[][] = [];
  let truncated = false;
  try {
    await query(request, (batch) => {
      if (!columns) {
        names = batch.columns.map((c) => c.name);
        const numeric = (name: string) => batch.rows.some((r) => isNumeric(r[name]));
        columns = names.map((name) => ({ header: name, align: numeric(name) ? 'right' : 'left' }));
      }
      for (const row of batch.rows) {
        if (rows.length === maxRows) {
          truncated = true;
          throw new TableFull();
        }
        rows.push(names.map((name) => tableCell(row[name])));
      }
    });
  } catch (error) {
    if (!(error instanceof TableFull)) throw error;
  }
  if (!columns) return '(no rows)\n';
  const footer = truncated
    ? `(first ${formatRows(maxRows)} shown; the result has more — raise --max-rows, or use --format csv|json for all of it)\n`
    : `(${formatRows(rows.length)})\n`;
  return (columns.length > 0 ? renderTable(columns, rows) : '') + footer;
}
