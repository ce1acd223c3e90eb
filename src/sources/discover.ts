import { StrataError } from '../errors/strata-error.ts';
import { isIsoDate } from '../time/dates.ts';
import { globFiles, relativePath } from './glob.ts';
import { landingFolder } from './http/land-pages.ts';
import type { FileFormat, SourceConfig } from '../config/source-schema.ts';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Relative to the project root: what audit tables and messages show. */
  file: string;
  loadDate: string;
  format: FileFormat;
  compression: 'none' | 'gzip';
}

const DATE_IN_PATH = /(\d{4})-(\d{2})-(\d{2})/g;

/**
 * The files of a source with their load dates; a file whose path holds no date is an error. With
 * `loadDate.fromColumn` each record has its own date, and a file's is only where raw keeps its
 * rows: the date in its path, or else `today`.
 */
export async function discoverFiles(
  root: string,
  name: string,
  source: SourceConfig,
  today: string,
): Promise<SourceFile[]> {
  // An HTTP source's files are its landed pages, one folder per load date.
  const globs = source.files ?? [`${relativePath(root, landingFolder(root, name))}/*/page-*.json`];
  const paths = [...new Set((await Promise.all(globs.map((g) => globFiles(root, g)))).flat())].sort();
  const rule = source.loadDate;
  const pattern = rule && 'fromPath' in rule ? new RegExp(rule.fromPath) : undefined;
  const fixed = rule && 'value' in rule ? rule.value : undefined;
  const fromRecords = rule !== undefined && 'fromColumn' in rule;
  return paths.map((path) => {
    const file = relativePath(root, path);
    const loadDate =
      fixed ??
      (pattern ? dateFromPattern(file, pattern) : lastDateIn(file)) ??
      (fromRecords ? today : undefined);
    if (!loadDate) {
      const found = pattern ? ` matching loadDate.fromPath ${pattern.source}` : '';
      throw new StrataError('SOURCE_INVALID', `source ${name}: no load date${found} in the path ${file}`, {
        file,
        field: `sources.${name}.loadDate`,
        hint: pattern
          ? 'loadDate.fromPath must match the path (relative to the project) and capture a YYYY-MM-DD date: a group named date, groups year, month and day, or its first group.'
          : "Put the date in the file or folder name (orders/2025-03-14.json), or set loadDate: { fromPath: '<regular expression>' } or { value: 'YYYY-MM-DD' }.",
      });
    }
    return { path, file, loadDate, ...formatOf(file, source.format) };
  });
}

function lastDateIn(path: string): string | undefined {
  const matches = [...path.matchAll(DATE_IN_PATH)].map((m) => m[0]).filter(isIsoDate);
  return matches.at(-1);
}

/**
 * The date `loadDate.fromPath` finds in a path: its group `date`, or its groups `year`, `month` and
 * `day` (a one-digit month or day is padded), or else its first group, or else the whole match.
 */
function dateFromPattern(path: string, pattern: RegExp): string | undefined {
  const match = pattern.exec(path);
  if (!match) return undefined;
  const groups = match.groups ?? {};
  const date =
    groups.date ??
    (groups.year && groups.month && groups.day
      ? `${groups.year}-${groups.month.padStart(2, '0')}-${groups.day.padStart(2, '0')}`
      : match.length > 1
        ? match[1]
        : match[0]);
  return date && isIsoDate(date) ? date : undefined;
}

export function formatOf(
  file: string,
  declared?: FileFormat,
): { format: FileFormat; compression: 'none' | 'gzip' } {
  const compression = /\.gz$/i.test(file) ? 'gzip' : 'none';
  if (declared) return { format: declared, compression };
  const bare = file.replace(/\.gz$/i, '').toLowerCase();
  if (bare.endsWith('.ndjson') || bare.endsWith('.jsonl')) return { format: 'ndjson', compression };
  if (bare.endsWith('.json')) return { format: 'json', compression };
  if (bare.endsWith('.csv') || bare.endsWith('.tsv')) return { format: 'csv', compression };
  if (bare.endsWith('.parquet')) return { format: 'parquet', compression };
  throw new StrataError('SOURCE_INVALID', `cannot tell the format of ${file} from its extension`, {
    file,
    hint: 'Set format: json | ndjson | csv | parquet on the source.',
  });
}
