import { StrataError } from '../errors/strata-error.ts';
import type { RunOptions } from './run-options.ts';

/**
 * Refuses options that cannot make a run, from the options alone: called before the run lock is
 * taken (and before the warehouse is opened, by api/), so a mistake is reported as itself rather
 * than as a lock held by someone else, and a bad command never waits for or touches the lock.
 * What needs the warehouse (whether the run to resume exists, what it left undone) is read under
 * the lock, by plan-run.ts.
 */
export function validateRunOptions(options: RunOptions): void {
  if (
    options.resume &&
    (options.select?.length || options.exclude?.length || options.window?.from || options.window?.to)
  ) {
    throw new StrataError(
      'USAGE',
      '--resume reruns an earlier run as it was; it takes no --select, --exclude or dates',
      {
        hint: 'Drop --select/--exclude/--date/--from/--to, or start a new run without --resume.',
      },
    );
  }
}
