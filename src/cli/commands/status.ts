import { type Command, Option } from 'commander';
import { type WarehouseStatus, status } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { formatCount, formatDuration, shortTimestamp } from '../output/format.ts';
import { toJson } from '../output/json.ts';
import { renderTable } from '../output/table.ts';

interface StatusOptions {
  format: 'table' | 'json';
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('Show the state of the warehouse: each model and seed, whether it is built, its rows.')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: StatusOptions, command: Command) => {
      ctx.exitCode = await showStatus(options, command, ctx);
    });
}

async function showStatus(options: StatusOptions, command: Command, { io }: CliContext): Promise<number> {
  const { projectDir } = globalOptions(command, io);
  const state = await status({ projectDir, env: io.env });
  await writeChunk(io.stdout, options.format === 'json' ? toJson(state) : statusText(state, io.command));
  return EXIT_OK;
}

function statusText(state: WarehouseStatus, strata: string): string {
  const last = state.lastRun;
  let out = `Project   ${state.project} (${state.root})\n`;
  out += `Engine    ${state.engine}\n`;
  out += last
    ? `Last run  ${last.runId} ${last.status}, started ${shortTimestamp(last.startedAt)} UTC, took ${formatDuration(last.durationMs)}\n`
    : `Last run  none yet — start one with \`${strata} run\`\n`;
  out += '\n';
  out += renderTable(
    [
      { header: 'NAME' },
      { header: 'KIND' },
      { header: 'MATERIALIZATION' },
      { header: 'TARGET' },
      { header: 'BUILT' },
      { header: 'ROWS', align: 'right' },
      { header: 'LAST STATUS' },
    ],
    state.models.map((m) => [
      m.name,
      m.kind,
      m.materialization,
      m.target,
      m.built,
      formatCount(m.rows),
      m.lastStatus ?? '–',
    ]),
  );
  if (state.schedules.length > 0) {
    out += '\n';
    out += renderTable(
      [{ header: 'SCHEDULE' }, { header: 'CRON' }, { header: 'NEXT FIRE' }, { header: 'MISSING DATES' }],
      state.schedules.map((s) => [
        s.name,
        `${s.cron}${s.timezone === 'UTC' ? '' : ` (${s.timezone})`}`,
        s.nextFireAt ? `${shortTimestamp(s.nextFireAt)} UTC` : 'never',
        s.missing.length === 0 ? 'none' : s.missing.join(' '),
      ]),
    );
  }
  return out;
}
