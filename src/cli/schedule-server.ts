import { type ScheduleEvent, withScheduler } from '../index.ts';
import { createScheduleApp, listenScheduleApp } from '../serve/schedule-app.ts';
import { type CliIo, writeChunk } from './io.ts';
import { type RunCommand, hostOwnership } from './own-warehouses.ts';
import { queuedBehindSchedules } from './schedule-owner.ts';

/**
 * `strata schedule`: the scheduler over the project's warehouse and GET /healthz beside it (on
 * DuckDB with the owner endpoint: this process owns the warehouse), until the CLI is told to stop
 * (SIGTERM): no fire starts after that, the current run is asked to stop through its signal, then
 * the owner file goes, the server closes and the warehouse is closed.
 */
export async function runScheduler(
  options: { projectDir: string; port: number; host: string; runCommand?: RunCommand | undefined },
  onEvent: (event: ScheduleEvent) => void,
  io: CliIo,
): Promise<void> {
  const stop = io.stop ?? new AbortController().signal;
  await withScheduler(
    { projectDir: options.projectDir, env: io.env, onEvent, command: 'schedule' },
    async (scheduler) => {
      const owner = await hostOwnership(
        [{ root: scheduler.project.root, engine: scheduler.engine }],
        'schedule',
        options.runCommand,
        io,
      );
      try {
        const routes = queuedBehindSchedules(owner.routes, [scheduler]);
        const app = createScheduleApp({
          health: () => scheduler.health(),
          ...(routes ? { owner: routes } : {}),
          onServerError: (error, request) =>
            io.stderr.write(
              `error answering ${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}\n`,
            ),
        });
        const server = await listenScheduleApp(app, { port: options.port, host: options.host });
        try {
          // Before the address is printed: whoever reads it finds the warehouse's owner.
          await owner.claim(server.host, server.port);
          let out = `Scheduler of ${scheduler.project.config.name ?? scheduler.project.root}; health: ${server.url}healthz\n`;
          out += `Clock: ${scheduler.clock.now().toISOString()}\n`;
          for (const s of scheduler.loop.schedules) {
            out += `  ${s.name}  ${s.config.cron} (${s.config.timezone})\n`;
          }
          out += 'SIGTERM or Ctrl-C stops it (a run going on is interrupted).\n';
          await writeChunk(io.stdout, out);
          await scheduler.run(stop);
          // The owner file goes before the server stops answering, so no client waits on a closing server.
          await owner.stop();
        } finally {
          await server.close();
        }
      } finally {
        // On the way out after a failure too (a second stop does nothing).
        await owner.stop();
      }
    },
  );
}
