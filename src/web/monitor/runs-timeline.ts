/**
 * A run's task timeline: a Gantt chart on the run's real time axis, drawn as HTML (one row per
 * task, each attempt a bar placed by its start and length, coloured by its status). Retries are
 * several bars on a row; a skipped task says why; the critical path's rows and bars are marked.
 * Hovering a bar (its title) names the task, attempt, status, duration, rows and error.
 *
 * Test hooks: `[data-role=timeline]`, `[data-role=attempt][data-task][data-attempt][data-status]`,
 * `[data-role=timeline-task][data-critical]`, `[data-role=skip-reason]`.
 */
import type { MonitorRunView, MonitorTaskAttempt } from '../../dashboards/monitor-runs-views.ts';
import { el } from '../dom.ts';
import { duration, formatRows } from './run-format.ts';

const TICKS = 4;

export function drawTimeline(view: MonitorRunView): HTMLElement {
  const { timeline } = view;
  if (timeline.tasks.length === 0) {
    return el('p', { class: 'empty', 'data-role': 'timeline' }, 'No task has started yet.');
  }
  const span = Math.max(timeline.spanMs, 1);
  const pct = (ms: number) => `${((Math.max(0, ms) / span) * 100).toFixed(3)}%`;
  const axis = el(
    'div',
    { class: 'gantt-row gantt-axis', 'aria-hidden': 'true' },
    el('div', { class: 'gantt-label' }),
    el(
      'div',
      { class: 'gantt-track' },
      ...Array.from({ length: TICKS + 1 }, (_, i) =>
        el(
          'span',
          { class: 'gantt-tick', style: `left: ${(i / TICKS) * 100}%` },
          i === 0 ? '0' : duration((span * i) / TICKS),
        ),
      ),
    ),
  );
  const rows = timeline.tasks.map((task) =>
    el(
      'div',
      {
        class: `gantt-row${task.critical ? ' gantt-critical' : ''}`,
        'data-role': 'timeline-task',
        'data-task': task.task,
        'data-status': task.status,
        'data-critical': String(task.critical),
      },
      el(
        'div',
        { class: 'gantt-label', title: task.task },
        el('span', { class: 'gantt-name' }, task.task),
        task.critical
          ? el('span', { class: 'gantt-critical-mark', title: 'on the critical path' }, 'critical')
          : null,
        task.attempts.length > 1
          ? el('span', { class: 'gantt-retries' }, `${task.attempts.length} attempts`)
          : null,
      ),
      el(
        'div',
        { class: 'gantt-track' },
        ...task.attempts.map((a) => bar(a, pct, task.critical)),
        task.skipReason
          ? skipReason(
              task.skipReason,
              (task.attempts[0]?.startMs ?? 0) / span,
              (task.attempts.at(-1)?.endMs ?? 0) / span,
            )
          : null,
      ),
    ),
  );
  return el(
    'div',
    { class: 'gantt', 'data-role': 'timeline', 'data-span-ms': String(timeline.spanMs) },
    el(
      'p',
      { class: 'gantt-legend' },
      ...legendStatuses(timeline).map((s) => el('span', { class: `gantt-key gantt-${s}`, 'data-key': s }, s)),
      ...(timeline.criticalPath.length
        ? [
            el('span', { class: 'gantt-key gantt-key-critical' }, 'critical path'),
            el(
              'span',
              { class: 'gantt-path', 'data-role': 'critical-path' },
              timeline.criticalPath.join(' → '),
            ),
          ]
        : []),
    ),
    axis,
    ...rows,
  );
}

/**
 * The statuses the key names: the usual four, `unchanged` when a task was skipped for having
 * nothing to do, and `interrupted` when an attempt was.
 */
function legendStatuses(timeline: MonitorRunView['timeline']): string[] {
  const shown = new Set(timeline.tasks.flatMap((t) => t.attempts.map(shownStatus)));
  const extra = ['unchanged', 'interrupted'].filter((s) => shown.has(s));
  return ['success', 'failed', 'running', 'skipped', ...extra];
}

/** An attempt's status as drawn: a task skipped because its inputs had not changed is `unchanged`. */
function shownStatus(a: MonitorTaskAttempt): string {
  return a.unchanged ? 'unchanged' : a.status;
}

/**
 * The reason beside the skipped task's mark, never over it (a source that read its files before
 * finding nothing new has a long one): on the side with more room, after its end or before its start.
 */
function skipReason(reason: string, startAt: number, endAt: number): HTMLElement {
  const after = Math.min(endAt, 1);
  const percent = (share: number) => `${(share * 100).toFixed(3)}%`;
  // At most the room on its side (its padding within it), so a long reason is cut at its end
  // with an ellipsis rather than at the track's edge.
  const place =
    1 - after < startAt
      ? `right: ${percent(1 - startAt)}; max-width: ${percent(startAt)}; text-align: right; padding-right: 8px`
      : `left: ${percent(after)}; max-width: ${percent(1 - after)}; padding-left: 8px`;
  return el('span', { class: 'gantt-skip', 'data-role': 'skip-reason', style: place, title: reason }, reason);
}

function bar(a: MonitorTaskAttempt, pct: (ms: number) => string, critical: boolean): HTMLElement {
  const lines = [
    `${a.task} — attempt ${a.attempt}`,
    `status: ${a.status}`,
    `started: +${duration(a.startMs)}`,
    `duration: ${a.durationMs === null ? `${duration(a.endMs - a.startMs)} so far` : duration(a.durationMs)}`,
    `rows: ${formatRows(a.rowsOut)}`,
    ...(a.error ? [`error: ${a.errorCode ? `${a.errorCode} ` : ''}${a.error}`] : []),
  ];
  return el('span', {
    class: `gantt-bar gantt-${shownStatus(a)}${critical ? ' gantt-bar-critical' : ''}`,
    'data-role': 'attempt',
    'data-task': a.task,
    'data-attempt': String(a.attempt),
    'data-status': a.status,
    style: `left: ${pct(a.startMs)}; width: ${pct(a.endMs - a.startMs)}`,
    title: lines.join('\n'),
    tabindex: '0',
    'aria-label': lines.join(', '),
  });
}
