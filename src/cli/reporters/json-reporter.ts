import type { RunEvent } from '../../index.ts';
import type { OutputStream } from '../io.ts';
import { toJsonLine } from '../output/json.ts';
import type { RunReporter } from './reporter.ts';

/** NDJSON: each RunEvent exactly as the API emits it, one per line. */
export class JsonReporter implements RunReporter {
  constructor(private readonly out: OutputStream) {}

  onEvent(event: RunEvent): void {
    this.out.write(toJsonLine(event));
  }

  close(): void {}
}
