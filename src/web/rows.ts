/** Turning a query's rows into what a chart draws: categories, and series pivoted by a column. */
import { toNumber } from './format.ts';

export type Row = Record<string, unknown>;

export interface ChartSeries {
  name: string;
  /** One value per category (null where the rows have none). */
  values: (number | null)[];
}

/** A comma-separated attribute (`y="a, b"`) as its names. */
export function names(value: string | true | undefined): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** A value as a category's label: dates and text as they are, numbers as written. */
export function label(value: unknown): string {
  if (value === null || value === undefined) return '(null)';
  return String(value);
}

/**
 * The distinct values of `column`, in the order of the rows; sorted when they are all numbers or
 * all dates (a pivot's rows need not cover every category in every series).
 */
export function categories(rows: Row[], column: string): string[] {
  const seen = new Map<string, unknown>();
  for (const row of rows) {
    const key = label(row[column]);
    if (!seen.has(key)) seen.set(key, row[column]);
  }
  const values = [...seen.values()];
  if (values.length > 1 && values.every((value) => typeof value === 'number')) {
    return [...seen.entries()].sort((a, b) => (a[1] as number) - (b[1] as number)).map(([key]) => key);
  }
  if (
    values.length > 1 &&
    values.every((value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value))
  ) {
    return [...seen.keys()].sort();
  }
  return [...seen.keys()];
}

/**
 * The series of a line, bar or area chart: one per `y` column, or with `series` one per value of
 * that column (and per `y` column when there are several), each with a value per category of `x`.
 */
export function pivot(
  rows: Row[],
  x: string,
  ys: string[],
  series?: string,
): { categories: string[]; series: ChartSeries[] } {
  const xs = categories(rows, x);
  const index = new Map(xs.map((key, i) => [key, i]));
  const out = new Map<string, ChartSeries>();
  const groups = series ? categories(rows, series) : [undefined];
  for (const group of groups) {
    for (const y of ys) {
      const name = group === undefined ? y : ys.length > 1 ? `${group} · ${y}` : group;
      out.set(`${group ?? ''}\u0000${y}`, { name, values: xs.map(() => null) });
    }
  }
  for (const row of rows) {
    const group = series ? label(row[series]) : '';
    const at = index.get(label(row[x]));
    if (at === undefined) continue;
    for (const y of ys) {
      const target = out.get(`${group}\u0000${y}`);
      const value = toNumber(row[y]);
      if (target && value !== null) target.values[at] = (target.values[at] ?? 0) + value;
    }
  }
  return { categories: xs, series: [...out.values()] };
}

/** A waterfall's bars: an invisible base, the rise, the fall, and the running total after each step. */
export interface WaterfallBars {
  categories: string[];
  base: number[];
  up: (number | null)[];
  down: (number | null)[];
  /** The signed change of each step (the total bar's is the end value). */
  changes: number[];
  end: number;
}

/**
 * Steps in row order, each moving the running total by its signed value; with `total` a closing bar
 * from zero to the end. Bars below zero stand on the base as far as the running total allows: the
 * base is the lower of the step's two ends, floored at zero.
 */
export function waterfall(rows: Row[], x: string, y: string, total?: string): WaterfallBars {
  const bars: WaterfallBars = { categories: [], base: [], up: [], down: [], changes: [], end: 0 };
  let running = 0;
  for (const row of rows) {
    const value = toNumber(row[y]) ?? 0;
    const start = running;
    running += value;
    bars.categories.push(label(row[x]));
    bars.base.push(Math.max(0, Math.min(start, running)));
    bars.up.push(value >= 0 ? value : null);
    bars.down.push(value < 0 ? -value : null);
    bars.changes.push(value);
  }
  bars.end = running;
  if (total) {
    bars.categories.push(total);
    bars.base.push(0);
    bars.up.push(null);
    bars.down.push(null);
    bars.changes.push(running);
  }
  return bars;
}
