import { type Html, badge, h } from './html.ts';
import type { PageSpec } from './layout.ts';
import { checkLabel, code, description, facts, historyDots, sqlBlock } from './parts.ts';
import { ROOT_PAGES, entityPath } from './paths.ts';
import type { Site } from './site.ts';
import type { DocsCheck, DocsCheckResult } from './types.ts';

/** A page per check, and the checks index grouped by the node they check. */

const dates = (result: DocsCheckResult) =>
  result.dateFrom === null
    ? ''
    : result.dateFrom === result.dateTo || result.dateTo === null
      ? result.dateFrom
      : `${result.dateFrom} – ${result.dateTo}`;

function resultRow(result: DocsCheckResult): Html {
  return h`<tr data-run="${result.runId}" data-status="${result.status}"><td>${result.startedAt}</td><td><code>${result.runId}</code></td><td>${badge(result.status)}</td><td>${result.failingRows ?? ''}</td><td>${result.checkedRows ?? ''}</td><td>${dates(result)}</td></tr>\n`;
}

export function checkPage(site: Site, check: DocsCheck): PageSpec {
  const from = entityPath('check', check.id);
  const latest = check.latest;
  const history = [...check.history].reverse();
  const table =
    history.length === 0
      ? ''
      : h`<div class="scroll"><table class="num" data-role="history-table"><thead><tr><th>Started</th><th>Run</th><th>Status</th><th>Failing</th><th>Checked</th><th>Load dates</th></tr></thead><tbody>${history.map(resultRow)}</tbody></table></div>`;
  const body = h`<p class="kicker">Check</p>
<h1 data-role="title">${check.id} <span data-role="latest">${badge(latest?.status ?? null)}</span></h1>
${description(check.definition)}
${facts([
  [
    'Checks',
    check.column === null
      ? site.nodeLink(from, check.target)
      : site.columnLink(from, check.target, check.column),
  ],
  ['Type', check.type],
  ['Severity', check.severity],
  ['Declared in', code(check.file)],
  [
    'Latest run',
    latest
      ? h`${latest.startedAt} · <code>${latest.runId}</code>`
      : h`<span class="muted">not run yet</span>`,
  ],
  ['Failing rows', latest?.failingRows ?? null],
  ['Rows checked', latest?.checkedRows ?? null],
])}
<section><h2>History</h2><p>${historyDots(check.history)}</p>${table}</section>
${sqlBlock('SQL that finds failing rows', check.sql, 'sql')}`;
  return { path: from, title: check.id, section: 'checks', body };
}

export function checksIndex(site: Site): PageSpec {
  const from = ROOT_PAGES.checks;
  const byTarget = new Map<string, DocsCheck[]>();
  for (const check of site.data.checks)
    byTarget.set(check.target, [...(byTarget.get(check.target) ?? []), check]);
  const counts = new Map<string, number>();
  for (const check of site.data.checks) {
    const status = check.latest?.status ?? 'not run';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const groups = [...byTarget].sort(([a], [b]) => a.localeCompare(b));
  // One table, a node's checks together, the node named on its first row.
  const row = (target: string, check: DocsCheck, first: boolean) =>
    h`<tr data-check="${check.id}" data-status="${check.latest?.status ?? ''}"${first ? h` class="group-start"` : ''}><td class="node">${first ? site.nodeLink(from, target) : ''}</td><td><a href="${site.checkHref(from, check.id)}">${checkLabel(check)}</a></td><td>${check.column === null ? '' : site.columnNameLink(from, target, check.column)}</td><td>${check.severity}</td><td>${badge(check.latest?.status ?? null)}</td><td>${historyDots(check.history)}</td></tr>\n`;
  const body = h`<h1>Checks</h1>
<p class="summary" data-role="status-counts">${[...counts].sort().map(([status, n]) => h`<span>${badge(status)} ${n}</span> `)}</p>
${
  site.data.checks.length === 0
    ? h`<p class="muted">The project declares no checks.</p>`
    : h`<div class="scroll"><table class="checks checks-index" data-role="checks-index"><thead><tr><th>Node</th><th>Check</th><th>Column</th><th>Severity</th><th>Latest</th><th>History</th></tr></thead><tbody>${groups.map(
        ([target, checks]) => checks.map((check, i) => row(target, check, i === 0)),
      )}</tbody></table></div>`
}`;
  return { path: from, title: 'Checks', section: 'checks', body };
}
