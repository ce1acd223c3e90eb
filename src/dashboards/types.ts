/**
 * A dashboard page as parsed from `dashboards/<name>.md`: prose, named SQL queries, components
 * bound to the queries by name, and inputs whose values reach SQL only as bound parameters. The
 * format is documented in the README (section Dashboards); this folder is pure (no driver, no
 * `node:fs`): `project/` reads the files and `api/` runs the queries.
 */

/** A page file, parsed. */
export interface DashboardPage {
  /** The file name without `.md` (`executive`), the page's URL segment. Validated as a slug. */
  name: string;
  /** The file as the project names it (relative path), for diagnostics. */
  file: string;
  /** From the front matter, else the first `# heading`, else the name. */
  title: string;
  description?: string;
  /** Pages are listed by order, then name (front matter `order`, default 100). */
  order: number;
  blocks: DashboardBlock[];
  queries: DashboardQuery[];
  inputs: DashboardInput[];
  /** Every model or seed the page's SQL refers to through {{ ref('x') }}, in first-use order. */
  refs: string[];
}

export type DashboardBlock = MarkdownBlock | ComponentBlock;

/** Prose between components, as Markdown (rendered to HTML by the API, raw HTML disabled). */
export interface MarkdownBlock {
  kind: 'markdown';
  markdown: string;
  line: number;
}

export interface ComponentBlock {
  kind: 'component';
  component: ChartComponent;
  line: number;
}

export type ComponentName =
  | 'KPI'
  | 'LineChart'
  | 'BarChart'
  | 'AreaChart'
  | 'Waterfall'
  | 'Heatmap'
  | 'Funnel'
  | 'Table'
  | 'DateRange'
  | 'Dropdown';

/**
 * One component tag. `attributes` are as written (validated against the component's schema in
 * components.ts); `data` names a query of the page; `columns` lists the attributes that name a
 * column of that query's result (checked against the warehouse when it is open).
 */
export interface ChartComponent {
  name: ComponentName;
  /** The query the component reads (absent only for a DateRange without bounds). */
  data?: string;
  attributes: Record<string, string | true>;
  /** Column names the component needs from its query's result. */
  columns: string[];
}

/** A fenced ```sql <name> block. */
export interface DashboardQuery {
  name: string;
  line: number;
  /** The SQL as written, template expressions included. */
  sql: string;
  segments: QuerySegment[];
}

/** A query's SQL cut at its template expressions. */
export type QuerySegment =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; name: string; line: number }
  | { kind: 'input'; input: string; part?: InputPart; line: number };

/** The values a date range gives SQL; previous_* is the period of the same length before it. */
export type InputPart = 'from' | 'to' | 'previous_from' | 'previous_to';

export type DashboardInput = DateRangeInput | DropdownInput;

/**
 * `<DateRange name="period" data="bounds" min="first_day" max="last_day" default="90" />`:
 * URL parameters `<name>_from` and `<name>_to` (YYYY-MM-DD). Without them the range is the last
 * `default` days up to `max` (or `all` of min..max).
 */
export interface DateRangeInput {
  kind: 'date_range';
  name: string;
  label: string;
  line: number;
  /** The query whose first row bounds the range, and its columns. */
  data?: string;
  min?: string;
  max?: string;
  /** Days ending at the upper bound, or 'all'. */
  defaultDays: number | 'all';
}

/**
 * `<Dropdown name="channel" data="channels" value="channel" all="All channels" />`: URL
 * parameter `<name>`; one of the query's values, or (when `all` is given) absent → SQL NULL.
 */
export interface DropdownInput {
  kind: 'dropdown';
  name: string;
  label: string;
  line: number;
  data: string;
  value: string;
  /** The label of the "no filter" choice; without it a value is required (default: the first). */
  all?: string;
}
