/**
 * The JSON the monitor's quality views answer (checks, quarantine, reconciliation, lineage):
 * `GET /api/<project>/monitor/<view>[/<id>]`. Shared with the browser as types (through views.ts).
 */

export type CheckStatusView = 'pass' | 'fail' | 'warn' | 'error';

/** One cell of a check's history strip: its result in one run. */
export interface CheckHistoryCell {
  runId: string;
  status: CheckStatusView;
  /** The run's date (daily_metrics), null when it recorded none. */
  runDate: string | null;
  startedAt: string;
  failingRows: number | null;
}

/** A check with its newest result and its history, oldest first (the strip's right end is newest). */
export interface CheckSummaryView {
  checkId: string;
  type: string;
  target: string;
  severity: string;
  status: CheckStatusView;
  runId: string;
  startedAt: string;
  failingRows: number | null;
  checkedRows: number | null;
  message: string;
  history: CheckHistoryCell[];
  /** The check's page in the browser. */
  url: string;
}

export interface ChecksView {
  project: string;
  /** The runs the strips cover, oldest first. */
  runs: { runId: string; runDate: string | null }[];
  checks: CheckSummaryView[];
  /** How many checks' newest result is each status. */
  counts: Record<CheckStatusView, number>;
}

/** A check's page: its summary, the SQL as it ran, and the sample of failing rows. */
export interface CheckView extends CheckSummaryView {
  project: string;
  table: string;
  column: string | null;
  threshold: string | null;
  scope: string;
  sql: string;
  sampleColumns: string[];
  sample: Record<string, unknown>[];
}

export interface QuarantineRecordView {
  source: string;
  loadDate: string;
  file: string;
  position: number | null;
  line: number | null;
  field: string;
  reason: string;
  message: string;
  /** The record as received: a CSV line, a JSON record; bytes not UTF-8 written `\xNN` as stored. */
  rawRecord: string | null;
  foundInRun: string;
  resolvedInRun: string | null;
}

export interface QuarantineView {
  project: string;
  filter: {
    source: string | null;
    run: string | null;
    loadDate: string | null;
    field: string | null;
    reason: string | null;
    includeResolved: boolean;
  };
  records: QuarantineRecordView[];
  /** Records the filter matches in all. */
  total: number;
  limit: number;
  offset: number;
  /** The filter's records by reason, commonest first (whatever the reason filter). */
  reasons: { reason: string; records: number; resolved: number }[];
}

/** A source's load date: received = staged + quarantined + duplicates, or not. */
export interface ReconciliationRow {
  source: string;
  loadDate: string;
  runId: string;
  files: number;
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
  /** The ledger's own flag. */
  reconciled: boolean;
  /** received − (staged + quarantined + duplicates): 0 when the identity holds. */
  difference: number;
}

export interface ReconciliationView {
  project: string;
  loads: ReconciliationRow[];
  /** Load dates where the identity does not hold (or the ledger says it did not reconcile). */
  mismatches: number;
  /** Rows each run wrote per layer, as audit.daily_metrics recorded them (rows of its tasks). */
  layers: {
    basis: string;
    /** raw, staging, warehouse, marts, then any other schema written. */
    names: string[];
    runs: { runId: string; runDate: string; status: string; rows: Record<string, number> }[];
  };
}

export type LineageKind = 'source' | 'seed' | 'model' | 'checks' | 'page';

export interface LineageNodeView {
  id: string;
  name: string;
  kind: LineageKind;
  /** The table it builds (schema.name), when it builds one. */
  table: string | null;
  /** Its task's newest attempt: status, rows written, duration; null when never run. */
  status: string | null;
  rows: number | null;
  durationMs: number | null;
  runId: string | null;
  /** The layout: depth (column) and order within it (row). */
  depth: number;
  order: number;
  upstream: string[];
  downstream: string[];
}

export interface LineageView {
  project: string;
  nodes: LineageNodeView[];
  edges: { source: string; target: string }[];
}
