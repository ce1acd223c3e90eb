import { type Html, badge, h } from './html.ts';
import type { PageSpec } from './layout.ts';
import { lineageLegend, lineageSvg, neighbourhood, nodeAnchor } from './lineage-svg.ts';
import { checksTable, code, columnsTable, description, facts, neighbours, sqlBlock } from './parts.ts';
import { ROOT_PAGES, entityPath, link, tableAnchor } from './paths.ts';
import type { Site } from './site.ts';
import type { DocsModel, DocsNodeBase, DocsNodeKind, DocsSeed, DocsSource } from './types.ts';

/** The pages of sources, seeds and models. */

function heading(kind: string, node: DocsNodeBase, extra: Html | string = ''): Html {
  return h`<p class="kicker">${kind}</p><h1 data-role="title">${node.name}${extra}</h1>`;
}

/** A node's ancestors and descendants as a graph, the node drawn as the page's own. */
export function localGraph(site: Site, from: string, kind: DocsNodeKind, name: string): Html {
  const self = site.data.lineage.nodes.find((n) => n.name === name && n.kind === kind);
  if (!self) return h``;
  const part = neighbourhood(site.data.lineage, self.id);
  const cut =
    part.steps === null
      ? ''
      : h`<p class="muted" data-role="graph-cut">Its lineage is large: nodes up to ${part.steps} step${part.steps === 1 ? '' : 's'} away are drawn; the <a href="${link(from, ROOT_PAGES.lineage)}">whole graph</a> has the rest.</p>`;
  const whole = h`<p class="whole"><a href="${link(from, ROOT_PAGES.lineage, nodeAnchor(self.id))}" data-role="in-whole-graph">${name} in the whole graph</a></p>`;
  return h`<section><h2>Lineage</h2>${cut}${lineageLegend()}${whole}${lineageSvg(part, {
    label: `Lineage of ${name}`,
    focus: self.id,
    href: (n) => {
      const place = site.placeOf(n);
      return place ? site.href(from, place) : null;
    },
  })}</section>`;
}

const builtFact = (node: DocsNodeBase): Html =>
  node.built ? h`yes` : h`<span class="muted">not built yet</span>`;

export function sourcePage(site: Site, source: DocsSource): PageSpec {
  const from = entityPath('source', source.name);
  const fields =
    source.fields.length === 0
      ? h`<p class="muted">No contract fields.</p>`
      : h`<div class="scroll"><table class="columns" data-role="fields"><thead><tr><th>Field</th><th>Type</th><th>Rules</th><th>Description</th></tr></thead><tbody>${source.fields.map(
          (field) =>
            h`<tr data-field="${field.name}"><td class="col-name">${field.name}</td><td class="col-type">${code(field.type)}</td><td>${field.rules.map((rule) => h`<span class="rule">${rule}</span>`)}</td><td>${field.description ?? h`<span class="muted undocumented">—</span>`}</td></tr>\n`,
        )}</tbody></table></div>`;
  const loads =
    source.loads.length === 0
      ? h`<p class="muted">No loads recorded.</p>`
      : h`<div class="scroll"><table class="num" data-role="loads"><thead><tr><th>Load date</th><th>Run</th><th>Files</th><th>Received</th><th>Staged</th><th>Quarantined</th><th>Duplicates</th><th>Reconciled</th></tr></thead><tbody>${source.loads.map(
          (load) =>
            h`<tr data-load="${load.loadDate}"><td>${load.loadDate}</td><td><code>${load.runId}</code></td><td>${load.files}</td><td>${load.received}</td><td>${load.staged}</td><td${load.quarantined > 0 ? h` class="warn-cell"` : ''}>${load.quarantined}</td><td>${load.duplicates}</td><td>${load.reconciled ? badge('pass', 'yes') : badge('fail', 'no')}</td></tr>\n`,
        )}</tbody></table></div>`;
  // The tables it also builds (nested arrays), each with its columns when the data has them.
  const tables = new Map((source.tables ?? []).map((table) => [table.name, table]));
  const provides =
    source.provides.length === 0
      ? ''
      : h`<section><h2>Tables it also builds</h2>${source.provides.map((name) => {
          const table = tables.get(name);
          return h`<section class="nested" id="${tableAnchor(name)}" data-table="${name}"><h3><code>${name}</code>${table ? h` <span class="muted">${table.table}</span>` : ''}</h3>${table ? columnsTable(site, from, name, table.columns) : ''}</section>`;
        })}</section>`;
  const body = h`${heading('Source', source)}
${description(source.description)}
${facts([
  ['Type', source.type],
  ['Format', source.format],
  ['Location', code(source.location)],
  ['Raw table', code(source.raw)],
  ['Staged table', code(source.table)],
  ['Declared in', code(source.file)],
  ['Built', builtFact(source)],
])}
<section><h2>Contract</h2>${fields}</section>
<section><h2>Columns</h2>${columnsTable(site, from, source.name, source.columns)}</section>
${provides}
<section><h2>Last loads</h2>${loads}</section>
<section><h2>Checks</h2>${checksTable(
    site,
    from,
    [source.name, ...source.provides].flatMap((name) => site.checksOf(name)),
  )}</section>
${neighbours(site, from, source)}
${localGraph(site, from, 'source', source.name)}`;
  return { path: from, title: source.name, section: null, body };
}

export function seedPage(site: Site, seed: DocsSeed): PageSpec {
  const from = entityPath('seed', seed.name);
  const body = h`${heading('Seed', seed)}
${description(seed.description)}
${facts([
  ['Table', code(seed.table)],
  ['File', code(seed.file)],
  ['Built', builtFact(seed)],
])}
<section><h2>Columns</h2>${columnsTable(site, from, seed.name, seed.columns)}</section>
<section><h2>Checks</h2>${checksTable(site, from, site.checksOf(seed.name))}</section>
${neighbours(site, from, seed)}
${localGraph(site, from, 'seed', seed.name)}`;
  return { path: from, title: seed.name, section: null, body };
}

export function modelPage(site: Site, model: DocsModel): PageSpec {
  const from = entityPath('model', model.name);
  const lineage = model.columnLineage;
  const parseError = lineage?.parseError
    ? h`<div class="notice notice-error" data-role="parse-error"><strong>Column lineage could not be derived:</strong> the SQL did not parse.<pre>${lineage.parseError}</pre></div>`
    : lineage === null
      ? h`<p class="muted" data-role="no-lineage">Column lineage is not available for this model.</p>`
      : '';
  const body = h`${heading('Model', model, h` <span class="pill">${model.materialized}</span>`)}
${description(model.description)}
${facts([
  ['Table', code(model.table)],
  ['Materialised', model.materialized],
  ['Unique key', model.uniqueKey.length === 0 ? null : h`${model.uniqueKey.map((key) => code(key))}`],
  ['Load date column', model.loadDateColumn === null ? null : code(model.loadDateColumn)],
  [
    'Tags',
    model.tags.length === 0 ? null : h`${model.tags.map((tag) => h`<span class="pill">${tag}</span>`)}`,
  ],
  ['File', code(model.file)],
  ['Built', builtFact(model)],
])}
<section><h2>Columns</h2>${parseError}${columnsTable(site, from, model.name, model.columns, lineage && lineage.parseError === null ? lineage.columns : undefined)}</section>
<section><h2>Checks</h2>${checksTable(site, from, site.checksOf(model.name))}</section>
${neighbours(site, from, model)}
${localGraph(site, from, 'model', model.name)}
${sqlBlock('SQL as written', model.sql, 'sql')}
${model.touchedSql === null ? '' : sqlBlock('Keys a run touches (touched, as written)', model.touchedSql, 'touched-sql')}
<details class="sql" open><summary>SQL as compiled for ${site.data.project.engine}</summary><pre data-role="compiled-sql"><code>${model.compiledSql}</code></pre></details>`;
  return { path: from, title: model.name, section: null, body };
}

/** A node in a list on the overview: a link and its description's first sentence. */
export function nodeItem(from: string, kind: 'source' | 'seed' | 'model', node: DocsNodeBase): Html {
  const sentence = (node.description ?? '').split(/(?<=\.)\s/)[0] ?? '';
  const first = sentence.length > 140 ? `${sentence.slice(0, 139)}…` : sentence;
  return h`<li><a href="${link(from, entityPath(kind, node.name))}">${node.name}</a>${first ? h` <span class="muted">— ${first}</span>` : ''}</li>\n`;
}
