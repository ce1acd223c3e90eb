import type { DiagnosticCode } from '../errors/codes.ts';
import type { SerializedError } from '../errors/strata-error.ts';

/** What a run reports while it goes; the CLI renders these live, as lines, or as JSON. */
export type RunEvent =
  | {
      type: 'run_started';
      runId: string;
      tasks: string[];
      /** Materialisation of each task: seed, view, table, incremental, upsert or scd2. */
      materializations: Record<string, string>;
      engine: string;
      dateFrom?: string;
      dateTo?: string;
    }
  | { type: 'task_started'; runId: string; task: string; attempt: number }
  | {
      type: 'task_succeeded';
      runId: string;
      task: string;
      attempt: number;
      durationMs: number;
      /** Rows written; null for a view, which holds none. */
      rows: number | null;
      /** What else the task did, for people (a source's files and quarantined records). */
      detail?: string;
    }
  | {
      type: 'task_failed';
      runId: string;
      task: string;
      attempt: number;
      durationMs: number;
      error: SerializedError;
      retryInMs?: number;
    }
  | {
      /** The run was interrupted while this attempt ran: it was cancelled and rolled back. */
      type: 'task_interrupted';
      runId: string;
      task: string;
      attempt: number;
      durationMs: number;
      error: SerializedError;
    }
  | {
      /** A task succeeded, but with a problem the run reports (a source with no file in the run's dates). */
      type: 'task_warning';
      runId: string;
      task: string;
      warning: RunWarning;
    }
  | { type: 'task_skipped'; runId: string; task: string; reason: string }
  | {
      type: 'check_finished';
      runId: string;
      /** The gate task running it: `<node>:checks`. */
      task: string;
      result: {
        checkId: string;
        status: 'pass' | 'fail' | 'warn' | 'error';
        severity: 'error' | 'warn';
        failingRows: number | null;
        message: string;
      };
    }
  | {
      type: 'alert';
      runId: string;
      rule: string;
      subject: string;
      message: string;
      /** logged (no webhook), delivered, or failed (with why, never the URL). */
      delivery: string;
    }
  | {
      type: 'run_finished';
      runId: string;
      status: string;
      durationMs: number;
      succeeded: number;
      failed: number;
      skipped: number;
      /** Of the skipped, those whose inputs did not change (TASK_UNCHANGED; absent: none). */
      unchanged?: number;
      /** Tasks cancelled part-way because the run was interrupted (absent: none). */
      interrupted?: number;
    };

/** A problem a task met without failing: a warning by default, the task's error with `--strict`. */
export interface RunWarning {
  code: DiagnosticCode;
  /** The task (for a source, its name). */
  task: string;
  /** The source the warning is about, when it is about one. */
  source?: string;
  message: string;
  hint?: string;
}

export type RunEventListener = (event: RunEvent) => void;
