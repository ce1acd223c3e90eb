import { ensureAuditSchema } from '../audit/recorder.ts';
import {
  finishScheduleDate,
  interruptScheduleDates,
  listSchedules,
  queueScheduleDate,
  registerSchedules,
  scheduleDates,
  startScheduleDate,
} from '../audit/schedule-ledger.ts';
import type { Engine } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import { type Project, loadProject } from '../project/load-project.ts';
import type { RunEventListener } from '../runner/events.ts';
import { runPipeline } from '../runner/run-pipeline.ts';
import { expectedDates, missingDates } from '../schedule/catch-up.ts';
import type { Clock } from '../schedule/clock.ts';
import { type CompiledSchedule, compileSchedules, latestFire, nextFire } from '../schedule/fire-times.ts';

/** What the scheduler tells its caller (the CLI prints it; tests read it). */
export type ScheduleEvent =
  | { type: 'queued'; schedule: string; loadDate: string; at: string }
  | { type: 'run_started'; schedule: string; loadDate: string; at: string }
  | {
      type: 'run_finished';
      schedule: string;
      loadDate: string;
      at: string;
      runId: string | null;
      status: 'success' | 'failed' | 'interrupted';
      error?: string;
    }
  | { type: 'waiting'; until: string | null }
  /** The scheduler itself failed (a lost connection, a ledger write): it looks again after a pause. */
  | { type: 'error'; at: string; message: string };

/** A queued date's way through the queue; `sequence` numbers the starts and ends in the order they happened. */
export interface QueueEntry {
  schedule: string;
  loadDate: string;
  /** The fire that queued it (the schedule's latest fire when the scheduler looked). */
  firedAt: string;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  startSequence?: number;
  finishSequence?: number;
  runId?: string | null;
  status?: 'success' | 'failed' | 'interrupted';
}

export interface ScheduleLoopOptions {
  project: Project;
  engine: Engine;
  clock: Clock;
  /** The pipeline_runs command of the runs (`schedule`, `serve`). */
  command?: string;
  onEvent?: (event: ScheduleEvent) => void;
  /** The runs' own progress events. */
  onRunEvent?: RunEventListener;
  env?: NodeJS.ProcessEnv;
}

/** The queue's record is kept for the newest entries only: a scheduler runs for months. */
const RECORD_LIMIT = 1000;

/** After the scheduler's own failure, it looks again this much later (on its clock). */
const RETRY_AFTER_MS = 60_000;

/**
 * The scheduler of one warehouse: one queue, runs strictly one at a time. It wakes at the next
 * fire of any schedule; a schedule that fired since it last looked queues its missing dates
 * (expected − done, schedule/catch-up.ts), oldest first, each (schedule, date) at most once. A
 * fire during a run waits in the queue until the run ends (it is neither skipped nor run beside
 * it). On start every missing date in the window is queued (catch-up after downtime).
 */
export class ScheduleLoop {
  readonly schedules: CompiledSchedule[];
  /** Every entry that went through the queue, oldest first (the newest RECORD_LIMIT). */
  readonly record: QueueEntry[] = [];
  private readonly queue: QueueEntry[] = [];
  private readonly queuedKeys = new Set<string>();
  private checkedAt: Date | null = null;
  private sequence = 0;
  private started = false;
  /** The end of the last work taken through `exclusive`: what runs next waits for it. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ScheduleLoopOptions) {
    this.schedules = compileSchedules(options.project.config.schedules);
  }

  /** Ledger up to date: schedules registered (first sighting now), dates a dead scheduler left running interrupted. */
  async start(): Promise<void> {
    if (this.started) return;
    const { engine, clock } = this.options;
    await ensureAuditSchema(engine);
    await interruptScheduleDates(engine);
    await registerSchedules(
      engine,
      this.schedules.map((s) => ({ name: s.name, cron: s.config.cron, timezone: s.config.timezone })),
      clock.now(),
    );
    this.started = true;
  }

  /** Runs until `stop` is aborted: the current run is asked to stop (its signal), nothing more starts. */
  async run(stop: AbortSignal): Promise<void> {
    await this.start();
    try {
      while (!stop.aborted) {
        try {
          await this.enqueueDue();
          const next = this.queue.shift();
          if (next) {
            await this.runEntry(next, stop);
            continue;
          }
          const wake = this.nextWake();
          this.emit({ type: 'waiting', until: wake?.toISOString() ?? null });
          await this.options.clock.sleepUntil(wake ?? new Date(8.64e15), stop);
        } catch (error) {
          // A long-running scheduler outlives a dropped connection: it says so and looks again
          // later, as at start (every missing date of the windows).
          const { clock } = this.options;
          this.checkedAt = null;
          this.emit({ type: 'error', at: clock.now().toISOString(), message: describe(error) });
          await clock.sleepUntil(new Date(clock.now().getTime() + RETRY_AFTER_MS), stop);
        }
      }
    } finally {
      this.queue.length = 0;
      this.queuedKeys.clear();
      await interruptScheduleDates(this.options.engine);
    }
  }

  /** `--once`: queues every missing date now, runs them in order, and returns what ran. */
  async once(stop: AbortSignal): Promise<QueueEntry[]> {
    await this.start();
    const first = this.record.length;
    try {
      await this.enqueueDue();
      for (let next = this.queue.shift(); next && !stop.aborted; next = this.queue.shift()) {
        await this.runEntry(next, stop);
      }
    } finally {
      await interruptScheduleDates(this.options.engine);
    }
    return this.record.slice(first);
  }

  /** The earliest next fire of any schedule after the last look; null when none fires again. */
  nextWake(): Date | null {
    const after = this.checkedAt ?? this.options.clock.now();
    const fires = this.schedules.map((s) => nextFire(s, after)).filter((d): d is Date => d !== null);
    return fires.length === 0 ? null : new Date(Math.min(...fires.map((d) => d.getTime())));
  }

  /**
   * Queues the missing dates of every schedule that fired since the last look (every schedule, the
   * first time). Dates already queued or running are left alone; across schedules the oldest date
   * goes first.
   */
  private async enqueueDue(): Promise<void> {
    const { engine, clock } = this.options;
    const now = clock.now();
    const since = this.checkedAt;
    this.checkedAt = now;
    const fired = this.schedules.filter((s) => {
      if (since === null) return true;
      const next = nextFire(s, since);
      return next !== null && next <= now;
    });
    if (fired.length === 0) return;
    const firstSeen = new Map((await listSchedules(engine)).map((r) => [r.name, new Date(r.firstSeenAt)]));
    const windows = fired.map((schedule) => ({
      schedule,
      expected: expectedDates(schedule, firstSeen.get(schedule.name) ?? null, now).dates,
    }));
    const oldest = windows
      .flatMap((w) => w.expected.slice(0, 1))
      .sort()
      .at(0);
    if (oldest === undefined) return;
    // Only the ledger's rows of the windows: it holds a row per date for as long as strata runs.
    const rows = await scheduleDates(engine, oldest);
    const due: QueueEntry[] = [];
    for (const { schedule, expected } of windows) {
      const done = new Set(
        rows.filter((r) => r.schedule === schedule.name && r.status === 'success').map((r) => r.loadDate),
      );
      const firedAt = (latestFire(schedule, now) ?? now).toISOString();
      for (const loadDate of missingDates(expected, done)) {
        if (this.queuedKeys.has(keyOf(schedule.name, loadDate))) continue;
        due.push({ schedule: schedule.name, loadDate, firedAt, queuedAt: now.toISOString() });
      }
    }
    due.sort((a, b) => a.loadDate.localeCompare(b.loadDate) || a.schedule.localeCompare(b.schedule));
    for (const entry of due) {
      await queueScheduleDate(engine, entry.schedule, entry.loadDate, new Date(entry.firedAt));
      this.queuedKeys.add(keyOf(entry.schedule, entry.loadDate));
      this.queue.push(entry);
      this.remember(entry);
      this.emit({ type: 'queued', schedule: entry.schedule, loadDate: entry.loadDate, at: entry.queuedAt });
    }
    // Keep the queue in date order when a later fire adds an older missing date.
    this.queue.sort((a, b) => a.loadDate.localeCompare(b.loadDate) || a.schedule.localeCompare(b.schedule));
  }

  /**
   * Runs fn when the run before it (scheduled or not) has ended, and holds the queue until fn
   * ends: work that writes this warehouse from elsewhere in the process takes its turn here.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runEntry(entry: QueueEntry, stop: AbortSignal): Promise<void> {
    try {
      await this.exclusive(() => this.runQueued(entry, stop));
    } finally {
      this.queuedKeys.delete(keyOf(entry.schedule, entry.loadDate));
    }
  }

  private async runQueued(entry: QueueEntry, stop: AbortSignal): Promise<void> {
    const { engine, clock } = this.options;
    const schedule = this.schedules.find((s) => s.name === entry.schedule);
    const startedAt = clock.now();
    entry.startedAt = startedAt.toISOString();
    entry.startSequence = ++this.sequence;
    await startScheduleDate(engine, entry.schedule, entry.loadDate, startedAt);
    this.emit({
      type: 'run_started',
      schedule: entry.schedule,
      loadDate: entry.loadDate,
      at: entry.startedAt,
    });
    let status: 'success' | 'failed' | 'interrupted';
    let runId: string | null = null;
    let error: string | undefined;
    try {
      // The project as it is now: a model edited since the scheduler started is built as edited
      // (a project that no longer loads fails the run, with its problems, and the date stays missing).
      const project = await loadProject(this.options.project.root, this.options.env);
      const summary = await runPipeline(project, engine, {
        window: { from: entry.loadDate, to: entry.loadDate },
        ...(schedule?.config.select ? { select: schedule.config.select } : {}),
        ...(schedule?.config.exclude ? { exclude: schedule.config.exclude } : {}),
        trigger: `schedule:${entry.schedule}`,
        command: this.options.command ?? 'schedule',
        signal: stop,
        ...(this.options.onRunEvent ? { onEvent: this.options.onRunEvent } : {}),
        ...(this.options.env ? { env: this.options.env } : {}),
      });
      runId = summary.runId;
      status = summary.status === 'success' ? 'success' : stop.aborted ? 'interrupted' : 'failed';
    } catch (cause) {
      // The run could not start (the project no longer loads, the run lock held by a run of another
      // process, a selection the project no longer has): the date stays missing and is tried again
      // at the next fire.
      status = stop.aborted ? 'interrupted' : 'failed';
      error = describe(cause);
    }
    const finishedAt = clock.now();
    entry.finishedAt = finishedAt.toISOString();
    entry.finishSequence = ++this.sequence;
    entry.runId = runId;
    entry.status = status;
    await finishScheduleDate(engine, {
      schedule: entry.schedule,
      loadDate: entry.loadDate,
      status,
      runId,
      finishedAt,
      error: error ?? null,
    });
    this.emit({
      type: 'run_finished',
      schedule: entry.schedule,
      loadDate: entry.loadDate,
      at: entry.finishedAt,
      runId,
      status,
      ...(error ? { error } : {}),
    });
  }

  private remember(entry: QueueEntry): void {
    this.record.push(entry);
    if (this.record.length > RECORD_LIMIT) this.record.splice(0, this.record.length - RECORD_LIMIT);
  }

  private emit(event: ScheduleEvent): void {
    this.options.onEvent?.(event);
  }
}

function keyOf(schedule: string, loadDate: string): string {
  return `${schedule}\u0000${loadDate}`;
}

function describe(error: unknown): string {
  return error instanceof StrataError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
}
