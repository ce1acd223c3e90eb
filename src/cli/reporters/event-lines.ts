import type { RunEvent } from '../../index.ts';
import { clockTime, formatDuration, formatRows, formatWindow, plural } from '../output/format.ts';
import { plainStyle, type Style } from './style.ts';

/**
 * One line of text per run event, shared by the plain and live reporters:
 *
 *   04:15:01 ✓ dim_customer  scd2  0.12s  6 rows
 *   04:15:01 ✗ bad_model  table  0.03s  error SQL_FAILED Conversion Error: ...
 *   04:15:01 ↻ dim_customer  attempt 1 failed: ENGINE_LOCKED ...; retry in 1.20s
 *   04:15:01 – fact_orders  skipped: upstream bad_model failed
 *   04:15:01 ! orders  warning SOURCE_WINDOW_EMPTY no file for 2025-07-01; its files cover ...
 */
export class EventLines {
  private nameWidth = 0;
  /** Materialisation per task, learnt from run_started; shown after the task name. */
  private materializations: ReadonlyMap<string, string> = new Map();

  constructor(private readonly style: Style = plainStyle) {}

  /** The line for an event, or undefined for events this reporter does not print. */
  line(event: RunEvent, now: Date, options: { starts?: boolean } = {}): string | undefined {
    return this.text(event, now, options)?.trimEnd();
  }

  private text(event: RunEvent, now: Date, options: { starts?: boolean }): string | undefined {
    const s = this.style;
    const time = s.dim(clockTime(now));
    switch (event.type) {
      case 'run_started':
        this.nameWidth = Math.max(0, ...event.tasks.map((t) => t.length));
        this.materializations = new Map(Object.entries(event.materializations));
        return `${time} ▶ run ${event.runId}  ${plural(event.tasks.length, 'task')}  window ${formatWindow(event.dateFrom, event.dateTo)}  ${s.dim(event.engine)}`;
      case 'task_started':
        if (!options.starts) return undefined;
        return `${time} → ${this.name(event.task)}${event.attempt > 1 ? `  attempt ${event.attempt}` : ''}`;
      case 'task_succeeded':
        return `${time} ${s.green('✓')} ${this.name(event.task)}  ${formatDuration(event.durationMs)}  ${formatRows(event.rows)}${event.attempt > 1 ? `  (attempt ${event.attempt})` : ''}${event.detail ? `  ${s.dim(event.detail)}` : ''}`;
      case 'task_failed': {
        const error = `${event.error.code} ${firstLine(event.error.message)}`;
        if (event.retryInMs !== undefined) {
          return `${time} ${s.yellow('↻')} ${this.name(event.task)}  attempt ${event.attempt} failed: ${error}; retry in ${formatDuration(event.retryInMs)}`;
        }
        return `${time} ${s.red('✗')} ${this.name(event.task)}  ${formatDuration(event.durationMs)}  ${s.red(`error ${error}`)}`;
      }
      case 'task_interrupted':
        return `${time} ${s.yellow('■')} ${this.name(event.task)}  ${formatDuration(event.durationMs)}  ${s.yellow('interrupted: cancelled and rolled back')}`;
      case 'task_warning': {
        const { warning } = event;
        return `${time} ${s.yellow('!')} ${this.name(event.task)}  ${s.yellow(`warning ${warning.code}`)} ${firstLine(warning.message)}`;
      }
      case 'task_skipped':
        return `${time} ${s.dim('–')} ${this.name(event.task)}  ${s.dim(event.reason)}`;
      case 'check_finished': {
        const { status, message } = event.result;
        if (status === 'pass') return undefined;
        const mark = status === 'warn' ? s.yellow('!') : s.red('✗');
        const label = status === 'warn' ? s.yellow('warn') : s.red(status);
        return `${time} ${mark} ${label} ${firstLine(message)}`;
      }
      case 'alert':
        return `${time} ${s.yellow('⚑')} alert ${event.rule}: ${firstLine(event.message)}${event.delivery === 'failed' ? s.red('  (webhook delivery failed)') : ''}`;
      case 'run_finished': {
        const status = event.status === 'success' ? s.green(event.status) : s.red(s.bold(event.status));
        const interrupted = event.interrupted ? `, ${event.interrupted} interrupted` : '';
        // event.skipped counts the unchanged too; the line names them apart, as the run's summary does.
        const stopped = event.skipped - (event.unchanged ?? 0);
        const unchanged = event.unchanged ? `, ${event.unchanged} unchanged` : '';
        return `${time} ■ run ${event.runId} ${status}  ${event.succeeded} succeeded, ${event.failed} failed${interrupted}, ${stopped} skipped${unchanged}  ${formatDuration(event.durationMs)}`;
      }
    }
  }

  /** The task name padded to the longest in the run, then its materialisation when known. */
  name(task: string): string {
    const materialization = this.materializations.get(task);
    const padded = task.padEnd(this.nameWidth);
    return materialization ? `${padded}  ${materialization.padEnd(11)}` : padded;
  }
}

export function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.trim() ?? '';
}
