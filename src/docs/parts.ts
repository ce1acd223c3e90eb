import type { ColumnLineage } from '../lineage/types.ts';
import { type Html, badge, h, richText } from './html.ts';
import type { Site } from './site.ts';
import type { DocsCheck, DocsCheckResult, DocsColumn, DocsNodeBase } from './types.ts';

/** Pieces several pages share: facts, descriptions, column tables, check lists, node lists. */

export function description(text: string | null): Html {
  return text === null || text.trim() === ''
    ? h`<p class="muted undocumented">No description.</p>`
    : h`<p class="description">${richText(text)}</p>`;
}

/** A definition list of facts; a null value is left out. */
export function facts(items: [string, Html | string | number | null][]): Html {
  const shown = items.filter(([, value]) => value !== null && value !== '');
  return h`<dl class="facts">${shown.map(([term, value]) => h`<div data-fact="${term}"><dt>${term}</dt><dd>${value}</dd></div>`)}</dl>`;
}

export const code = (text: string): Html => h`<code>${text}</code>`;

/** A check's name without its node (`not_null(customer_sk)` of `fact_orders:not_null(customer_sk)`). */
export const checkLabel = (check: DocsCheck): string =>
  check.id.startsWith(`${check.target}:`) ? check.id.slice(check.target.length + 1) : check.id;

/** A check's newest status as a badge linking to its page. */
export function checkBadge(site: Site, from: string, check: DocsCheck): Html {
  return h`<a class="check-link" href="${site.checkHref(from, check.id)}" data-check="${check.id}" title="${check.definition}">${badge(check.latest?.status ?? null)} <span>${check.type}</span></a>`;
}

const statusClass = (status: string) => status.toLowerCase().replace(/[^a-z]+/g, '-');

/** A check's history, oldest first, as a row of dots. */
export function historyDots(history: readonly DocsCheckResult[]): Html {
  if (history.length === 0) return h`<span class="muted">no runs</span>`;
  return h`<span class="dots" data-role="history">${history.map(
    (result) =>
      h`<span class="dot dot-${statusClass(result.status)}" data-status="${result.status}" title="${result.status} · ${result.startedAt}${result.failingRows === null ? '' : ` · ${result.failingRows} failing`}"></span>`,
  )}</span>`;
}

/**
 * The column lineage cell: derivation, inputs linked to their columns, what is unresolved, and —
 * when they are not the inputs themselves — the source and seed columns it is traced back to.
 */
function lineageCell(site: Site, from: string, node: string, lineage: ColumnLineage | undefined): Html {
  if (!lineage) return h`<span class="muted">—</span>`;
  const inputs =
    lineage.inputs.length === 0
      ? ''
      : h`<ul class="inputs">${lineage.inputs.map((input) => h`<li>${site.columnLink(from, input.node, input.column)}</li>`)}</ul>`;
  const derivation = lineage.derivation
    ? h`<span class="derivation derivation-${lineage.derivation}">${lineage.derivation}</span>`
    : '';
  // Resolved without inputs: say so, or a reader cannot tell "reads no column" from "not known".
  const unresolved = lineage.unresolved
    ? h`<p class="unresolved" data-role="unresolved">Not resolved: ${richText(lineage.unresolved)}</p>`
    : lineage.inputs.length === 0 && lineage.derivation
      ? h`<p class="muted" data-role="no-inputs">reads no column (a row count, a constant or a generated value)</p>`
      : '';
  const key = (ref: { node: string; column: string }) => `${ref.node}\u0000${ref.column}`;
  const direct = new Set(lineage.inputs.map(key));
  const origins = site.originsOf(node, lineage.column);
  const traced =
    origins.length === 0 || origins.every((origin) => direct.has(key(origin)))
      ? ''
      : h`<details class="origins" data-role="origins"><summary>traced back to ${origins.length} column${origins.length === 1 ? '' : 's'}</summary><ul class="inputs">${origins.map((origin) => h`<li>${site.columnLink(from, origin.node, origin.column)}</li>`)}</ul></details>`;
  return h`${derivation}${inputs}${unresolved}${traced}`;
}

/** A column's description, or one inherited through copies, said to be so. */
function describe(site: Site, node: string, column: DocsColumn, from: string): Html {
  if (column.description !== null) return richText(column.description);
  const inherited = site.inheritedDescription(node, column.name);
  if (!inherited) return h`<span class="muted undocumented">—</span>`;
  return h`<span class="inherited" data-role="inherited">${richText(inherited.text)} <span class="muted">(from ${site.columnLink(from, inherited.from.node, inherited.from.column)})</span></span>`;
}

/** The model columns computed from this one, linked (collapsed when many). */
function readersCell(site: Site, from: string, node: string, column: string): Html {
  const readers = site.readersOf(node, column);
  if (readers.length === 0) return h``;
  const list = h`<ul class="inputs">${readers.map((ref) => h`<li>${site.columnLink(from, ref.node, ref.column)}</li>`)}</ul>`;
  return readers.length <= 4
    ? h`<div class="readers" data-role="used-by">${list}</div>`
    : h`<details class="readers" data-role="used-by"><summary>${readers.length} columns</summary>${list}</details>`;
}

/**
 * A node's columns: name (the anchor other pages link to), warehouse type, description, the checks
 * on the column with their newest status, where a model's column comes from (its column lineage)
 * and which model columns are computed from it.
 */
export function columnsTable(
  site: Site,
  from: string,
  node: string,
  columns: readonly DocsColumn[],
  /** A model's column lineage; without it, no "Comes from" (a source's or seed's columns come from files). */
  lineage?: readonly ColumnLineage[],
): Html {
  if (columns.length === 0) return h`<p class="muted">No columns known (the table is not built yet).</p>`;
  const byColumn = new Map((lineage ?? []).map((entry) => [entry.column.toLowerCase(), entry]));
  const withLineage = lineage !== undefined;
  const withReaders = columns.some((column) => site.readersOf(node, column.name).length > 0);
  const rows = columns.map((column) => {
    const checks = column.checks.flatMap((id) => {
      const check = site.checks.get(id);
      return check ? [checkBadge(site, from, check)] : [];
    });
    const anchor = site.anchorOf(node, column.name);
    return h`<tr id="${anchor}" data-column="${column.name}">
<td class="col-name"><a class="anchor" href="#${encodeURIComponent(anchor)}">${column.name}</a></td>
<td class="col-type">${column.type === null ? h`<span class="muted">not built</span>` : code(column.type)}</td>
<td class="col-desc">${describe(site, node, column, from)}</td>
<td class="col-checks" data-label="Checks">${checks.length === 0 ? '' : h`<div class="check-list">${checks}</div>`}</td>
${withLineage ? h`<td class="col-lineage" data-label="Comes from">${lineageCell(site, from, node, byColumn.get(column.name.toLowerCase()))}</td>` : ''}
${withReaders ? h`<td class="col-lineage" data-label="Used by">${readersCell(site, from, node, column.name)}</td>` : ''}
</tr>\n`;
  });
  return h`<div class="scroll"><table class="columns" data-role="columns">
<thead><tr><th>Column</th><th>Type</th><th>Description</th><th>Checks</th>${withLineage ? h`<th>Comes from</th>` : ''}${withReaders ? h`<th>Used by</th>` : ''}</tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

/** The checks on a node: each with its column, type, severity, newest status and history. */
export function checksTable(site: Site, from: string, checks: readonly DocsCheck[]): Html {
  if (checks.length === 0) return h`<p class="muted">No checks.</p>`;
  const rows = checks.map(
    (check) => h`<tr data-check="${check.id}" data-status="${check.latest?.status ?? ''}">
<td><a href="${site.checkHref(from, check.id)}">${checkLabel(check)}</a></td>
<td>${check.column === null ? h`<span class="muted">table</span>` : site.columnLink(from, check.target, check.column)}</td>
<td>${check.type}</td><td>${check.severity}</td>
<td>${badge(check.latest?.status ?? null)}</td>
<td>${check.latest?.failingRows ?? ''}</td>
<td>${historyDots(check.history)}</td></tr>\n`,
  );
  return h`<div class="scroll"><table class="checks" data-role="checks">
<thead><tr><th>Check</th><th>Column</th><th>Type</th><th>Severity</th><th>Latest</th><th>Failing rows</th><th>History</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

/** Upstream and downstream, each a list of links. */
export function neighbours(site: Site, from: string, node: DocsNodeBase): Html {
  const list = (names: readonly string[], role: string) =>
    names.length === 0
      ? h`<p class="muted">None.</p>`
      : h`<ul class="node-list" data-role="${role}">${names.map((name) => h`<li>${site.nodeLink(from, name)}</li>`)}</ul>`;
  return h`<div class="two">
<section><h2>Upstream</h2>${list(node.upstream, 'upstream')}</section>
<section><h2>Downstream</h2>${list(node.downstream, 'downstream')}</section>
</div>`;
}

export function sqlBlock(title: string, sql: string, role: string): Html {
  return h`<section class="sql"><h2>${title}</h2><pre data-role="${role}"><code>${sql}</code></pre></section>`;
}
