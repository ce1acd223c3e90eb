import type { ScheduleEvent } from '../index.ts';
import type { LogFormat } from './context.ts';
import type { CliIo } from './io.ts';

/** A scheduler's events on stderr: one line each, or NDJSON with --log-format json. */
export function scheduleEventWriter(io: CliIo, logFormat: LogFormat): (event: ScheduleEvent) => void {
  return (event) => {
    io.stderr.write(logFormat === 'json' ? `${JSON.stringify(event)}\n` : `${scheduleEventLine(event)}\n`);
  };
}

export function scheduleEventLine(event: ScheduleEvent): string {
  switch (event.type) {
    case 'queued':
      return `${event.at}  ${event.schedule} ${event.loadDate}: queued`;
    case 'run_started':
      return `${event.at}  ${event.schedule} ${event.loadDate}: run started`;
    case 'run_finished':
      return `${event.at}  ${event.schedule} ${event.loadDate}: ${event.status}${event.runId ? ` (run ${event.runId})` : ''}${event.error ? ` — ${event.error}` : ''}`;
    case 'error':
      return `${event.at}  scheduler error: ${event.message} (looking again in a minute)`;
    case 'waiting':
      return event.until ? `waiting for the next fire at ${event.until}` : 'no schedule fires again';
  }
}
