/**
 * Where each page of the documentation site lives and how pages link to each other. File names
 * come from project names (a check id is `fact_orders:not_null(customer_sk)`), so a name that is
 * not plainly safe on every file system — other characters, capitals (two names differing in case
 * are one file on macOS and Windows), a reserved device name, a long name — becomes a safe stem
 * plus a hash of the name. Anchors are made the same way. Links are relative to the page that
 * holds them, so the site opens from the file system and under any server path.
 */

const PLAIN = /^[a-z0-9_][a-z0-9_.-]{0,79}$/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/;

/** FNV-1a, 32 bits, as 8 hex digits: a short, stable tag of a name (not a secret). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (const unit of new TextEncoder().encode(text)) {
    h ^= unit;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A name as a file stem or anchor: itself when safe everywhere, else a safe stem and its hash. */
export function slug(name: string): string {
  if (PLAIN.test(name) && !RESERVED.test(name) && !name.endsWith('.')) return name;
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return `${stem || 'x'}-${hash(name)}`;
}

export type EntityKind = 'source' | 'seed' | 'model' | 'check' | 'page';

const FOLDER: Record<EntityKind, string> = {
  source: 'sources',
  seed: 'seeds',
  model: 'models',
  check: 'checks',
  page: 'pages',
};

/** The path of an entity's page from the site's root: `models/fact_orders.html`. */
export function entityPath(kind: EntityKind, name: string): string {
  return `${FOLDER[kind]}/${slug(name)}.html`;
}

/**
 * The anchor of a column on its node's page; a column of a table a source also builds is on the
 * source's page, under that table's name (the source may have a column of the same name).
 */
export const columnAnchor = (column: string, table?: string): string =>
  table === undefined ? `col-${slug(column)}` : `col-${slug(table)}--${slug(column)}`;

/** The anchor of a table a source also builds (a nested array), on the source's page. */
export const tableAnchor = (table: string): string => `table-${slug(table)}`;

/** The site's pages at its root. */
export const ROOT_PAGES = {
  index: 'index.html',
  lineage: 'lineage.html',
  coverage: 'coverage.html',
  checks: 'checks.html',
  search: 'search.html',
} as const;

/** How a page at `from` (a root-relative path) reaches the site's root: `''` or `'../'`. */
export function rootOf(from: string): string {
  return '../'.repeat(from.split('/').length - 1);
}

/**
 * A link from the page at `from` to the root-relative `to` (with an optional anchor): relative,
 * each path segment and the anchor percent-encoded.
 */
export function link(from: string, to: string, anchor?: string): string {
  const path = to.split('/').map(encodeURIComponent).join('/');
  return `${rootOf(from)}${path}${anchor === undefined ? '' : `#${encodeURIComponent(anchor)}`}`;
}
