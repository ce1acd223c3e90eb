import { type Html, badge, h } from './html.ts';
import type { PageSpec } from './layout.ts';
import { lineageLegend, lineageSvg } from './lineage-svg.ts';
import { localGraph, nodeItem } from './pages-nodes.ts';
import { code, facts } from './parts.ts';
import { ROOT_PAGES, entityPath, link } from './paths.ts';
import type { Site } from './site.ts';
import type { DocsModel, DocsPage } from './types.ts';

/** The overview, the whole lineage, coverage, search and the dashboard pages' pages. */

const percent = (part: number, whole: number) => (whole === 0 ? 100 : Math.round((part / whole) * 1000) / 10);

function coverageFigure(site: Site): Html {
  const { columns, described, models, modelsDescribed } = site.data.coverage;
  const share = percent(described, columns);
  return h`<div class="coverage" data-role="coverage" data-described="${described}" data-columns="${columns}">
<div class="coverage-figure"><span class="big">${share}%</span> of columns described <span class="muted">(${described} of ${columns})</span></div>
<div class="bar" role="img" aria-label="${share}% of columns described"><span style="width:${share}%"></span></div>
<div class="muted">${modelsDescribed} of ${models} models described (${percent(modelsDescribed, models)}%)</div>
</div>`;
}

function statusCounts(site: Site): Map<string, number> {
  const counts = new Map<string, number>();
  for (const check of site.data.checks) {
    const status = check.latest?.status ?? 'not run';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return counts;
}

/** Models grouped by their schema: the project's layers (staging, warehouse, marts ...). */
function layers(site: Site, from: string): Html {
  const bySchema = new Map<string, DocsModel[]>();
  for (const model of site.data.models) {
    const dot = model.table.indexOf('.');
    const schema = dot > 0 ? model.table.slice(0, dot) : '';
    bySchema.set(schema, [...(bySchema.get(schema) ?? []), model]);
  }
  return h`<div class="layers">${[...bySchema].map(
    ([schema, models]) =>
      h`<section class="layer" data-layer="${schema}"><h3>${schema || 'models'} <span class="muted">(${models.length})</span></h3><ul class="node-list">${models.map((model) => nodeItem(from, 'model', model))}</ul></section>\n`,
  )}</div>`;
}

export function indexPage(site: Site): PageSpec {
  const from = ROOT_PAGES.index;
  const { data } = site;
  const stat = (label: string, n: number, href: string) =>
    h`<a class="stat" data-count="${label}" href="${href}"><span class="big">${n}</span>${label}</a>`;
  const list = (id: string, title: string, items: Html[]) =>
    items.length === 0
      ? ''
      : h`<section id="${id}"><h2>${title}</h2><ul class="node-list">${items}</ul></section>`;
  const body = h`<p class="kicker">Project</p><h1 data-role="title">${data.project.name}</h1>
<div class="stats">
${stat('sources', data.sources.length, '#sources')}${stat('seeds', data.seeds.length, '#seeds')}${stat('models', data.models.length, '#models')}${stat('checks', data.checks.length, link(from, ROOT_PAGES.checks))}${stat('dashboard pages', data.pages.length, '#pages')}
</div>
<div class="two">
<section><h2>Documentation coverage</h2>${coverageFigure(site)}<p><a href="${link(from, ROOT_PAGES.coverage)}">Columns without a description</a></p></section>
<section><h2>Checks, latest results</h2><p class="summary" data-role="status-counts">${[...statusCounts(site)].sort().map(([status, n]) => h`<span>${badge(status)} ${n}</span> `)}</p><p><a href="${link(from, ROOT_PAGES.checks)}">All checks</a> · <a href="${link(from, ROOT_PAGES.lineage)}">Lineage graph</a></p></section>
</div>
${facts([
  ['Engine', data.project.engine],
  ['Generated', data.project.generatedAt],
  ['strata', data.project.strataVersion],
])}
${list(
  'sources',
  'Sources',
  data.sources.map((source) => nodeItem(from, 'source', source)),
)}
${list(
  'seeds',
  'Seeds',
  data.seeds.map((seed) => nodeItem(from, 'seed', seed)),
)}
<section id="models"><h2>Models by layer</h2>${layers(site, from)}</section>
${list(
  'pages',
  'Dashboard pages',
  data.pages.map(
    (page) =>
      h`<li><a href="${link(from, entityPath('page', page.name))}">${page.title}</a> <span class="muted">${page.name}</span></li>\n`,
  ),
)}`;
  return { path: from, title: 'Overview', section: 'overview', body };
}

export function lineagePage(site: Site): PageSpec {
  const from = ROOT_PAGES.lineage;
  const { lineage } = site.data;
  const body = h`<h1>Lineage</h1>
<p class="muted">${lineage.nodes.length} nodes, ${lineage.edges.length} edges: what has no upstream on the left, then each node one column right of its deepest upstream.</p>
${lineageLegend()}
${lineageSvg(lineage, {
  label: `Lineage of ${site.data.project.name}`,
  anchors: true,
  href: (node) => {
    const place = site.placeOf(node);
    return place ? site.href(from, place) : null;
  },
})}`;
  return { path: from, title: 'Lineage', section: 'lineage', body };
}

export function coveragePage(site: Site): PageSpec {
  const from = ROOT_PAGES.coverage;
  const byNode = new Map<string, string[]>();
  for (const { node, column } of site.data.coverage.undocumented) {
    byNode.set(node, [...(byNode.get(node) ?? []), column]);
  }
  const undescribed = site.data.models.filter((model) => (model.description ?? '').trim() === '');
  const groups = [...byNode].map(
    ([node, columns]) =>
      h`<section class="group" data-node="${node}"><h3>${site.nodeLink(from, node)} <span class="muted">(${columns.length})</span></h3><ul class="chips" data-role="undocumented">${columns.map((column) => h`<li>${site.columnNameLink(from, node, column)}</li>`)}</ul></section>\n`,
  );
  const body = h`<h1>Documentation coverage</h1>
${coverageFigure(site)}
${undescribed.length === 0 ? '' : h`<section><h2>Models without a description</h2><ul class="chips" data-role="undescribed-models">${undescribed.map((model) => h`<li>${site.nodeLink(from, model.name)}</li>`)}</ul></section>`}
<section><h2>Columns without a description <span class="muted">(${site.data.coverage.undocumented.length})</span></h2>
${byNode.size === 0 ? h`<p>Every column is described.</p>` : groups}
</section>`;
  return { path: from, title: 'Coverage', section: 'coverage', body };
}

export function searchPage(): PageSpec {
  const body = h`<h1>Search</h1>
<p class="muted" data-role="search-status">Search needs JavaScript. Every source, seed and model is listed on the <a href="index.html">overview</a>, every check on the <a href="checks.html">checks</a> page.</p>
<ol class="results" data-role="search-page-results"></ol>`;
  return { path: ROOT_PAGES.search, title: 'Search', section: 'search', body };
}

export function dashboardPage(site: Site, page: DocsPage): PageSpec {
  const from = entityPath('page', page.name);
  const body = h`<p class="kicker">Dashboard page</p><h1 data-role="title">${page.title}</h1>
${facts([
  ['Name', code(page.name)],
  ['File', code(page.file)],
])}
<section><h2>Reads</h2>${page.reads.length === 0 ? h`<p class="muted">Nothing of the project.</p>` : h`<ul class="node-list" data-role="reads">${page.reads.map((name) => h`<li>${site.nodeLink(from, name)}</li>`)}</ul>`}</section>
<section><h2>Shows</h2>${page.components.length === 0 ? h`<p class="muted">No titled components.</p>` : h`<ol class="components">${page.components.map((title) => h`<li>${title}</li>`)}</ol>`}</section>
${localGraph(site, from, 'page', page.name)}`;
  return { path: from, title: page.title, section: null, body };
}
