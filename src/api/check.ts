import { type RunSummary, runPipeline } from '../runner/run-pipeline.ts';
import { type ProjectOptions, withProject } from './open-project.ts';
import { type RunRequest, runWindow } from './run.ts';

export type CheckRequest = ProjectOptions &
  Pick<RunRequest, 'date' | 'from' | 'to' | 'select' | 'trigger' | 'onEvent' | 'now' | 'env' | 'concurrency'>;

export interface CheckResponse {
  summary: RunSummary;
  /** 0 unless a check of severity error failed or could not run. */
  exitCode: number;
}

/**
 * `strata check`: the checks of the selected models and sources against the warehouse as it is,
 * building nothing. Recorded like a run (command 'check'), so results keep their history. With
 * dates, partitioned tables are checked on those dates; without, whole tables.
 */
export async function check(request: CheckRequest): Promise<CheckResponse> {
  const window = runWindow(request);
  const summary = await withProject(request, (project, engine) =>
    runPipeline(project, engine, { ...request, window, checksOnly: true, command: 'check' }),
  );
  return { summary, exitCode: summary.status === 'success' ? 0 : 1 };
}
