import { type Html, html } from './html.ts';
import type { PageSpec } from './layout.ts';
import { lineageLegend, lineageSvg, neighbourhood } from './lineage-svg.ts';
import { code, facts } from './parts.ts';
import { nodeItem } from './pages-nodes.ts';
import { ROOT_PAGES, columnAnchor, entityPath, link } from './paths.ts';
import type { Site } from './site.ts';
import type { DocsModel, DocsPage } from './types.ts';

/** The overview, the whole lineage, coverage, search and the dashboard pages' pages. */

const percent = (part: number, whole: number) => (whole === 0 ? 100 : Math.round((part / whole) * 1000) / 10);

function coverageFigure(site: Site): Html {
  const { columns, described, models, modelsDescribed } = site.data.coverage;
  const share = percent(described, columns);
  return html`<div
    class="coverage"
    data-role="coverage"
    data-described="${described}"
    data-columns="${columns}"
  >
    <div class="coverage-figure">
      <span class="big">${share}%</span> of columns described
      <span class="muted">(${described} of ${columns})</span>
    </div>
    <div class="bar" role="img" aria-label="${share}% of columns described">
      <span style="width:${share}%"></span>
    </div>
    <div class="muted">
      ${modelsDescribed} of ${models} models described (${percent(modelsDescribed, models)}%)
    </div>
  </div>`;
}

/** Models grouped by their schema, the project's layers (staging, warehouse, marts ...). */
function layers(site: Site, from: string): Html {
  const bySchema = new Map<string, DocsModel[]>();
  for (const model of site.data.models) {
    const schema = model.table.includes('.') ? model.table.slice(0, model.table.indexOf('.')) : '';
    bySchema.set(schema, [...(bySchema.get(schema) ?? []), model]);
  }
  return html`${[...bySchema].map(
    ([schema, models]) =>
      html`<section class="layer" data-layer="${schema}">
        <h3>${schema || 'models'} <span class="muted">(${models.length})</span></h3>
        <ul class="node-list">
          ${models.map((model) => nodeItem(from, 'model', model))}
        </ul>
      </section>`,
  )}`;
}

export function indexPage(site: Site): PageSpec {
  const from = ROOT_PAGES.index;
  const { data } = site;
  const statuses = new Map<string, number>();
  for (const check of data.checks) {
    const status = check.latest?.status ?? 'not run';
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const count = (label: string, n: number, to?: string) =>
    html`<div class="stat" data-count="${label}">
      <span class="big">${n}</span>${to ? html`<a href="${link(from, to)}">${label}</a>` : label}
    </div>`;
  const body = html`<p class="kicker">Project</p>
    <h1 data-role="title">${data.project.name}</h1>
    ${facts([
      ['Engine', data.project.engine],
      ['Generated', data.project.generatedAt],
      ['strata', data.project.strataVersion],
    ])}
    <div class="stats">
      ${count('sources', data.sources.length)}${count('seeds', data.seeds.length)}${count('models', data.models.length)}${count('checks', data.checks.length, ROOT_PAGES.checks)}${count('dashboard pages', data.pages.length)}
    </div>
    <div class="two">
      <section>
        <h2>Documentation coverage</h2>
        ${coverageFigure(site)}
        <p><a href="${link(from, ROOT_PAGES.coverage)}">Undocumented columns</a></p>
      </section>
      <section>
        <h2>Checks, latest results</h2>
        <p class="summary">
          ${[...statuses].sort().map(([status, n]) => html`<span class="badge badge-${status.replace(/[^a-z]+/g, '-')}">${status}</span> ${n} `)}
        </p>
        <p>
          <a href="${link(from, ROOT_PAGES.checks)}">All checks</a> ·
          <a href="${link(from, ROOT_PAGES.lineage)}">Lineage graph</a>
        </p>
      </section>
    </div>
    <section>
      <h2>Sources</h2>
      ${
        data.sources.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<ul class="node-list">
              ${data.sources.map((source) => nodeItem(from, 'source', source))}
            </ul>`
      }
    </section>
    ${
      data.seeds.length === 0
        ? ''
        : html`<section>
            <h2>Seeds</h2>
            <ul class="node-list">
              ${data.seeds.map((seed) => nodeItem(from, 'seed', seed))}
            </ul>
          </section>`
    }
    <section>
      <h2>Models by layer</h2>
      ${layers(site, from)}
    </section>
    ${
      data.pages.length === 0
        ? ''
        : html`<section>
            <h2>Dashboard pages</h2>
            <ul class="node-list">
              ${data.pages.map((page) => html`<li><a href="${link(from, entityPath('page', page.name))}">${page.title}</a> <span class="muted">${page.name}</span></li>`)}
            </ul>
          </section>`
    }`;
  return { path: from, title: 'Overview', section: 'overview', body };
}

export function lineagePage(site: Site): PageSpec {
  const from = ROOT_PAGES.lineage;
  const { lineage } = site.data;
  const body = html`<h1>Lineage</h1>
    <p class="muted">
      ${lineage.nodes.length} nodes, ${lineage.edges.length} edges: sources and seeds on the left, then models
      by depth, dashboard pages on the right.
    </p>
    ${lineageLegend()}
    ${lineageSvg(lineage, {
      label: `Lineage of ${site.data.project.name}`,
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
  const undescribed = site.data.models.filter(
    (model) => model.description === null || model.description.trim() === '',
  );
  const body = html`<h1>Documentation coverage</h1>
    ${coverageFigure(site)}
    ${
      undescribed.length === 0
        ? ''
        : html`<section>
            <h2>Models without a description</h2>
            <ul class="node-list" data-role="undescribed-models">
              ${undescribed.map((model) => html`<li>${site.nodeLink(from, model.name)}</li>`)}
            </ul>
          </section>`
    }
    <section>
      <h2>
        Columns without a description <span class="muted">(${site.data.coverage.undocumented.length})</span>
      </h2>
      ${
        byNode.size === 0
          ? html`<p>Every column is described.</p>`
          : html`${[...byNode].map(
              ([node, columns]) =>
                html`<section class="group" data-node="${node}">
                  <h3>${site.nodeLink(from, node)} <span class="muted">(${columns.length})</span></h3>
                  <ul class="chips" data-role="undocumented">
                    ${columns.map((column) => html`<li>${columnLinkOrText(site, from, node, column)}</li>`)}
                  </ul>
                </section>`,
            )}`
      }
    </section>`;
  return { path: from, title: 'Coverage', section: 'coverage', body };
}

function columnLinkOrText(site: Site, from: string, node: string, column: string): Html {
  const place = site.place(node);
  return place ? html`<a href="${link(from, place.path, columnAnchor(column))}">${column}</a>` : code(column);
}

export function searchPage(): PageSpec {
  const body = html`<h1>Search</h1>
    <p class="muted" data-role="search-status">
      Search needs JavaScript; every source, seed, model and check is listed on the
      <a href="index.html">overview</a> and the <a href="checks.html">checks</a> page.
    </p>
    <ol class="results" data-role="search-page-results"></ol>`;
  return { path: ROOT_PAGES.search, title: 'Search', section: 'search', body };
}

export function dashboardPage(site: Site, page: DocsPage): PageSpec {
  const from = entityPath('page', page.name);
  const self = site.data.lineage.nodes.find((node) => node.kind === 'page' && node.name === page.name);
  const graph = self
    ? html`<section>
        <h2>Lineage</h2>
        ${lineageLegend()}${lineageSvg(neighbourhood(site.data.lineage, self.id), {
          label: `Lineage of the page ${page.name}`,
          focus: self.id,
          href: (node) => {
            const place = site.placeOf(node);
            return place ? site.href(from, place) : null;
          },
        })}
      </section>`
    : '';
  const body = html`<p class="kicker">Dashboard page</p>
    <h1 data-role="title">${page.title}</h1>
    ${facts([
      ['Name', code(page.name)],
      ['File', code(page.file)],
    ])}
    <section>
      <h2>Reads</h2>
      ${
        page.reads.length === 0
          ? html`<p class="muted">Nothing of the project.</p>`
          : html`<ul class="node-list" data-role="reads">
              ${page.reads.map((name) => html`<li>${site.nodeLink(from, name)}</li>`)}
            </ul>`
      }
    </section>
    <section>
      <h2>Shows</h2>
      ${
        page.components.length === 0
          ? html`<p class="muted">No titled components.</p>`
          : html`<ol class="components">
              ${page.components.map((title) => html`<li>${title}</li>`)}
            </ol>`
      }
    </section>
    ${graph}`;
  return { path: from, title: page.title, section: null, body };
}
