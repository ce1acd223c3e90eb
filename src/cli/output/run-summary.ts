import { isUnchangedSkip } from '../../errors/codes.ts';
import type { RunSummary } from '../../index.ts';
import { checkCounts, formatCheckResults } from './check-results.ts';
import { formatError } from './error.ts';
import { formatCount, formatDuration, formatWindow } from './format.ts';
import { renderTable } from './table.ts';

/**
 * The end-of-run report on stdout: one row per task, the totals and run id, and for each failure
 * its error with location and hint.
 */
export function formatRunSummary(
  summary: RunSummary,
  options: { projectArg?: string; command?: string } = {},
): string {
  const rows = summary.tasks.map((task) => [
    task.task,
    task.materialization,
    unchanged(task) ? 'unchanged' : task.status,
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
  // A task skipped because nothing it reads changed is done: not something to rerun.
  const unchangedTasks = summary.tasks.filter(unchanged).length;
  const skipped = count('skipped') - unchangedTasks;
  const interrupted = count('interrupted');
  out += `\nRun ${summary.runId} ${summary.status} in ${formatDuration(summary.durationMs)}: `;
  out += `${count('success')} succeeded, ${failed} failed${interrupted > 0 ? `, ${interrupted} interrupted` : ''}, ${skipped} skipped`;
  if (unchangedTasks > 0) out += `, ${unchangedTasks} unchanged`;
  out += ` (window ${formatWindow(summary.window.from, summary.window.to)}`;
  out += summary.resumedFrom ? `, resuming ${summary.resumedFrom})\n` : ')\n';

  const details = summary.tasks.filter((t) => t.kind === 'source' && t.rows?.detail);
  if (details.length > 0) {
    out += '\nSources:\n';
    for (const task of details) out += `  ${task.task}: ${task.rows?.detail}\n`;
  }

  if (summary.warnings.length > 0) {
    out += '\nWarnings:\n';
    for (const warning of summary.warnings) {
      out += `  ${warning.source ?? warning.task}: ${warning.code} ${warning.message}\n`;
      if (warning.hint) out += `    hint: ${warning.hint}\n`;
    }
  }

  out += monitoringSections(summary, options.projectArg ?? '');

  const failures = summary.tasks.filter((t) => t.status === 'failed');
  if (failures.length > 0) {
    out += '\nFailed:\n';
    for (const task of failures) {
      out += `\n${task.task} (${task.target}, ${task.attempts === 1 ? '1 attempt' : `${task.attempts} attempts`}):\n`;
      out += task.error ? indent(formatError(task.error)) : '  (no error recorded)\n';
    }
  }
  if (summary.status === 'interrupted') {
    out += `\nInterrupted: the tasks that had finished are kept; the cancelled ones were rolled back.\n`;
    out += `Run the rest with:\n  ${options.command ?? 'strata'} run --resume ${summary.runId}${options.projectArg ?? ''}\n`;
  } else if (failed + skipped > 0) {
    out += `\nAfter fixing, rerun only what failed or was skipped:\n  ${options.command ?? 'strata'} run --resume ${summary.runId}${options.projectArg ?? ''}\n`;
  }
  return out;
}

/** Skipped because its inputs did not change since a build that covered the run's dates. */
function unchanged(task: RunSummary['tasks'][number]): boolean {
  return isUnchangedSkip(task.status, task.error?.code);
}

/** Rows per layer, checks, quarantined records and alerts: what to look at after a run. */
function monitoringSections(summary: RunSummary, projectArg: string): string {
  const { metrics, checks, alerts } = summary;
  let out = '';
  const layers = Object.entries(metrics.rowsByLayer).filter(([, rows]) => rows > 0);
  if (layers.length > 0) {
    out += `\nRows written: ${layers.map(([layer, rows]) => `${layer} ${formatCount(rows)}`).join(', ')}\n`;
  }
  if (metrics.received > 0) {
    const bySource = Object.entries(metrics.sources)
      .filter(([, s]) => s.quarantined > 0)
      .map(([name, s]) => `${name} ${formatCount(s.quarantined)}`);
    out += `Records: ${formatCount(metrics.received)} received, ${formatCount(metrics.staged)} staged, `;
    out += `${formatCount(metrics.quarantined)} quarantined, ${formatCount(metrics.duplicates)} duplicates removed\n`;
    if (bySource.length > 0) {
      out += `  quarantined by source: ${bySource.join(', ')} — see: strata quarantine --run ${summary.runId}${projectArg}\n`;
    }
  }
  if (checks.length > 0) {
    out += `\nChecks: ${checkCounts(checks)}\n`;
    const notPassed = checks.filter((c) => c.status !== 'pass');
    if (notPassed.length > 0) out += indent(formatCheckResults(notPassed));
  }
  if (alerts.alerts.length > 0 || alerts.evaluationErrors.length > 0) {
    out += '\nAlerts:\n';
    for (const alert of alerts.alerts) {
      const delivery =
        alert.delivery === 'failed'
          ? ` (webhook failed: ${alert.deliveryError ?? 'unknown'})`
          : alert.delivery === 'delivered'
            ? ' (sent)'
            : '';
      out += `  ${alert.rule}: ${alert.message}${delivery}\n`;
    }
    for (const problem of alerts.evaluationErrors)
      out += `  ${problem.rule}: could not be evaluated: ${problem.error}\n`;
  }
  return out;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
