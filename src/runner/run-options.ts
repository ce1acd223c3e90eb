import type { DateWindow } from '../materialize/render-select.ts';
import type { RunEventListener } from './events.ts';

export interface RunOptions {
  /** Load dates of the run; none means "the newest loaded date and anything after it". */
  window?: DateWindow;
  select?: string[];
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
  /** The environment sources read credentials from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Aborted when the run should stop (a scheduler shutting down): the run ends as interrupted. */
  signal?: AbortSignal;
}
