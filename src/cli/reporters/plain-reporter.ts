import type { RunEvent } from '../../index.ts';
import type { OutputStream } from '../io.ts';
import { EventLines } from './event-lines.ts';
import type { RunReporter } from './reporter.ts';

/** One line per event, for logs, CI and pipes. */
export class PlainReporter implements RunReporter {
  private readonly lines: EventLines;

  constructor(
    private readonly out: OutputStream,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.lines = new EventLines();
  }

  onEvent(event: RunEvent): void {
    const line = this.lines.line(event, this.now(), { starts: true });
    if (line !== undefined) this.out.write(`${line}\n`);
  }

  close(): void {}
}
