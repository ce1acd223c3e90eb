import { type Command, Option } from 'commander';
import { type RunDetail, type RunListEntry, getRun, listRuns } from '../../index.ts';
import { checkCounts, formatCheckResults } from '../output/check-results.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { formatCount, formatDuration, formatWindow, shortTimestamp } from '../output/format.ts';
import { toJson } from '../output/json.ts';
import { renderTable } from '../output/table.ts';
import { positiveInteger } from '../options.ts';
import { firstLine } from '../reporters/event-lines.ts';

interface RunsOptions {
  limit: number;
  run?: string;
  format: 'table' | 'json';
}

export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command('runs')
    .description('Show the run history, newest first, or the task attempts of one run.')
    .option('--limit <n>', 'how many runs to list', positiveInteger, 20)
    .option('--run <run-id>', "show this run's task attempts")
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: RunsOptions, command: Command) => {
      ctx.exitCode = await runs(options, command, ctx);
    });
}

async function runs(options: RunsOptions, command: Command, { io }: CliContext): Promise<number> {
  const { projectDir } = globalOptions(command, io);
  const project = { projectDir, env: io.env };
  if (options.run !== undefined) {
    const detail = await getRun({ ...project, runId: options.run });
    await writeChunk(io.stdout, options.format === 'json' ? toJson(detail) : runDetailText(detail));
    return EXIT_OK;
  }
  const entries = await listRuns({ ...project, limit: options.limit });
  await writeChunk(io.stdout, options.format === 'json' ? toJson(entries) : runListText(entries, io.command));
  return EXIT_OK;
}

function runListText(entries: readonly RunListEntry[], strata: string): string {
  if (entries.length === 0) return `No runs recorded yet. Start one with \`${strata} run\`.\n`;
  return renderTable(
    [
      { header: 'RUN' },
      { header: 'STATUS' },
      { header: 'DATES' },
      { header: 'STARTED (UTC)' },
      { header: 'DURATION', align: 'right' },
      { header: 'OK', align: 'right' },
      { header: 'FAILED', align: 'right' },
      { header: 'UNCHANGED', align: 'right' },
      { header: 'SKIPPED', align: 'right' },
    ],
    entries.map((r) => [
      r.runId,
      r.status,
      formatWindow(r.dateFrom, r.dateTo),
      shortTimestamp(r.startedAt),
      formatDuration(r.durationMs),
      formatCount(r.tasksSucceeded),
      formatCount(r.tasksFailed),
      formatCount(r.tasksUnchanged),
      // Skipped here are those a failure stopped; the unchanged are done, counted apart.
      formatCount(r.tasksSkipped === null ? null : r.tasksSkipped - r.tasksUnchanged),
    ]),
  );
}

/** Skipped tasks, those skipped because nothing changed named apart (they are done, not stopped). */
function skippedText(skipped: number | null, unchanged: number): string {
  if (skipped === null || unchanged === 0) return `${formatCount(skipped)} skipped`;
  const stopped = skipped - unchanged;
  return stopped > 0
    ? `${formatCount(unchanged)} unchanged, ${formatCount(stopped)} skipped`
    : `${formatCount(unchanged)} unchanged`;
}

function runDetailText({ run, tasks, checks, alerts, metrics, tasksUnchanged }: RunDetail): string {
  const facts: [string, string][] = [
    ['Run', run.runId],
    ['Status', run.status],
    ['Trigger', run.trigger],
    ['Dates', formatWindow(run.dateFrom, run.dateTo)],
    ['Started', `${shortTimestamp(run.startedAt)} UTC`],
    ['Finished', run.finishedAt ? `${shortTimestamp(run.finishedAt)} UTC` : '–'],
    ['Duration', formatDuration(run.durationMs)],
    [
      'Tasks',
      `${formatCount(run.tasksSucceeded)} ok, ${formatCount(run.tasksFailed)} failed, ${skippedText(run.tasksSkipped, tasksUnchanged)}`,
    ],
  ];
  if (run.resumedFrom) facts.push(['Resumed', run.resumedFrom]);
  if (run.error) facts.push(['Error', firstLine(run.error)]);
  let out = facts.map(([k, v]) => `${k.padEnd(9)} ${v}\n`).join('');
  out += '\n';
  out += renderTable(
    [
      { header: 'TASK' },
      { header: 'MATERIALIZATION' },
      { header: 'ATTEMPT', align: 'right' },
      { header: 'STATUS' },
      { header: 'STARTED (UTC)' },
      { header: 'TIME', align: 'right' },
      { header: 'ROWS', align: 'right' },
      { header: 'ERROR' },
    ],
    tasks.map((t) => [
      t.task,
      t.materialization ?? t.kind,
      String(t.attempt),
      t.status,
      shortTimestamp(t.startedAt),
      formatDuration(t.durationMs),
      formatCount(t.rowsOut),
      // A successful attempt with a code warned (a source with no file in the run's dates).
      t.errorCode
        ? `${t.status === 'success' ? 'warning ' : ''}${t.errorCode} ${firstLine(t.error ?? '')}`
        : '',
    ]),
  );
  const hints = tasks.filter((t) => (t.status === 'failed' || t.status === 'success') && t.hint);
  if (hints.length > 0) {
    out += '\n' + hints.map((t) => `${t.task}: hint: ${t.hint}\n`).join('');
  }
  if (metrics) {
    out += `\nRecords: ${formatCount(Number(metrics.received))} received, ${formatCount(Number(metrics.staged))} staged, `;
    out += `${formatCount(Number(metrics.quarantined))} quarantined, ${formatCount(Number(metrics.duplicates))} duplicates removed\n`;
  }
  if (checks.length > 0) out += `\nChecks: ${checkCounts(checks)}\n${formatCheckResults(checks)}`;
  if (alerts.length > 0) {
    out += '\nAlerts:\n';
    for (const a of alerts)
      out += `  ${a.rule}: ${a.message} (${a.delivery}${a.deliveryError ? `: ${a.deliveryError}` : ''})\n`;
  }
  return out;
}
