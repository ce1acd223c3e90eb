import type { RunEvent } from '../../index.ts';

/** Renders the events of one run as it goes. */
export interface RunReporter {
  onEvent(event: RunEvent): void;
  /** Stops any live drawing and leaves the terminal clean; safe to call more than once. */
  close(): void;
}
