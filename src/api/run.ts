import { assertIsoDate } from '../time/dates.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import { StrataError } from '../errors/strata-error.ts';
import { type RunOptions, type RunSummary, runPipeline } from '../runner/run-pipeline.ts';
import { validateRunOptions } from '../runner/validate-run-options.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

export interface RunRequest extends ProjectOptions, Omit<RunOptions, 'window'> {
  date?: string;
  from?: string;
  to?: string;
}

export interface RunResponse {
  summary: RunSummary;
  /** 0 only when every task succeeded; 130 when the run was interrupted (as a shell reports Ctrl-C). */
  exitCode: number;
}

export async function run(request: RunRequest): Promise<RunResponse> {
  const options = { ...request, window: runWindow(request) };
  // Before the warehouse is opened: a bad option is reported as itself, not as the warehouse being
  // held by another process (DuckDB's file lock is taken when it opens).
  validateRunOptions(options);
  const summary = await withProject(request, (project, engine) => runPipeline(project, engine, options));
  return { summary, exitCode: runExitCode(summary.status) };
}

/** 0 success, 1 failed, 130 interrupted: the CLI's exit codes for a run's status. */
export function runExitCode(status: RunSummary['status']): number {
  if (status === 'interrupted') return 130;
  return status === 'success' ? 0 : 1;
}

/** --date D, or --from A --to B (either end may be left open), or nothing. */
export function runWindow(request: { date?: string; from?: string; to?: string }): DateWindow {
  if (request.date && (request.from || request.to)) {
    throw new StrataError('USAGE', '--date cannot be combined with --from/--to', {
      hint: 'Use --date D for one day, or --from A --to B for a range.',
    });
  }
  if (request.date) {
    const date = assertIsoDate(request.date, '--date');
    return { from: date, to: date };
  }
  const window: DateWindow = {};
  if (request.from) window.from = assertIsoDate(request.from, '--from');
  if (request.to) window.to = assertIsoDate(request.to, '--to');
  if (window.from && window.to && window.from > window.to) {
    throw new StrataError('DATE_INVALID', `--from ${window.from} is after --to ${window.to}`, {
      hint: 'Swap the two dates.',
    });
  }
  return window;
}
