import type { DateWindow } from '../materialize/render-select.ts';
import type { RunEventListener } from './events.ts';

export interface RunOptions {
  /** Load dates of the run; none means "the newest loaded date and anything after it". */
  window?: DateWindow;
  select?: string[];
  /** Nodes taken out of the selection, in the same syntax (`--exclude`). */
  exclude?: string[];
  fullRefresh?: boolean;
  /**
   * A source whose files have none of the run's dates, or whose pattern matches no file at all,
   * fails its task (and the run) instead of being reported as a warning.
   */
  strict?: boolean;
  /** Rerun only what failed or was skipped in this earlier run. */
  resume?: string;
  /** Run the checks of the selected nodes against the tables as they are, building nothing (`strata check`). */
  checksOnly?: boolean;
  trigger?: string;
  command?: string;
  concurrency?: number;
  onEvent?: RunEventListener;
  now?: () => Date;
  /**
   * Interrupts the run when aborted (the CLI aborts it on SIGINT/SIGTERM; serve and schedule on
   * shutdown): no new task starts, running tasks are cancelled and rolled back, and the run and its
   * tasks are recorded `interrupted` before runPipeline returns. A string reason naming a signal
   * (`'SIGTERM'`) is shown in the run's error.
   */
  signal?: AbortSignal;
  /** The environment sources read credentials from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}
