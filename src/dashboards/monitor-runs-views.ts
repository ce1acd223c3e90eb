/**
 * The JSON the monitor's runs views answer (`/api/<project>/monitor/runs[/<runId>]`), also the
 * browser's types. The monitor's other views (checks, quarantine, reconciliation, lineage) have
 * their shapes in `monitor-quality-views.ts`.
 */

/** The monitor's views: `/<project>/monitor/<view>[/<id>]`, and `/api/` before it for the JSON. */
export type MonitorViewName = 'runs' | 'checks' | 'quarantine' | 'reconciliation' | 'lineage';

/** The URL segment of the monitor: a dashboard page may not take this name. */
export const MONITOR_SEGMENT = 'monitor';

/** A run's status as shown: audit's, or `interrupted` for a `running` run whose process is gone. */
export type MonitorRunStatus = 'running' | 'success' | 'failed' | 'abandoned' | 'interrupted' | string;

/** One run of the list. A figure audit did not record is null (say "not recorded"), never 0. */
export interface MonitorRunRow {
  runId: string;
  status: MonitorRunStatus;
  trigger: string;
  /** The run's window of load dates. */
  dateFrom: string | null;
  dateTo: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  tasksSucceeded: number | null;
  tasksFailed: number | null;
  tasksSkipped: number | null;
  /** Rows per layer from the run's daily metrics line; null when the run has none (running, or older). */
  rowsByLayer: Record<string, number> | null;
  checksFailed: number | null;
  checksWarned: number | null;
  quarantined: number | null;
  alerts: number;
  error: string | null;
  resumedFrom: string | null;
}

/** `GET /api/<project>/monitor/runs?status=&from=&to=&limit=&offset=` */
export interface MonitorRunsView {
  project: string;
  title: string;
  runs: MonitorRunRow[];
  /** Runs matching the filters, over every page. */
  total: number;
  limit: number;
  offset: number;
  filters: { status: string | null; from: string | null; to: string | null };
  /** The statuses a filter may name. */
  statuses: string[];
  /** True while some run of the page is `running`: the browser polls again. */
  live: boolean;
}

/** One attempt of one task, on the run's time axis. */
export interface MonitorTaskAttempt {
  task: string;
  kind: string;
  target: string | null;
  attempt: number;
  status: string;
  startedAt: string;
  /** Null while the attempt runs. */
  durationMs: number | null;
  /** Start and end in ms since the run started (end: now for a running attempt). */
  startMs: number;
  endMs: number;
  rowsOut: number | null;
  errorCode: string | null;
  error: string | null;
  hint: string | null;
  /** Skipped because nothing it reads had changed (TASK_UNCHANGED): nothing to do, not stopped. */
  unchanged: boolean;
}

/** One row of the timeline: a task and its attempts. */
export interface MonitorTimelineTask {
  task: string;
  kind: string;
  /** The task's final status: its last attempt's. */
  status: string;
  attempts: MonitorTaskAttempt[];
  /** Why a skipped task did not run (the upstream task that failed). */
  skipReason: string | null;
  /** The task's direct upstream tasks in this run. */
  upstream: string[];
  critical: boolean;
}

export interface MonitorCheckSummary {
  checkId: string;
  type: string;
  target: string;
  severity: string;
  status: string;
  failingRows: number | null;
  message: string;
}

export interface MonitorAlertSummary {
  rule: string;
  subject: string;
  message: string;
  /** logged | delivered | failed */
  delivery: string;
}

/** `GET /api/<project>/monitor/runs/<runId>`: the run's report and its timeline. */
export interface MonitorRunView {
  project: string;
  title: string;
  run: MonitorRunRow;
  /** The run's report, as `strata runs --run ID --json` gives it. */
  report: {
    tasks: unknown[];
    checks: unknown[];
    alerts: unknown[];
    metrics: Record<string, unknown> | null;
  };
  checks: MonitorCheckSummary[];
  alerts: MonitorAlertSummary[];
  timeline: {
    /** ISO start of the axis (the run's start). */
    startedAt: string;
    /** Length of the axis in ms. */
    spanMs: number;
    tasks: MonitorTimelineTask[];
    /** The tasks of the critical path, first to last. */
    criticalPath: string[];
  };
  /** Of run.tasksSkipped, the tasks skipped because nothing they read had changed (TASK_UNCHANGED). */
  tasksUnchanged: number;
  /** True while the run is `running`: the browser polls again. */
  live: boolean;
  /** The server's clock when it answered. */
  now: string;
}
