import { auditReady } from './monitor-audit.ts';
import {
  type HealthRun,
  type ScheduleDateRow,
  listSchedules,
  newestLoadedDate,
  newestRunForHealth,
  scheduleDates,
} from '../audit/schedule-ledger.ts';
import type { Engine } from '../engine/types.ts';
import type { DashboardSite } from './dashboard-site.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { Project } from '../project/load-project.ts';
import { expectedDates, missingDates } from '../schedule/catch-up.ts';
import { type Clock, clockFromEnv } from '../schedule/clock.ts';
import { compileSchedules, latestFire, loadDateOf, nextFire } from '../schedule/fire-times.ts';
import { type ProjectOptions, withProject } from './open-project.ts';
import {
  type QueueEntry,
  type ScheduleEvent,
  ScheduleLoop,
  type ScheduleLoopOptions,
} from './schedule-loop.ts';

export { ScheduleLoop, type QueueEntry, type ScheduleEvent } from './schedule-loop.ts';
export { clockFromEnv, createClock, type Clock } from '../schedule/clock.ts';

/** A schedule with what it expects, what is done and what is missing, as of `now`. */
export interface ScheduleState {
  name: string;
  cron: string;
  timezone: string;
  select: string[] | null;
  exclude: string[] | null;
  description: string | null;
  loadDateOffsetDays: number;
  catchupDays: number | false;
  /** When a scheduler first saw it (ISO, UTC); null: no scheduler has run it yet, so nothing is expected. */
  firstSeenAt: string | null;
  nextFireAt: string | null;
  /** The load date its next fire runs. */
  nextLoadDate: string | null;
  /** The catch-up window's dates, oldest first. */
  expected: string[];
  done: string[];
  missing: string[];
  /** The ledger's rows of the expected dates (a missing date's row says whether it failed, is queued or running). */
  dates: ScheduleDateRow[];
}

/** Every schedule of the project as of `now`, read from the ledger of an open warehouse. */
export async function scheduleStates(project: Project, engine: Engine, now: Date): Promise<ScheduleState[]> {
  const schedules = compileSchedules(project.config.schedules);
  if (schedules.length === 0) return [];
  await auditReady(engine);
  const firstSeen = new Map((await listSchedules(engine)).map((r) => [r.name, r.firstSeenAt]));
  const windows = schedules.map((schedule) => {
    const seen = firstSeen.get(schedule.name) ?? null;
    return { schedule, seen, expected: expectedDates(schedule, seen ? new Date(seen) : null, now).dates };
  });
  const oldest = windows
    .flatMap((w) => w.expected.slice(0, 1))
    .sort()
    .at(0);
  // Only the ledger's rows of the windows (none when nothing is expected yet).
  const rows = oldest === undefined ? [] : await scheduleDates(engine, oldest);
  return windows.map(({ schedule, seen, expected }) => {
    const own = rows.filter((r) => r.schedule === schedule.name && expected.includes(r.loadDate));
    const done = own.filter((r) => r.status === 'success').map((r) => r.loadDate);
    const next = nextFire(schedule, now);
    const { config } = schedule;
    return {
      name: schedule.name,
      cron: config.cron,
      timezone: config.timezone,
      select: config.select ?? null,
      exclude: config.exclude ?? null,
      description: config.description ?? null,
      loadDateOffsetDays: config.loadDateOffsetDays,
      catchupDays: config.catchupDays,
      firstSeenAt: seen,
      nextFireAt: next?.toISOString() ?? null,
      nextLoadDate: next ? loadDateOf(schedule, next) : null,
      expected,
      done,
      missing: missingDates(expected, new Set(done)),
      dates: own,
    };
  });
}

export interface ExplainRequest extends ProjectOptions {
  /** The time to explain at (default: the clock of the environment, see clockFromEnv). */
  now?: Date;
}

/** `strata schedule --explain`: per schedule, its cron, next fire, and expected, done and missing dates. */
export async function explainSchedules(request: ExplainRequest): Promise<ScheduleState[]> {
  const now = request.now ?? clockFromEnv(request.env ?? process.env).now();
  return withProject(request, (project, engine) => scheduleStates(project, engine, now));
}

/** What GET /healthz answers: for an external monitor, no data values. */
export interface HealthReport {
  /**
   * `failing`: the newest run failed (or was abandoned); `lagging`: a schedule has a missing date
   * no scheduler has queued or is running (it failed, was interrupted, or was never queued);
   * `ok` otherwise — a catch-up in progress is ok.
   */
  status: 'ok' | 'failing' | 'lagging';
  lastRun: HealthRun | null;
  schedules: { name: string; nextFireAt: string | null; missing: string[] }[];
  /** The newest load date a successful run (or scheduled date) loaded. */
  newestLoadDate: string | null;
  /** Days from newestLoadDate to the newest date the schedules expect by now (0: up to date); null when unknown. */
  lagDays: number | null;
  /** The time the report is made at (the scheduler's clock). */
  checkedAt: string;
}

/** The health of a project's schedules and runs as of `now`. */
export async function scheduleHealth(project: Project, engine: Engine, now: Date): Promise<HealthReport> {
  const states = await scheduleStates(project, engine, now);
  await auditReady(engine);
  const lastRun = await newestRunForHealth(engine);
  const newestLoadDate = await newestLoadedDate(engine);
  const inProgress = (state: ScheduleState, date: string) =>
    state.dates.some((r) => r.loadDate === date && (r.status === 'queued' || r.status === 'running'));
  const lagging = states.some((s) => s.missing.some((date) => !inProgress(s, date)));
  const failing = lastRun !== null && (lastRun.status === 'failed' || lastRun.status === 'abandoned');
  return {
    status: failing ? 'failing' : lagging ? 'lagging' : 'ok',
    lastRun,
    schedules: states.map((s) => ({ name: s.name, nextFireAt: s.nextFireAt, missing: s.missing })),
    newestLoadDate,
    lagDays: lagDays(project, now, newestLoadDate),
    checkedAt: now.toISOString(),
  };
}

/** Days between the newest loaded date and the newest load date a schedule's latest fire asks for. */
function lagDays(project: Project, now: Date, newest: string | null): number | null {
  if (!newest) return null;
  const wanted = compileSchedules(project.config.schedules)
    .map((s) => {
      const fire = latestFire(s, now);
      return fire ? loadDateOf(s, fire) : null;
    })
    .filter((d): d is string => d !== null)
    .sort()
    .pop();
  if (!wanted) return null;
  const days = Math.round(
    (Date.parse(`${wanted}T00:00:00Z`) - Date.parse(`${newest}T00:00:00Z`)) / 86_400_000,
  );
  return Math.max(0, days);
}

export interface ScheduleOnceRequest extends ProjectOptions {
  clock?: Clock;
  onEvent?: (event: ScheduleEvent) => void;
  stop?: AbortSignal;
}

export interface ScheduleOnceResponse {
  runs: QueueEntry[];
  /** 0 only when every run succeeded (none due is success). */
  exitCode: number;
}

/** `strata schedule --once`: runs every missing date now, oldest first, and returns (for an external cron). */
export async function scheduleOnce(request: ScheduleOnceRequest): Promise<ScheduleOnceResponse> {
  return withProject(request, async (project, engine) => {
    requireSchedules(project);
    const loop = new ScheduleLoop({
      project,
      engine,
      clock: request.clock ?? clockFromEnv(request.env ?? process.env),
      ...(request.onEvent ? { onEvent: request.onEvent } : {}),
      ...(request.env ? { env: request.env } : {}),
    });
    const runs = await loop.once(request.stop ?? new AbortController().signal);
    return { runs, exitCode: runs.every((r) => r.status === 'success') ? 0 : 1 };
  });
}

/** A scheduler needs something to schedule: starting one on a project without schedules is a mistake worth saying. */
export function requireSchedules(project: Project): void {
  if (Object.keys(project.config.schedules).length > 0) return;
  throw new StrataError(
    'SCHEDULE_NONE',
    `the project ${project.config.name ?? project.root} declares no schedules`,
    {
      field: 'schedules',
      hint: "Add one to strata.config.ts, e.g. schedules: { daily: { cron: '0 2 * * *' } } (see the README, section Schedules).",
    },
  );
}

export interface SchedulerRequest extends ProjectOptions {
  clock?: Clock;
  onEvent?: (event: ScheduleEvent) => void;
  onRunEvent?: ScheduleLoopOptions['onRunEvent'];
  /** pipeline_runs.command of the runs. */
  command?: string;
}

/** A project's scheduler over its open warehouse, with the health its HTTP endpoint reports. */
export interface Scheduler {
  project: Project;
  engine: Engine;
  loop: ScheduleLoop;
  clock: Clock;
  health(): Promise<HealthReport>;
  /** Runs until `stop` is aborted (the current run is asked to stop through its signal). */
  run(stop: AbortSignal): Promise<void>;
}

/** A scheduler over an engine the caller keeps open (`strata serve --schedule`: the dashboard's). */
export function createScheduler(
  project: Project,
  engine: Engine,
  request: Omit<SchedulerRequest, 'projectDir'>,
): Scheduler {
  requireSchedules(project);
  const clock = request.clock ?? clockFromEnv(request.env ?? process.env);
  const loop = new ScheduleLoop({
    project,
    engine,
    clock,
    ...(request.command ? { command: request.command } : {}),
    ...(request.onEvent ? { onEvent: request.onEvent } : {}),
    ...(request.onRunEvent ? { onRunEvent: request.onRunEvent } : {}),
    ...(request.env ? { env: request.env } : {}),
  });
  return {
    project,
    engine,
    loop,
    clock,
    health: () => scheduleHealth(project, engine, clock.now()),
    run: (stop) => loop.run(stop),
  };
}

/**
 * `strata schedule`: opens the project's warehouse, hands `fn` the scheduler, and closes the
 * warehouse when fn is done (fn runs the loop and whatever serves its health).
 */
export async function withScheduler<T>(
  request: SchedulerRequest,
  fn: (scheduler: Scheduler) => Promise<T>,
): Promise<T> {
  return withProject(request, async (project, engine) => {
    const scheduler = createScheduler(project, engine, request);
    await scheduler.loop.start();
    return fn(scheduler);
  });
}

/** A project's health among several served: its report under its URL name. */
export interface ProjectHealth extends HealthReport {
  project: string;
}

/** What GET /healthz answers for several served projects: the worst status, and each project's report. */
export interface SiteHealthReport {
  status: HealthReport['status'];
  projects: ProjectHealth[];
  checkedAt: string;
}

const SEVERITY: Record<HealthReport['status'], number> = { ok: 0, lagging: 1, failing: 2 };

/**
 * The health `strata serve` reports, judged on `clock` (the schedulers' under `--schedule`; without
 * one a missing date counts as lagging unless the ledger says another scheduler queued or runs it):
 * one project's report as it is; several, the worst status with each project's report.
 */
export async function siteHealth(
  site: DashboardSite,
  clock: Clock = clockFromEnv(process.env),
): Promise<HealthReport | SiteHealthReport> {
  const now = clock.now();
  const reports = await Promise.all(
    site.projects.map(async (served) => ({
      project: served.slug,
      ...(await scheduleHealth(served.project, served.engine, now)),
    })),
  );
  const [only, ...others] = reports;
  if (!only) throw new StrataError('DASHBOARD_NOT_FOUND', 'no project is served');
  if (others.length === 0) {
    const { project: _slug, ...report } = only;
    return report;
  }
  const worst = reports.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a));
  return { status: worst.status, projects: reports, checkedAt: now.toISOString() };
}
