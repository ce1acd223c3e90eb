import type { Command } from 'commander';
import { type ScheduleState, explainSchedules, scheduleOnce } from '../../index.ts';
import { type CliContext, globalOptions } from '../context.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { writeChunk } from '../io.ts';
import { toJson } from '../output/json.ts';
import { nonNegativeInteger, textOrJsonFormat } from '../options.ts';
import { scheduleEventWriter } from '../schedule-events.ts';

interface ScheduleCliOptions {
  once?: boolean;
  explain?: boolean;
  port: number;
  host: string;
  format: 'text' | 'json';
}

export function registerSchedule(program: Command, ctx: CliContext): void {
  program
    .command('schedule')
    .description("Stay running and run the config's schedules, catching up missed load dates in order.")
    .option('--once', 'run the due and missing dates now, then exit (for an external cron)')
    .option('--explain', 'print each schedule: next fire, expected, done and missing dates; then exit')
    .option('--port <n>', 'the port of GET /healthz (0: any free one)', nonNegativeInteger, 0)
    .option('--host <host>', 'the address of GET /healthz', '127.0.0.1')
    .addOption(textOrJsonFormat('format of --explain and --once on stdout'))
    .addHelpText(
      'after',
      `
Schedules are the config's \`schedules\` (see the README, section Schedules). Runs never overlap: a
fire during a run waits for it. Stops on SIGTERM or Ctrl-C: the current run is interrupted, and
its date runs again at the next start. --once exits 0 only when every run succeeded. STRATA_CLOCK_START (an ISO instant) and STRATA_CLOCK_RATE (virtual seconds
per real second) run it on a virtual clock, for rehearsals and tests.`,
    )
    .action(async (options: ScheduleCliOptions, command: Command) => {
      ctx.exitCode = await schedule(options, command, ctx);
    });
}

async function schedule(options: ScheduleCliOptions, command: Command, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const { projectDir, logFormat } = globalOptions(command, io);
  if (options.explain) {
    const states = await explainSchedules({ projectDir, env: io.env });
    await writeChunk(io.stdout, options.format === 'json' ? toJson(states) : explainText(states));
    return EXIT_OK;
  }
  const onEvent = scheduleEventWriter(io, logFormat);
  if (options.once) {
    const { runs, exitCode } = await scheduleOnce({
      projectDir,
      env: io.env,
      onEvent,
      ...(io.stop ? { stop: io.stop } : {}),
    });
    const text =
      runs.length === 0
        ? 'Nothing due: every expected date has run.\n'
        : runs
            .map(
              (r) => `${r.schedule} ${r.loadDate} ${r.status ?? 'not run'}${r.runId ? ` ${r.runId}` : ''}\n`,
            )
            .join('');
    await writeChunk(io.stdout, options.format === 'json' ? toJson({ runs, exitCode }) : text);
    return exitCode;
  }
  // The HTTP server's modules load only for the commands that serve.
  const { runScheduler } = await import('../schedule-server.ts');
  await runScheduler(
    { projectDir, port: options.port, host: options.host, runCommand: ctx.runCommand },
    onEvent,
    io,
  );
  return EXIT_OK;
}

function explainText(states: readonly ScheduleState[]): string {
  if (states.length === 0)
    return 'No schedules: add `schedules` to strata.config.ts (README, section Schedules).\n';
  return states
    .map((s) => {
      const lines = [
        `${s.name}${s.description ? ` — ${s.description}` : ''}`,
        `  cron        ${s.cron} (${s.timezone})`,
        `  selection   ${s.select ? s.select.join(' ') : 'everything'}${s.exclude ? ` except ${s.exclude.join(' ')}` : ''}`,
        `  load date   ${s.loadDateOffsetDays === 0 ? 'the fire’s day' : `${s.loadDateOffsetDays} day(s) from the fire’s day`}; catch-up ${s.catchupDays === false ? 'off (latest fire only)' : `${s.catchupDays} day(s)`}`,
        `  next fire   ${s.nextFireAt ?? 'never'}${s.nextLoadDate ? ` → ${s.nextLoadDate}` : ''}`,
        `  first seen  ${s.firstSeenAt ?? 'not yet (no scheduler has run it: nothing is expected)'}`,
        `  expected    ${dates(s.expected)}`,
        `  done        ${dates(s.done)}`,
        `  missing     ${
          s.missing.length === 0
            ? 'none'
            : s.missing
                .map((d) => {
                  const row = s.dates.find((r) => r.loadDate === d);
                  return row
                    ? `${d} (${row.status}${row.attempts ? `, ${row.attempts} attempt(s)` : ''})`
                    : d;
                })
                .join(', ')
        }`,
      ];
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

function dates(list: readonly string[]): string {
  return list.length === 0 ? 'none' : list.join(', ');
}
