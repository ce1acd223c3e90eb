import type { BackfillEvent } from '../../index.ts';
import type { LogFormat } from '../context.ts';
import type { CliIo } from '../io.ts';
import { clockTime, formatWindow } from '../output/format.ts';
import { toJsonLine } from '../output/json.ts';
import { createReporter } from './create-reporter.ts';
import type { RunReporter } from './reporter.ts';
import { firstLine } from './event-lines.ts';

/**
 * A backfill's progress on stderr: a line as each chunk starts and ends, and between them the
 * chunk's run as `strata run` shows it (a run reporter per chunk). NDJSON with --log-format json:
 * the backfill's own events, and each run event as the run emits it.
 */
export class BackfillReporter {
  private run: RunReporter | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly logFormat: LogFormat,
    private readonly now: () => Date = () => new Date(),
  ) {}

  onEvent(event: BackfillEvent): void {
    if (event.type === 'run_event') {
      this.run?.onEvent(event.event);
      return;
    }
    if (event.type === 'chunk_finished') this.closeRun();
    if (this.logFormat === 'json') this.io.stderr.write(toJsonLine(event));
    else this.io.stderr.write(`${backfillLine(event, this.now())}\n`);
    if (event.type === 'chunk_started') this.run = createReporter(this.io, this.logFormat);
  }

  close(): void {
    this.closeRun();
  }

  private closeRun(): void {
    this.run?.close();
    this.run = undefined;
  }
}

/** The line for a backfill event (run events excepted). */
export function backfillLine(event: Exclude<BackfillEvent, { type: 'run_event' }>, now: Date): string {
  const time = clockTime(now);
  switch (event.type) {
    case 'backfill_started': {
      const what = event.resumed
        ? `resuming ${event.backfillId}: ${event.remaining} of ${event.chunks} chunks left`
        : `${event.backfillId}: ${event.chunks} chunk${event.chunks === 1 ? '' : 's'} of ${event.chunkDays} day${event.chunkDays === 1 ? '' : 's'}`;
      return `${time} ▶▶ backfill ${formatWindow(event.from, event.to)}  ${what}`;
    }
    case 'chunk_started':
      return `${time} ▶ chunk ${event.chunk}/${event.chunks}  ${formatWindow(event.from, event.to)}`;
    case 'chunk_finished': {
      const error = event.error ? `  ${event.error.code} ${firstLine(event.error.message)}` : '';
      return `${time} ■ chunk ${event.chunk}/${event.chunks}  ${formatWindow(event.from, event.to)}  ${event.status}${event.runId ? `  run ${event.runId}` : ''}${error}`;
    }
    case 'backfill_finished':
      return `${time} ■■ backfill ${event.backfillId} ${event.status}  ${event.succeeded} of ${event.chunks} chunks succeeded`;
  }
}
