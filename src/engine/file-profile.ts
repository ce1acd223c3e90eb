import type { BulkFormat } from './types.ts';

/**
 * What a profile of sample files answers (`strata infer`): the statistics of each field's text over
 * the first records of the files. engine/duckdb/file-profile.ts computes them in DuckDB; infer/
 * decides from them what a draft contract declares.
 */

export interface SampleRequest {
  paths: readonly string[];
  format: BulkFormat;
  compression: 'none' | 'gzip';
  /** Records read at most, shared between the files. */
  sampleRows: number;
}

export interface SampleCsvDialect {
  delimiter: string;
  header: boolean;
  /** False when DuckDB's sniffer could not tell and the delimiter was guessed from the header line. */
  sniffed: boolean;
}

export interface SampledFile {
  path: string;
  /** Records read from the file. */
  records: number;
  /** The file holds more records than were read. */
  truncated: boolean;
  /** Lines that are not records (wrong number of CSV fields, not JSON, not an object), as read. */
  rejected: { line: number; reason: string; text: string }[];
}

/** The statistics of one field's text over the sample. */
export interface FieldStats {
  name: string;
  /** Records with a value (not null, not empty, not a null marker). */
  values: number;
  /** Records whose text is empty or only spaces. */
  empty: number;
  /** Each null marker asked about and how many records hold exactly it. */
  markers: Record<string, number>;
  distinct: number;
  maxLength: number;
  /** Values that are JSON objects or arrays. */
  objects: number;
  arrays: number;
  /** Whole numbers (sign and digits), those beyond a BIGINT, those with a leading zero (`007`). */
  integers: number;
  bigIntegers: number;
  leadingZeros: number;
  /** Numbers written with digits and at most one point (integers included), and with an exponent. */
  decimals: number;
  exponents: number;
  /** Over the decimals: most places after the point, most integer digits (leading zeros aside). */
  maxScale: number;
  maxIntegerDigits: number;
  /** Values that are a word of `trueWords` / `falseWords` (case-insensitive). */
  trues: number;
  falses: number;
  /** Values that start like a date (digits, then - / . or a space and more). */
  dateLike: number;
  /** The distinct values, sorted, when there are at most `listLimit`. */
  distinctValues: string[] | null;
  /** A value that is not a number, and the smallest and largest values (text order). */
  exampleText: string | null;
  min: string | null;
  max: string | null;
}

export interface StatsRequest {
  nullMarkers: readonly string[];
  trueWords: readonly string[];
  falseWords: readonly string[];
  /** Distinct values are listed for a field with at most this many. */
  listLimit: number;
}

export interface DateCandidate {
  /** strptime format, as contracts declare it. */
  format: string;
  /** A regular expression a value must match whole for the format to be said to fit. */
  pattern: string;
}

/** For one field: the values grouped by which candidates parse them (`mask[i]` is '1' when the i-th does). */
export interface DateMatches {
  mask: string;
  count: number;
  example: string;
  /** Values among them whose parsed time of day is not midnight (by the first candidate that fits). */
  timed: number;
}

/** Records of JSON objects and the questions asked of their fields. */
export interface FieldSample {
  readonly records: number;
  /** The fields in file order (CSV header, Parquet schema, JSON keys by first appearance). */
  readonly fields: readonly string[];
  stats(request: StatsRequest): Promise<FieldStats[]>;
  dateMatches(
    fields: readonly string[],
    candidates: readonly DateCandidate[],
  ): Promise<Map<string, DateMatches[]>>;
}

export interface FileSample extends FieldSample {
  readonly files: readonly SampledFile[];
  readonly csv: SampleCsvDialect | undefined;
  /** For each tuple of fields: how many distinct combinations the sample holds (nulls included). */
  distinctTuples(tuples: readonly (readonly string[])[]): Promise<number[]>;
  /** The objects inside a field's JSON arrays, as records of their own; undefined when there are none. */
  elements(field: string): Promise<FieldSample | undefined>;
}
