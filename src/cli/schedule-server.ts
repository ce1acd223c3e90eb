import { withScheduler, type ScheduleEvent } from '../index.ts';
import { createScheduleApp, listenScheduleApp } from '../serve/schedule-app.ts';
import { type CliIo, writeChunk } from './io.ts';

/**
 * `strata schedule`: the scheduler over the project's warehouse and GET /healthz beside it, until
 * the CLI is told to stop (SIGTERM): no fire starts after that, the current run is asked to stop
 * through its signal, then the server closes and the warehouse is closed.
 */
export async function runScheduler(
  options: { projectDir: string; port: number; host: string },
  onEvent: (event: ScheduleEvent) => void,
  io: CliIo,
): Promise<void> {
  const stop = io.stop ?? new AbortController().signal;
  await withScheduler(
    { projectDir: options.projectDir, env: io.env, onEvent, command: 'schedule' },
    async (scheduler) => {
      const app = createScheduleApp({
        health: () => scheduler.health(),
        onServerError: (error, request) =>
          io.stderr.write(
            `error answering ${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      });
      const server = await listenScheduleApp(app, { port: options.port, host: options.host });
      try {
        let out = `Scheduler of ${scheduler.project.config.name ?? scheduler.project.root}; health: ${server.url}healthz\n`;
        out += `Clock: ${scheduler.clock.now().toISOString()}\n`;
        for (const s of scheduler.loop.schedules)
          out += `  ${s.name}  ${s.config.cron} (${s.config.timezone})\n`;
        out += 'SIGTERM stops it after the current run.\n';
        await writeChunk(io.stdout, out);
        await scheduler.run(stop);
      } finally {
        await server.close();
      }
    },
  );
}
