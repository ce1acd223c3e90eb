import type { RunSummary } from '../../index.ts';
import { formatError } from './error.ts';
import { formatCount, formatDuration, formatWindow } from './format.ts';
import { renderTable } from './table.ts';

/**
 * The end-of-run report on stdout: one row per task, the totals and run id, and for each failure
 * its error with location and hint.
 */
export function formatRunSummary(summary: RunSummary, options: { projectArg?: string } = {}): string {
  const rows = summary.tasks.map((task) => [
    task.task,
    task.materialization,
    task.status,
    String(task.attempts),
    // A view stores no rows; its count says nothing.
    task.rows && task.materialization !== 'view' ? formatCount(task.rows.rowsOut) : '–',
    formatDuration(task.durationMs),
  ]);
  let out = renderTable(
    [
      { header: 'TASK' },
      { header: 'MATERIALIZATION' },
      { header: 'STATUS' },
      { header: 'ATTEMPTS', align: 'right' },
      { header: 'ROWS', align: 'right' },
      { header: 'TIME', align: 'right' },
    ],
    rows,
  );
  const count = (status: string) => summary.tasks.filter((t) => t.status === status).length;
  const failed = count('failed');
  const skipped = count('skipped');
  out += `\nRun ${summary.runId} ${summary.status} in ${formatDuration(summary.durationMs)}: `;
  out += `${count('success')} succeeded, ${failed} failed, ${skipped} skipped`;
  out += ` (window ${formatWindow(summary.window.from, summary.window.to)}`;
  out += summary.resumedFrom ? `, resuming ${summary.resumedFrom})\n` : ')\n';

  const details = summary.tasks.filter((t) => t.rows?.detail);
  if (details.length > 0) {
    out += '\nSources:\n';
    for (const task of details) out += `  ${task.task}: ${task.rows?.detail}\n`;
  }

  const failures = summary.tasks.filter((t) => t.status === 'failed');
  if (failures.length > 0) {
    out += '\nFailed:\n';
    for (const task of failures) {
      out += `\n${task.task} (${task.target}, ${task.attempts === 1 ? '1 attempt' : `${task.attempts} attempts`}):\n`;
      out += task.error ? indent(formatError(task.error)) : '  (no error recorded)\n';
    }
  }
  if (failed + skipped > 0) {
    out += `\nAfter fixing, rerun only what failed or was skipped:\n  strata run --resume ${summary.runId}${options.projectArg ?? ''}\n`;
  }
  return out;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
