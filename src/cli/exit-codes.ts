import { CommanderError } from 'commander';
import { type DiagnosticCode, StrataError } from '../index.ts';

/**
 * The exit code contract of `strata`, which scripts and CI rely on:
 *
 *   0    success: the command did what was asked (for `run`, every task succeeded).
 *   1    failure: a run finished with failed tasks, or a command could not complete (a SQL error,
 *        an invalid project definition, a locked warehouse, an internal error, ...).
 *   2    invalid usage: the command line itself is wrong, so retrying it unchanged cannot help —
 *        unknown commands or options, missing or malformed option values, and the diagnostics
 *        listed in USAGE_CODES below (bad dates, unknown --select names, unknown run ids, ...).
 *   130  interrupted: Ctrl-C (SIGINT), or SIGTERM for `run`, `backfill` and `demo`, which first
 *        record the run as interrupted.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Diagnostics that mean "the arguments are wrong", not "the work failed". */
export const USAGE_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  'USAGE', // invalid combination of options, unknown template
  'DATE_INVALID', // --date/--from/--to not a YYYY-MM-DD date, or --from after --to
  'SELECTOR_UNKNOWN', // --select names no model, seed or source
  'RUN_NOT_FOUND', // --run/--resume names no recorded run
  'RUN_NOTHING_TO_RESUME', // --resume names a run with nothing left to rerun
  'BACKFILL_NOT_FOUND', // backfill --resume names no unfinished backfill
  'BACKFILL_RANGE_TOO_LONG', // backfill --from/--to spans too many days
  'CONFIG_NOT_FOUND', // --project (or the current folder) is not a strata project
  'INIT_TARGET_NOT_EMPTY', // init pointed at an existing project
  'DEMO_TARGET_NOT_DEMO', // demo pointed at a project it did not create
  'GENERATE_OUT_NOT_EMPTY', // generate pointed at earlier output without --overwrite
  'EXPORT_MODEL_UNKNOWN', // export names no model
  'EXPORT_NO_LOAD_DATE', // export --from/--to on a model without a load_date_column, or on --sql
  'EXPORT_SQL_NOT_READ_ONLY', // export --sql given something else than one query
  'EXPORT_OUT_EXISTS', // export over an existing file without --overwrite
]);

export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof StrataError && USAGE_CODES.has(error.code)) return EXIT_USAGE;
  // A run asked to stop before it started (a second run of `demo`, a backfill's next chunk).
  if (error instanceof StrataError && error.code === 'RUN_INTERRUPTED') return EXIT_INTERRUPTED;
  if (error instanceof StrataError && error.code === 'EXPORT_INTERRUPTED') return EXIT_INTERRUPTED;
  return EXIT_FAILURE;
}
