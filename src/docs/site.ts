import { type Html, h } from './html.ts';
import { type EntityKind, columnAnchor, entityPath, link, tableAnchor } from './paths.ts';
import type { ColumnLineage, ColumnRef } from '../lineage/types.ts';
import type { DocsCheck, DocsColumn, DocsData, DocsLineageNode, DocsPage } from './types.ts';

/** A page of the site for a node: its root-relative path, the anchor when it is a part of a page. */
export interface Place {
  path: string;
  anchor?: string;
}

/**
 * What every page renderer looks up: where a node (source, source table, seed, model, dashboard
 * page) has its page, which columns it lists (so a link to a column's anchor is made only when the
 * anchor exists), and the checks by id and by node.
 */
export class Site {
  readonly checks: ReadonlyMap<string, DocsCheck>;
  private readonly places = new Map<string, Place>();
  private readonly pageNames = new Map<string, DocsPage>();
  private readonly columns = new Map<string, ReadonlySet<string>>();
  /** Tables a source also builds, shown on its page. */
  private readonly nested = new Set<string>();
  private readonly checksByNode = new Map<string, DocsCheck[]>();
  /** Columns of models computed from a column, by `node\u0000column` (column lineage reversed). */
  private readonly readers = new Map<string, ColumnRef[]>();
  /** Each model's column lineage by column (lowercase), when it could be derived. */
  private readonly lineage = new Map<string, ReadonlyMap<string, ColumnLineage>>();
  private readonly origins = new Map<string, ColumnRef[]>();
  private readonly descriptions = new Map<string, string>();

  constructor(readonly data: DocsData) {
    this.checks = new Map(data.checks.map((check) => [check.id, check]));
    const add = (kind: EntityKind, name: string, columns: readonly DocsColumn[]) => {
      this.places.set(name, { path: entityPath(kind, name) });
      this.columns.set(name, new Set(columns.map((column) => column.name)));
    };
    for (const source of data.sources) {
      // A table a source also builds is a part of the source's page (unless it has its own).
      for (const table of source.provides) {
        this.places.set(table, { path: entityPath('source', source.name), anchor: tableAnchor(table) });
        this.nested.add(table);
      }
      for (const table of source.tables ?? []) {
        this.columns.set(table.name, new Set(table.columns.map((column) => column.name)));
      }
    }
    for (const source of data.sources) add('source', source.name, source.columns);
    for (const seed of data.seeds) add('seed', seed.name, seed.columns);
    for (const model of data.models) add('model', model.name, model.columns);
    for (const page of data.pages) this.pageNames.set(page.name, page);
    for (const check of data.checks) {
      this.checksByNode.set(check.target, [...(this.checksByNode.get(check.target) ?? []), check]);
    }
    const described = (node: string, columns: readonly DocsColumn[]) => {
      for (const column of columns) {
        if (column.description) this.descriptions.set(`${node}\u0000${column.name}`, column.description);
      }
    };
    for (const source of data.sources) {
      described(source.name, source.columns);
      for (const table of source.tables ?? []) described(table.name, table.columns);
    }
    for (const seed of data.seeds) described(seed.name, seed.columns);
    for (const model of data.models) described(model.name, model.columns);
    for (const model of data.models) {
      if (model.columnLineage && model.columnLineage.parseError === null) {
        this.lineage.set(
          model.name,
          new Map(model.columnLineage.columns.map((column) => [column.column.toLowerCase(), column])),
        );
      }
      for (const column of model.columnLineage?.columns ?? []) {
        for (const input of column.inputs) {
          const key = `${input.node}\u0000${input.column}`;
          this.readers.set(key, [
            ...(this.readers.get(key) ?? []),
            { node: model.name, column: column.column },
          ]);
        }
      }
    }
  }

  /**
   * The columns of sources and seeds (or of models without lineage) a model's column is computed
   * from, through every model between: its column lineage followed to where it starts.
   */
  originsOf(node: string, column: string): readonly ColumnRef[] {
    const key = `${node}\u0000${column}`;
    const known = this.origins.get(key);
    if (known) return known;
    this.origins.set(key, []); // a cycle (not expected) ends here
    const lineage = this.lineage.get(node)?.get(column.toLowerCase());
    const found = new Map<string, ColumnRef>();
    if (lineage === undefined) found.set(key, { node, column });
    for (const input of lineage?.inputs ?? []) {
      for (const origin of this.originsOf(input.node, input.column)) {
        found.set(`${origin.node}\u0000${origin.column}`, origin);
      }
    }
    const origins = [...found.values()];
    this.origins.set(key, origins);
    return origins;
  }

  /**
   * A description for an undescribed column that is a copy of one upstream column (perhaps renamed
   * or cast), followed through copies to the first that has one.
   */
  inheritedDescription(node: string, column: string): { text: string; from: ColumnRef } | null {
    const seen = new Set<string>();
    let at: ColumnRef = { node, column };
    for (;;) {
      const key = `${at.node}\u0000${at.column}`;
      if (seen.has(key)) return null;
      seen.add(key);
      const lineage = this.lineage.get(at.node)?.get(at.column.toLowerCase());
      const input =
        lineage?.derivation === 'copy' && lineage.inputs.length === 1 ? lineage.inputs[0] : undefined;
      if (!input) return null;
      const text = this.descriptions.get(`${input.node}\u0000${input.column}`);
      if (text) return { text, from: input };
      at = input;
    }
  }

  /** The model columns computed from a node's column (its downstream column lineage). */
  readersOf(node: string, column: string): readonly ColumnRef[] {
    return this.readers.get(`${node}\u0000${column}`) ?? [];
  }

  /** The place of a node by name, or of a dashboard page (`page:<name>`, or a name no node has). */
  place(name: string): Place | null {
    const node = this.places.get(name);
    if (node) return node;
    const page = name.startsWith('page:') ? name.slice('page:'.length) : name;
    return this.pageNames.has(page) ? { path: entityPath('page', page) } : null;
  }

  /** The place of a graph node. */
  placeOf(node: DocsLineageNode): Place | null {
    if (node.kind === 'page') {
      return this.pageNames.has(node.name) ? { path: entityPath('page', node.name) } : null;
    }
    return this.places.get(node.name) ?? null;
  }

  /** The anchor of a node's column on the page that lists it. */
  anchorOf(node: string, column: string): string {
    return this.nested.has(node) ? columnAnchor(column, node) : columnAnchor(column);
  }

  /** The link from the page `from` to a place. */
  href(from: string, place: Place): string {
    return link(from, place.path, place.anchor);
  }

  /** A node's name linked to its page (plain text when it has none). */
  nodeLink(from: string, name: string): Html {
    const place = this.place(name);
    const shown = name.startsWith('page:') ? name.slice('page:'.length) : name;
    return place ? h`<a href="${this.href(from, place)}">${shown}</a>` : h`<span>${shown}</span>`;
  }

  /** A column of a node, linked to its anchor when the node's page lists it, else to the node. */
  columnLink(from: string, node: string, column: string): Html {
    const place = this.places.get(node);
    if (!place) return h`<span>${node}.${column}</span>`;
    const anchor = this.columns.get(node)?.has(column) ? this.anchorOf(node, column) : place.anchor;
    return h`<a href="${link(from, place.path, anchor)}">${node}.<b>${column}</b></a>`;
  }

  /** A column's name linked to its anchor (for lists grouped by node). */
  columnNameLink(from: string, node: string, column: string): Html {
    const place = this.places.get(node);
    if (!place) return h`<code>${column}</code>`;
    const anchor = this.columns.get(node)?.has(column) ? this.anchorOf(node, column) : place.anchor;
    return h`<a href="${link(from, place.path, anchor)}">${column}</a>`;
  }

  checksOf(node: string): DocsCheck[] {
    return this.checksByNode.get(node) ?? [];
  }

  checkHref(from: string, id: string): string {
    return link(from, entityPath('check', id));
  }
}
