/**
 * Specialised renderers. For each feed layout (columns, renames, dropped and extra columns) a
 * straight-line function is generated that renders a clean row without per-column dispatch; any
 * value of an unexpected type (a damaged row) sends the row to the generic renderer in schema.ts,
 * so the output is byte-for-byte what the generic renderer produces. Only column names reach the
 * generated source, always through JSON.stringify; they come from the static feed specs.
 */
import { dayString, isoTimeOfDay, spaceTimeOfDay } from './calendar.ts';
import {
  csvEscape,
  formatCents,
  renderCsvLine,
  renderJsonObject,
  renderListJson,
  type Column,
  type FeedSpec,
  type Layout,
  type Row,
} from './schema.ts';

export type Renderer = (row: Row) => string;

interface Helpers {
  day: (day: number) => string;
  iso: (second: number) => string;
  space: (second: number) => string;
  cents: (cents: number) => string;
  csv: (text: string) => string;
  list: (column: Column, items: Row[]) => string;
  columns: readonly Column[];
  fallback: Renderer;
}

const cache = new Map<string, Renderer>();

function layoutSignature(spec: FeedSpec, layout: Layout, json: boolean): string {
  return `${spec.domain}/${spec.name}|${json ? 'json' : 'csv'}|${layout.names.join(',')}|${layout.extra ? layout.extra.json : ''}`;
}

/** The renderer of a feed's records in one file layout (cached per distinct layout). */
export function compileRenderer(spec: FeedSpec, layout: Layout): Renderer {
  const json = spec.format === 'json' || spec.format === 'ndjson';
  const signature = layoutSignature(spec, layout, json);
  let renderer = cache.get(signature);
  if (!renderer) {
    renderer = json ? compileJson(spec.columns, layout) : compileCsv(spec.columns, layout);
    cache.set(signature, renderer);
  }
  return renderer;
}

function helpers(columns: readonly Column[], fallback: Renderer): Helpers {
  return {
    day: dayString,
    iso: (second) => {
      const day = Math.floor(second / 86_400);
      return dayString(day) + isoTimeOfDay(second - day * 86_400);
    },
    space: (second) => {
      const day = Math.floor(second / 86_400);
      return dayString(day) + spaceTimeOfDay(second - day * 86_400);
    },
    cents: formatCents,
    csv: csvEscape,
    list: renderListJson,
    columns,
    fallback,
  };
}

/** Source of an expression rendering local `v` (JSON), or `return h.fallback(r)` for anything unexpected. */
function jsonField(column: Column, index: number, target: string): string {
  const v = `v${index}`;
  const bail = 'return h.fallback(r);';
  const nullable = `else if (${v} === null) ${target} = 'null'; else ${bail}`;
  switch (column.type) {
    case 'id':
    case 'enum':
      return `if (typeof ${v} === 'string') ${target} = '"' + ${v} + '"'; ${nullable}`;
    case 'string':
      if (column.plain) return `if (typeof ${v} === 'string') ${target} = '"' + ${v} + '"'; ${nullable}`;
      return `if (typeof ${v} === 'string') ${target} = JSON.stringify(${v}); ${nullable}`;
    case 'raw':
      return `if (typeof ${v} === 'string') ${target} = ${v}; ${nullable}`;
    case 'int':
      return `if (typeof ${v} === 'number') ${target} = '' + ${v}; ${nullable}`;
    case 'decimal':
      return `if (typeof ${v} === 'number') ${target} = h.cents(${v}); ${nullable}`;
    case 'timestamp':
      return `if (typeof ${v} === 'number') ${target} = '"' + h.${column.timestampStyle === 'space' ? 'space' : 'iso'}(${v}) + '"'; ${nullable}`;
    case 'date':
      return `if (typeof ${v} === 'number') ${target} = '"' + h.day(${v}) + '"'; ${nullable}`;
    case 'bool':
      return `if (typeof ${v} === 'boolean') ${target} = ${v} ? 'true' : 'false'; ${nullable}`;
    case 'list':
      return `if (Array.isArray(${v})) ${target} = h.list(h.columns[${index}], ${v}); ${nullable}`;
  }
}

function compileJson(columns: readonly Column[], layout: Layout): Renderer {
  const fallback: Renderer = (row) => renderJsonObject(columns, row, layout);
  const lines: string[] = [];
  const pieces: string[] = [];
  let first = true;
  columns.forEach((column, i) => {
    const name = layout.names[i];
    if (name === undefined) return;
    // A missing value omits the key, which shifts separators: leave such rows to the generic path.
    lines.push(
      `const v${i} = r[${i}]; let t${i}; if (v${i} === undefined) return h.fallback(r); ${jsonField(column, i, `t${i}`)}`,
    );
    pieces.push(JSON.stringify(`${first ? '{' : ','}${JSON.stringify(name)}:`), `t${i}`);
    first = false;
  });
  if (first) pieces.push("'{'");
  if (layout.extra) pieces.push(JSON.stringify(first ? layout.extra.json.slice(1) : layout.extra.json));
  pieces.push("'}'");
  const source = `${lines.join('\n')}\nreturn ${pieces.join(' + ')};`;
  return build(source, helpers(columns, fallback));
}

function csvField(column: Column, index: number, target: string): string {
  const v = `v${index}`;
  const bail = 'return h.fallback(r);';
  const empty = `else if (${v} === null || ${v} === undefined) ${target} = ''; else ${bail}`;
  switch (column.type) {
    case 'id':
    case 'enum':
      return `if (typeof ${v} === 'string') ${target} = ${v}; ${empty}`;
    case 'string':
    case 'raw':
      if (column.plain) return `if (typeof ${v} === 'string') ${target} = ${v}; ${empty}`;
      return `if (typeof ${v} === 'string') ${target} = h.csv(${v}); ${empty}`;
    case 'int':
      return `if (typeof ${v} === 'number') ${target} = '' + ${v}; ${empty}`;
    case 'decimal':
      return `if (typeof ${v} === 'number') ${target} = h.cents(${v}); ${empty}`;
    case 'timestamp':
      return `if (typeof ${v} === 'number') ${target} = h.${column.timestampStyle === 'space' ? 'space' : 'iso'}(${v}); ${empty}`;
    case 'date':
      return `if (typeof ${v} === 'number') ${target} = h.day(${v}); ${empty}`;
    case 'bool':
      return `if (typeof ${v} === 'boolean') ${target} = ${v} ? 'true' : 'false'; ${empty}`;
    case 'list':
      return bail;
  }
}

function compileCsv(columns: readonly Column[], layout: Layout): Renderer {
  const fallback: Renderer = (row) => renderCsvLine(columns, row, layout);
  const lines: string[] = [];
  const pieces: string[] = [];
  columns.forEach((column, i) => {
    if (layout.names[i] === undefined) return;
    lines.push(`const v${i} = r[${i}]; let t${i}; ${csvField(column, i, `t${i}`)}`);
    if (pieces.length > 0) pieces.push("','");
    pieces.push(`t${i}`);
  });
  if (layout.extra) {
    if (pieces.length > 0) pieces.push("','");
    pieces.push(JSON.stringify(csvEscape(layout.extra.value)));
  }
  const source = `${lines.join('\n')}\nreturn ${pieces.join(' + ')};`;
  return build(source, helpers(columns, fallback));
}

function build(body: string, h: Helpers): Renderer {
  const factory = new Function('h', `'use strict'; return function render(r) {\n${body}\n};`) as (
    helpers: Helpers,
  ) => Renderer;
  return factory(h);
}
