/**
 * The documentation site's pages rendered from a hand-built project (test/docs/sample-docs-data.ts):
 * text from the data is escaped, every link resolves to a file and an anchor of the site, file
 * names are safe everywhere, the lineage graphs hold their nodes, coverage and column lineage show.
 */
import { describe, expect, it } from 'vitest';
import { docsAssets } from '../../src/api/docs-assets.ts';
import { DOCS_ASSETS, renderDocsSite } from '../../src/docs/render-site.ts';
import { neighbourhood } from '../../src/docs/lineage-svg.ts';
import { slug } from '../../src/docs/paths.ts';
import { sampleDocsData } from './sample-docs-data.ts';
import { brokenLinks, idsOf } from './site-links.ts';

const data = sampleDocsData();
const files = new Map(renderDocsSite(data).map((file) => [file.path, file.content]));
// The caller adds the bundled assets; a link to them resolves.
for (const asset of DOCS_ASSETS) files.set(asset.path, '');
const page = (path: string) => {
  const content = files.get(path);
  if (content === undefined) throw new Error(`no ${path} among ${[...files.keys()].join(', ')}`);
  return content;
};

describe('the docs site', () => {
  it('has one page per entity and the project pages', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'index.html',
        'lineage.html',
        'coverage.html',
        'checks.html',
        'search.html',
        'sources/orders.html',
        'seeds/country_regions.html',
        'models/stg_orders.html',
        'models/fact_orders.html',
        'models/broken_model.html',
        `checks/${slug('fact_orders:not_null(order_id)')}.html`,
        `checks/${slug('fact_orders:not_null(customer_sk)')}.html`,
        `checks/${slug('orders:ledger')}.html`,
        `checks/${slug('orders__items:not_null(order_id)')}.html`,
        'pages/executive.html',
        'assets/search-index.js',
        ...DOCS_ASSETS.map((asset) => asset.path),
      ].sort(),
    );
  });

  it('changes only the overview when nothing but the moment of generation changes', () => {
    const later = sampleDocsData();
    later.project.generatedAt = '2026-02-01T00:00:00Z';
    const changed = renderDocsSite(later).filter((file) => files.get(file.path) !== file.content);
    expect(changed.map((file) => file.path)).toEqual(['index.html']);
  });

  it('references the script and stylesheet where strata docs and strata serve put them', async () => {
    // The bundle is built before the tests (npm test's pretest).
    const added = await docsAssets();
    expect(added.map((asset) => asset.path)).toEqual(DOCS_ASSETS.map((asset) => asset.path));
    for (const asset of added) expect(asset.content.length).toBeGreaterThan(100);
    const index = page('index.html');
    for (const asset of DOCS_ASSETS) expect(index).toContain(`"${asset.path}"`);
  });

  it('escapes every text from the data', () => {
    const stg = page('models/stg_orders.html');
    expect(stg).not.toContain('<script>alert');
    expect(stg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; cleaned.');
    expect(page('models/fact_orders.html')).toContain('&lt;/pre&gt;&lt;b&gt;');
    expect(page('pages/executive.html')).toContain('<h1 data-role="title">Executive &lt;overview&gt;</h1>');
    // The search index cannot close a tag either.
    expect(page('assets/search-index.js')).not.toContain('<');
  });

  it('has no inline script or event handler (strata serve forbids them)', () => {
    for (const [path, content] of files) {
      if (!path.endsWith('.html')) continue;
      expect([...content.matchAll(/<script(?![^>]*\ssrc=)[^>]*>/g)], path).toEqual([]);
      expect(content, path).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('links only relatively, and every link reaches a file and its anchor', () => {
    expect(brokenLinks(files)).toEqual([]);
    // The column anchors links lead to are there.
    expect(idsOf(page('models/stg_orders.html'))).toContain('col-order_id');
    expect(idsOf(page('models/fact_orders.html'))).toContain(`col-${slug('Odd Name/1')}`);
  });

  it('names files safely on every file system', () => {
    for (const path of files.keys()) expect(path).toMatch(/^[a-z0-9_./-]+$/);
    const lower = [...files.keys()].map((path) => path.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
    expect(slug('fact_orders:not_null(customer_sk)')).toMatch(
      /^fact_orders_not_null_customer_sk-[0-9a-f]{8}$/,
    );
    expect(slug('con')).not.toBe('con');
    expect(slug('Orders')).not.toBe(slug('orders'));
    expect(slug('orders')).toBe('orders');
  });

  it('draws every node of the DAG on the lineage page, each a link to its page', () => {
    const lineage = page('lineage.html');
    for (const node of data.lineage.nodes) expect(lineage).toContain(`data-node="${node.id}"`);
    expect([...lineage.matchAll(/<path\s+class="lg-edge"/g)]).toHaveLength(data.lineage.edges.length);
    expect(lineage).toContain('<a href="models/fact_orders.html">');
    expect(lineage).toContain('<a href="pages/executive.html">');
  });

  it('draws a model’s ancestors and descendants, and only those', () => {
    const fact = page('models/fact_orders.html');
    for (const id of ['orders', 'country_regions', 'stg_orders', 'fact_orders', 'page:executive']) {
      expect(fact).toContain(`data-node="${id}"`);
    }
    expect(fact).not.toContain('data-node="broken_model"');
    expect(fact).toContain('class="lg-node lg-model lg-focus" data-node="fact_orders"');
  });

  it('draws only the nearer lineage of a node whose lineage is too large', () => {
    const part = neighbourhood(data.lineage, 'fact_orders', 3);
    expect(part.steps).toBe(1);
    expect(part.nodes.map((n) => n.id).sort()).toEqual([
      'country_regions',
      'fact_orders',
      'page:executive',
      'stg_orders',
    ]);
    expect(neighbourhood(data.lineage, 'fact_orders').steps).toBeNull();
  });

  it('shows each column’s lineage, what is unresolved, and a parse error', () => {
    const fact = page('models/fact_orders.html');
    expect(fact).toContain('<a href="../models/stg_orders.html#col-order_id">stg_orders.<b>order_id</b></a>');
    expect(fact).toContain('<a href="../seeds/country_regions.html#col-region">');
    // A column of a table a source also builds: on the source's page, under the table.
    expect(fact).toContain(
      '<a href="../sources/orders.html#col-orders__items--discount">orders__items.<b>discount</b></a>',
    );
    const source = page('sources/orders.html');
    expect(source).toContain('<tr id="col-orders__items--order_id" data-column="order_id">');
    expect(source).toContain('<tr id="col-order_id" data-column="order_id">');
    // The checks of the table it also builds are on its page too, linked to the table's column.
    expect(source).toContain('data-check="orders__items:not_null(order_id)"');
    expect(source).toContain('<a href="../sources/orders.html#col-orders__items--order_id">');
    expect(fact).toContain('Not resolved: function <code>my_macro</code> is not known');
    // A count(*): resolved, and said to read no column rather than left blank.
    expect(fact).toContain('data-role="no-inputs">reads no column');
    expect(page('models/broken_model.html')).toContain('syntax error at or near &quot;from&quot; (line 1)');
  });

  it('shows which model columns are computed from a column (column lineage reversed)', () => {
    const stg = page('models/stg_orders.html');
    const row = /<tr id="col-amount"[\s\S]*?<\/tr>/.exec(stg)?.[0] ?? '';
    expect(row).toContain(
      '<a href="../models/fact_orders.html#col-net_revenue">fact_orders.<b>net_revenue</b></a>',
    );
    const source = page('sources/orders.html');
    expect(/<tr id="col-order_id"[\s\S]*?<\/tr>/.exec(source)?.[0]).toContain(
      '<a href="../models/stg_orders.html#col-order_id">stg_orders.<b>order_id</b></a>',
    );
    // A seed's columns too; a model whose columns nothing reads has no such column.
    expect(page('seeds/country_regions.html')).toContain('<th>Used by</th>');
    expect(page('models/broken_model.html')).not.toContain('<th>Used by</th>');
  });

  it('traces a column back to the source and seed columns it starts from', () => {
    const fact = page('models/fact_orders.html');
    const row = (column: string) => new RegExp(`<tr id="col-${column}"[\\s\\S]*?</tr>`).exec(fact)?.[0] ?? '';
    expect(row('order_id')).toContain('traced back to 1 column');
    expect(row('order_id')).toContain(
      '<a href="../sources/orders.html#col-order_id">orders.<b>order_id</b></a>',
    );
    // Through stg_orders to orders, and straight from the source's nested table.
    expect(row('net_revenue')).toContain('traced back to 2 columns');
    expect(row('net_revenue')).toContain('orders.<b>amount</b>');
    // A column read straight from a seed is not traced again.
    expect(row('region')).not.toContain('traced back');
  });

  it('gives an undescribed copy of a column that column’s description, saying where from', () => {
    const fact = page('models/fact_orders.html');
    const region = /<tr id="col-region"[\s\S]*?<\/tr>/.exec(fact)?.[0] ?? '';
    expect(region).toContain(
      '<span class="inherited" data-role="inherited">Sales region. <span class="muted">(from <a href="../seeds/country_regions.html#col-region">country_regions.<b>region</b></a>)</span></span>',
    );
    // Not for a transform.
    expect(/<tr id="col-customer_sk"[\s\S]*?<\/tr>/.exec(fact)?.[0]).not.toContain('data-role="inherited"');
  });

  it('shows a model’s columns with types, descriptions, checks and their latest results', () => {
    const fact = page('models/fact_orders.html');
    const row = /<tr id="col-customer_sk"[\s\S]*?<\/tr>/.exec(fact)?.[0] ?? '';
    expect(row).toContain('<code>BIGINT</code>');
    expect(row).toContain('Surrogate key of the customer version in force.');
    expect(row).toContain(`href="../checks/${slug('fact_orders:not_null(customer_sk)')}.html"`);
    expect(row).toContain('data-status="fail"');
    expect(fact).toContain('<pre data-role="sql">');
    expect(fact).toContain(
      '<pre data-role="compiled-sql"><code>select o.order_id from &quot;staging&quot;.&quot;stg_orders&quot; o</code></pre>',
    );
  });

  it('shows the keys a model incremental by key replaces (its touched SELECT), and no such block for others', () => {
    const byKey = sampleDocsData();
    const model = byKey.models.find((m) => m.name === 'fact_orders');
    if (!model) throw new Error('fact_orders is in the sample');
    model.materialized = 'incremental';
    model.touchedSql =
      "select distinct order_id from {{ ref('stg_orders') }} where load_date between {{ date_from }} and {{ date_to }}";
    const pages = new Map(renderDocsSite(byKey).map((file) => [file.path, file.content]));
    const shown = pages.get('models/fact_orders.html') ?? '';
    expect(shown).toContain('<h2>Keys a run touches (touched, as written)</h2>');
    expect(shown).toContain(
      '<pre data-role="touched-sql"><code>select distinct order_id from {{ ref(&#39;stg_orders&#39;) }} where load_date between {{ date_from }} and {{ date_to }}</code></pre>',
    );
    expect(page('models/fact_orders.html')).not.toContain('data-role="touched-sql"');
  });

  it('gives a check its definition, latest result and history', () => {
    const check = page(`checks/${slug('fact_orders:not_null(customer_sk)')}.html`);
    expect(check).toContain(
      '<span data-role="latest"><span class="badge badge-fail" data-status="fail">fail</span></span>',
    );
    expect([...check.matchAll(/class="dot dot-/g)]).toHaveLength(3);
    expect(check).toContain('href="../models/fact_orders.html#col-customer_sk"');
  });

  it('shows the coverage figure and every undocumented column, by node', () => {
    const coverage = page('coverage.html');
    expect(coverage).toContain('71.4%');
    for (const { node, column } of data.coverage.undocumented) {
      expect(coverage).toContain(`data-node="${node}"`);
      expect(coverage).toContain(`>${column}</a>`);
    }
  });

  it('indexes names and descriptions for search, columns by their node', () => {
    const script = page('assets/search-index.js');
    const prefix = 'window.STRATA_DOCS_SEARCH = ';
    expect(script.startsWith(prefix)).toBe(true);
    const entries = JSON.parse(script.slice(prefix.length).trim().replace(/;$/, '')) as Record<
      string,
      string
    >[];
    expect(entries).toContainEqual({
      k: 'column',
      n: 'amount',
      p: 'stg_orders',
      d: 'What the buyer paid, reconciled with payments.',
      u: 'models/stg_orders.html#col-amount',
    });
    expect(entries.filter((e) => e.k === 'check')).toHaveLength(4);
    expect(entries).toContainEqual({
      k: 'column',
      n: 'discount',
      p: 'orders__items',
      d: 'Discount on the line.',
      u: 'sources/orders.html#col-orders__items--discount',
    });
  });

  it('lists a source’s contract and its ledger of loads', () => {
    const source = page('sources/orders.html');
    expect(source).toContain('<tr data-field="order_id">');
    expect(source).toContain('<span class="rule">unique</span>');
    expect(source).toMatch(
      /<tr data-load="2026-01-02">.*<td>120<\/td><td>117<\/td><td class="warn-cell">2<\/td><td>1<\/td>/,
    );
  });
});
