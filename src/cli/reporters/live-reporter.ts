import type { RunEvent } from '../../index.ts';
import type { OutputStream } from '../io.ts';
import { formatDuration } from '../output/format.ts';
import { EventLines } from './event-lines.ts';
import type { RunReporter } from './reporter.ts';
import type { Style } from './style.ts';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
const MAX_RUNNING_SHOWN = 12;
// Colour escape sequences, which take no room on screen.
// eslint-disable-next-line no-control-regex
const ANSI_SPLIT = /(\x1b\[[0-9;]*m)/;
// eslint-disable-next-line no-control-regex
const ANSI_ALL = /\x1b\[[0-9;]*m/g;

/**
 * For a terminal: finished tasks scroll by as lines, and below them a block that is redrawn in
 * place lists the running tasks with a spinner and their elapsed time, then the counts so far.
 */
export class LiveReporter implements RunReporter {
  private readonly lines: EventLines;
  private readonly running = new Map<string, { attempt: number; since: number }>();
  private total = 0;
  private done = 0;
  private failed = 0;
  private skipped = 0;
  private drawnLines = 0;
  private frame = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: OutputStream,
    private readonly style: Style,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.lines = new EventLines(style);
  }

  onEvent(event: RunEvent): void {
    const now = this.now();
    switch (event.type) {
      case 'run_started':
        this.total = event.tasks.length;
        this.start();
        break;
      case 'task_started':
        this.running.set(event.task, { attempt: event.attempt, since: now.getTime() });
        break;
      case 'task_succeeded':
        this.running.delete(event.task);
        this.done += 1;
        break;
      case 'task_failed':
        this.running.delete(event.task);
        if (event.retryInMs === undefined) this.failed += 1;
        break;
      case 'task_interrupted':
        this.running.delete(event.task);
        this.failed += 1;
        break;
      case 'task_skipped':
        this.skipped += 1;
        break;
      case 'run_finished':
        this.close();
        break;
    }
    const line = this.lines.line(event, now);
    this.redraw(line);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.running.clear();
    this.clear();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.frame = (this.frame + 1) % SPINNER.length;
      this.redraw();
    }, FRAME_MS);
    this.timer.unref();
  }

  /** Erases the block, writes a permanent line if any, and draws the block again while running. */
  private redraw(permanent?: string): void {
    let text = this.eraseSequence();
    if (permanent !== undefined) text += `${this.fit(permanent)}\n`;
    const block = this.timer ? this.block() : [];
    text += block.map((l) => `${this.fit(l)}\n`).join('');
    this.drawnLines = block.length;
    if (text) this.out.write(text);
  }

  private clear(): void {
    const text = this.eraseSequence();
    this.drawnLines = 0;
    if (text) this.out.write(text);
  }

  /** Cursor up over the block, then erase to the end of the screen. */
  private eraseSequence(): string {
    return this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[0J` : '';
  }

  private block(): string[] {
    const s = this.style;
    const now = this.now().getTime();
    const spinner = s.yellow(SPINNER[this.frame] ?? '*');
    const tasks = [...this.running.entries()];
    const lines = tasks
      .slice(0, MAX_RUNNING_SHOWN)
      .map(
        ([task, { attempt, since }]) =>
          `  ${spinner} ${this.lines.name(task)}  ${s.dim(formatDuration(now - since))}${attempt > 1 ? s.yellow(`  attempt ${attempt}`) : ''}`,
      );
    if (tasks.length > MAX_RUNNING_SHOWN)
      lines.push(s.dim(`    … and ${tasks.length - MAX_RUNNING_SHOWN} more`));
    const finished = this.done + this.failed + this.skipped;
    const failed = this.failed > 0 ? s.red(`${this.failed} failed`) : `${this.failed} failed`;
    lines.push(
      `  ${s.bold(`${finished}/${this.total}`)} done  ${s.green(`${this.done} ok`)}  ${failed}  ${this.skipped} skipped  ${s.dim(`${tasks.length} running`)}`,
    );
    return lines;
  }

  /** Cuts a line to the terminal width so the block's line count stays exact. */
  private fit(line: string): string {
    const columns = this.out.columns ?? 0;
    if (columns <= 0 || visibleLength(line) < columns) return line;
    let visible = 0;
    let out = '';
    for (const part of line.split(ANSI_SPLIT)) {
      if (part.startsWith('\x1b[')) {
        out += part;
        continue;
      }
      for (const char of part) {
        if (visible >= columns - 2) break;
        out += char;
        visible += 1;
      }
    }
    return `${out}\x1b[0m…`;
  }
}

function visibleLength(text: string): number {
  let n = 0;
  for (const _ of text.replace(ANSI_ALL, '')) n += 1;
  return n;
}
