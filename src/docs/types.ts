import type { ModelColumnLineage } from '../lineage/types.ts';

/**
 * Everything the documentation site shows, as plain JSON: collected by `api/docs-data.ts` from the
 * project, the warehouse and audit, and rendered into pages by `render-site.ts` (pure). Nothing
 * here holds a secret: no connection string, no credential, no data values beyond check samples'
 * counts.
 */
export interface DocsData {
  project: { name: string; engine: string; generatedAt: string; strataVersion: string };
  sources: DocsSource[];
  seeds: DocsSeed[];
  models: DocsModel[];
  checks: DocsCheck[];
  pages: DocsPage[];
  /** Every node of the project DAG (sources, source tables, seeds, models, dashboard pages). */
  lineage: DocsLineage;
  coverage: DocsCoverage;
}

export interface DocsColumn {
  name: string;
  /** The type in the warehouse; null when the table is not built yet. */
  type: string | null;
  description: string | null;
  /** Ids of the checks on this column. */
  checks: string[];
}

export interface DocsNodeBase {
  name: string;
  description: string | null;
  /** `schema.table` in the warehouse. */
  table: string;
  /** Path of the file that declares it, relative to the project root. */
  file: string;
  /** Node names directly upstream and downstream (DAG edges), and the pages that read it. */
  upstream: string[];
  downstream: string[];
  /** Whether the table exists in the warehouse now. */
  built: boolean;
}

export interface DocsSourceField {
  name: string;
  type: string;
  /** The contract's rules in words (`required`, `unique`, `in (a, b)`, `>= 0`, format ...). */
  rules: string[];
  description: string | null;
}

export interface DocsSourceLoad {
  loadDate: string;
  runId: string;
  files: number;
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
  reconciled: boolean;
}

export interface DocsSource extends DocsNodeBase {
  kind: 'source';
  /** `files` or `http`. */
  type: string;
  format: string | null;
  /** The file pattern or URL template as declared (never with credentials). */
  location: string;
  raw: string;
  fields: DocsSourceField[];
  columns: DocsColumn[];
  /** Tables it also builds (nested arrays), by node name. */
  provides: string[];
  /** The newest loads, newest first (at most 30). */
  loads: DocsSourceLoad[];
  /** The tables of `provides`, each with its columns (the child table of a nested array). */
  tables?: DocsSourceTable[];
}

export interface DocsSeed extends DocsNodeBase {
  kind: 'seed';
  columns: DocsColumn[];
}

export interface DocsModel extends DocsNodeBase {
  kind: 'model';
  materialized: string;
  uniqueKey: string[];
  loadDateColumn: string | null;
  tags: string[];
  columns: DocsColumn[];
  /** The SQL body as written (header removed) and as compiled for the engine (refs resolved). */
  sql: string;
  compiledSql: string;
  /** Incremental by key: the header's `touched` SELECT as written (the keys a run's dates touch); else null. */
  touchedSql: string | null;
  /** Null when lineage could not be derived at all (see parseError inside when it could not parse). */
  columnLineage: ModelColumnLineage | null;
}

export interface DocsCheckResult {
  runId: string;
  status: string;
  failingRows: number | null;
  checkedRows: number | null;
  startedAt: string;
  dateFrom: string | null;
  dateTo: string | null;
}

export interface DocsCheck {
  id: string;
  /** The node it checks (model, seed, source or source table) and the column when it has one. */
  target: string;
  column: string | null;
  type: string;
  severity: string;
  /** Its definition in words and the SQL that finds failing rows (as rendered for the engine). */
  definition: string;
  sql: string;
  file: string;
  latest: DocsCheckResult | null;
  /** Newest last, at most 30. */
  history: DocsCheckResult[];
}

export interface DocsPage {
  name: string;
  title: string;
  file: string;
  /** The nodes its queries read. */
  reads: string[];
  /** Component titles in order, so the docs say what the page shows. */
  components: string[];
}

export type DocsNodeKind = 'source' | 'seed' | 'model' | 'page';

export interface DocsLineageNode {
  id: string;
  kind: DocsNodeKind;
  name: string;
  /** Layered layout (dashboards/lineage-layout): column and row. */
  depth: number;
  order: number;
}

export interface DocsLineage {
  nodes: DocsLineageNode[];
  edges: { source: string; target: string }[];
}

export interface DocsCoverage {
  columns: number;
  described: number;
  /** Columns without a description, by node. */
  undocumented: { node: string; column: string }[];
  models: number;
  modelsDescribed: number;
}

/** A table a source also builds (a nested array's elements): its name as refs use it, and columns. */
export interface DocsSourceTable {
  name: string;
  /** `schema.table` in the warehouse. */
  table: string;
  built: boolean;
  columns: DocsColumn[];
}
