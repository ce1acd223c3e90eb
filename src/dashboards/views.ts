/**
 * What the JSON API answers about dashboards: plain data, shared by the server (`api/`,
 * `serve/`) and the browser code (`web/`), which imports types only from here and `types.ts`.
 */
import type { ComponentName } from './types.ts';

/** `GET /api`: every project served. */
export interface ServerIndex {
  projects: ProjectSummary[];
}

export interface ProjectSummary {
  /** The project's URL segment (its folder name, made unique). */
  name: string;
  /** The config's `name`. */
  title: string;
  pages: PageSummary[];
}

/** `GET /api/<project>/pages` lists these. */
export interface PageSummary {
  name: string;
  title: string;
  description?: string;
  file: string;
  /** The page in the browser: `/<project>/<page>`. */
  url: string;
  /** The page's JSON: `/api/<project>/pages/<page>`. */
  api: string;
  queries: { name: string; url: string }[];
  inputs: { name: string; kind: 'date_range' | 'dropdown' }[];
}

/** `GET /api/<project>/pages/<page>`: everything the browser needs to draw a page. */
export interface PageView {
  project: ProjectSummary['name'];
  projectTitle: string;
  name: string;
  title: string;
  description?: string;
  file: string;
  blocks: BlockView[];
  /** The inputs with the values this request resolved (URL parameters, else defaults). */
  inputs: InputView[];
  queries: { name: string; url: string }[];
  /** Models the page's SQL refers to that the warehouse does not hold (not built yet). */
  missingModels: string[];
  /** Problems found with the warehouse open (a column a component names that its query lacks). */
  problems: ProblemView[];
  /** Every project and page served, for navigation. */
  nav: ProjectSummary[];
}

export type BlockView =
  | { kind: 'html'; html: string }
  | {
      kind: 'component';
      /** Unique within the page (`c3`), stable across requests. */
      id: string;
      component: ComponentName;
      data?: string;
      attributes: Record<string, string | true>;
      line: number;
    };

export type InputView =
  | {
      kind: 'date_range';
      name: string;
      label: string;
      from: string | null;
      to: string | null;
      /** The bounds the data gives (null without a bounds query or with no rows). */
      min: string | null;
      max: string | null;
    }
  | {
      kind: 'dropdown';
      name: string;
      label: string;
      /** Null = the "all" choice. */
      value: string | null;
      options: string[];
      all?: string;
    };

/** `GET /api/<project>/pages/<page>/queries/<query>` (JSON). */
export interface QueryResultView {
  query: string;
  columns: { name: string; type: string }[];
  /**
   * Values as JSON: numbers (DECIMAL and BIGINT as numbers), text, booleans, null; dates as
   * `YYYY-MM-DD`, timestamps as ISO 8601 text.
   */
  rows: Record<string, unknown>[];
  /** Rows of the whole result. */
  total: number;
  limit: number;
  offset: number;
  /** The CSV of the whole result, with the same inputs. */
  csv: string;
}

export interface ProblemView {
  code: string;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
}

/** Every error the API answers. */
export interface ErrorView {
  error: ProblemView;
}
export type * from './monitor-quality-views.ts';
