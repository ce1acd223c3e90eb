/**
 * The CSV grammar strata reads by, as regular expressions both engines run (DuckDB's RE2 and
 * PostgreSQL's AREs agree on everything used here): the rules of DuckDB's CSV reader, so that a
 * file means the same whichever engine loads it. A quote opens a value only at its start; inside
 * quotes an escaped quote does not close it; an unquoted value may hold quotes. Pure.
 */

/** The characters a CSV dialect is made of, one each. */
export interface CsvDialect {
  delimiter: string;
  quote: string;
  escape: string;
}

export interface CsvPatterns {
  /** Delimiter, quote and escape, escaped for use in a pattern. */
  D: string;
  Q: string;
  E: string;
  /** What a quoted value holds between its quotes. */
  inside: string;
  /** One value, quoted or not, possibly empty. */
  value: string;
  /** A whole record: values separated by the delimiter (to match a whole text). */
  record: string;
  /** A value followed by the delimiter, the value captured: every value of `text || delimiter`. */
  valueThenDelimiter: string;
}

const SPECIAL = /[\\^$.*+?()[\]{}|-]/g;

export function csvPatterns(csv: CsvDialect): CsvPatterns {
  const rx = (char: string) => char.replace(SPECIAL, '\\$&');
  const [D, Q, E] = [rx(csv.delimiter), rx(csv.quote), rx(csv.escape)];
  const inside = csv.escape === csv.quote ? `(?:[^${Q}]|${Q}${Q})*` : `(?:[^${Q}${E}]|${E}.)*`;
  const value = `(?:${Q}${inside}${Q}|[^${D}${Q}][^${D}]*)?`;
  return {
    D,
    Q,
    E,
    inside,
    value,
    record: `${value}(?:${D}${value})*`,
    valueThenDelimiter: `(${value})${D}`,
  };
}

/**
 * SQL that is true when a text holds neither the quote nor the escape (each given as SQL: a literal
 * or a column): a line that is its values split on the delimiter. (`strpos` is the same function on
 * both engines.)
 */
export function quoteFree(text: string, quote: string, escape: string): string {
  const chars = quote === escape ? [quote] : [quote, escape];
  return `(${chars.map((char) => `strpos(${text}, ${char}) = 0`).join(' AND ')})`;
}

/** The dialect of a source's CSV files when its config names none. */
export const DEFAULT_CSV: CsvDialect & { header: boolean } = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
};
