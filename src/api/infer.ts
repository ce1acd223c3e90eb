import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { type SourceConfigInput, fileSourceSchema } from '../config/source-schema.ts';
import type { FieldStats } from '../engine/file-profile.ts';
import { StrataError } from '../errors/strata-error.ts';
import { DATE_CANDIDATES } from '../infer/date-formats.ts';
import {
  DEFAULT_SETTINGS,
  type DraftField,
  FALSE_WORDS,
  NULL_MARKERS,
  TRUE_WORDS,
  type Unsure,
  WEAK_NULL_MARKERS,
  arrayField,
  draftFields,
  draftSource,
  keyPairsToTest,
  singleKeyCandidates,
} from '../infer/draft.ts';
import { sourceName } from '../infer/names.ts';
import { renderDraft } from '../infer/render.ts';
import { formatOf } from '../sources/discover.ts';

export const DEFAULT_SAMPLE_ROWS = 10_000;

export interface InferRequest {
  /** The sample files, absolute or relative to `cwd`. */
  files: readonly string[];
  /** Where relative paths start (default: the process's folder). */
  cwd?: string;
  /** The project the source is for: the draft names its files relative to it (default: `cwd`). */
  projectDir?: string;
  /** The source's name (default: from the first file's name). */
  source?: string;
  /** Records read at most, shared between the files (default 10,000). */
  sampleRows?: number;
  /** Writes the draft to this file (relative to `cwd`); an existing file only with `force`. */
  out?: string;
  force?: boolean;
  /** The load date of files whose paths hold none (default: today, UTC). */
  today?: string;
}

export interface InferredField {
  name: string;
  /** The name in the files. */
  from: string;
  type: string;
  required: boolean;
  /** The field's declaration in the draft. */
  spec: DraftField['spec'];
  values: number;
  nulls: DraftField['nulls'];
  distinct: number;
  enumCandidate: string[] | null;
  note: string | null;
}

export interface InferResult {
  source: string;
  /** The draft source, as strata.config.ts takes it (it passes the config's validation). */
  config: SourceConfigInput;
  /** The draft as a TypeScript module. */
  text: string;
  fields: InferredField[];
  candidateKeys: string[][];
  uniqueKey: string[] | null;
  unsure: Unsure[];
  sample: {
    records: number;
    format: string;
    compression: 'none' | 'gzip';
    files: { file: string; records: number; truncated: boolean; rejectedLines: number[] }[];
  };
  /** The file written (absolute), when `out` was given. */
  written: string | null;
}

/**
 * Reads the first records of sample files and drafts a source with its contract (field names,
 * types, date formats, null markers, key, enums, required fields) that the user edits; what the
 * draft guessed is listed in `unsure`. Nothing is loaded anywhere: DuckDB reads the files in a
 * scratch in-memory database (engine/duckdb/file-profile.ts), infer/ decides.
 */
export async function infer(request: InferRequest): Promise<InferResult> {
  const cwd = request.cwd ?? process.cwd();
  const projectDir = resolve(cwd, request.projectDir ?? '.');
  const sampleRows = request.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  if (request.files.length === 0) {
    throw new StrataError('INFER_INPUT_INVALID', 'strata infer needs at least one sample file', {
      hint: 'Name the files: strata infer exports/orders.csv',
    });
  }
  const paths = request.files.map((f) => resolve(cwd, f));
  for (const path of paths) {
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new StrataError('INFER_INPUT_INVALID', `no file ${relative(cwd, path) || path}`, {
        file: path,
        hint: 'Name files that exist (a folder is not read; name its files, e.g. exports/orders/*.csv).',
      });
    }
  }
  const formats = paths.map((path) => ({ path, ...formatOf(path) }));
  const first = formats[0] as (typeof formats)[number];
  const odd = formats.find((f) => f.format !== first.format || f.compression !== first.compression);
  if (odd) {
    throw new StrataError(
      'INFER_INPUT_INVALID',
      `the files are not all of one format: ${basename(first.path)} is ${describe(first)}, ${basename(odd.path)} is ${describe(odd)}`,
      { hint: 'A source reads files of one format; infer each kind of file on its own.' },
    );
  }
  const name = request.source ?? sourceName(paths[0] as string);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new StrataError('INFER_INPUT_INVALID', `--source ${JSON.stringify(name)} is not a SQL identifier`, {
      hint: 'Use letters, digits and underscores, not starting with a digit (e.g. orders).',
    });
  }
  const outPath = request.out === undefined ? undefined : resolve(cwd, request.out);
  if (outPath && existsSync(outPath) && !request.force) {
    throw new StrataError('INFER_OUT_EXISTS', `${request.out ?? outPath} exists; the draft was not written`, {
      file: outPath,
      hint: 'Pass --force to replace it, or name another file with --out.',
    });
  }
  const display = (path: string) => {
    const rel = relative(projectDir, path);
    return (isAbsolute(rel) ? path : rel).split(sep).join('/');
  };

  // The driver is loaded here, for infer only: commands that read no file never load it.
  const { withFileSample } = await import('../engine/duckdb/file-profile.ts');
  const profiled = await withFileSample(
    { paths, format: first.format, compression: first.compression, sampleRows },
    async (sample) => {
      const stats = await sample.stats(statsRequest);
      const dates = await sample.dateMatches(dateLikeOf(stats), DATE_CANDIDATES);
      const drafted = draftFields(sample.records, stats, dates, DATE_CANDIDATES);
      // A field of JSON arrays of objects: its elements are profiled as records of their own.
      for (const [i, s] of stats.entries()) {
        const field = drafted.fields[i] as DraftField;
        if (s.values === 0 || s.arrays !== s.values) continue;
        const elements = await sample.elements(s.name);
        if (!elements) continue;
        const itemStats = await elements.stats(statsRequest);
        const itemDates = await elements.dateMatches(dateLikeOf(itemStats), DATE_CANDIDATES);
        const items = draftFields(elements.records, itemStats, itemDates, DATE_CANDIDATES);
        const array = arrayField(field, elements.records, items);
        drafted.fields[i] = array.field;
        drafted.unsure = [
          ...drafted.unsure.filter((u) => !(u.kind === 'nested' && u.field === field.name)),
          ...array.unsure,
        ];
      }
      const singles = singleKeyCandidates(sample.records, drafted.fields);
      let keys: DraftField[][] = singles.map((f) => [f]);
      if (keys.length === 0) {
        const pairs = keyPairsToTest(sample.records, drafted.fields);
        const counts = await sample.distinctTuples(pairs.map((pair) => pair.map((f) => f.from)));
        keys = pairs.filter((_, i) => counts[i] === sample.records);
      }
      return { records: sample.records, files: sample.files, csv: sample.csv, drafted, keys };
    },
  );
  const sampled = profiled.files.map((f) => ({ ...f, path: display(f.path) }));
  const draft = draftSource({
    name,
    files: paths.map(display),
    today: request.today ?? new Date().toISOString().slice(0, 10),
    records: profiled.records,
    sampled,
    csv: profiled.csv,
    fields: profiled.drafted.fields,
    fieldUnsure: profiled.drafted.unsure,
    keys: profiled.keys,
  });
  const checked = fileSourceSchema.safeParse(draft.source);
  if (!checked.success) {
    throw new StrataError('INTERNAL', `the draft of ${name} does not pass the config's validation`, {
      cause: checked.error,
      hint: 'This is a bug in strata infer; please report it with the sample file.',
    });
  }
  const importPath = outPath ? `./${display(outPath).replace(/^\.\//, '')}` : `./${name}.ts`;
  const fileCount = paths.length === 1 ? basename(paths[0] as string) : `${paths.length} files`;
  const text = renderDraft(draft, {
    sampleText: `${fileCount} (${profiled.records.toLocaleString('en-US')} record${profiled.records === 1 ? '' : 's'} read)`,
    importPath,
  });
  if (outPath) {
    await mkdir(dirname(outPath), { recursive: true });
    await writeFile(outPath, text);
  }
  return {
    source: name,
    config: draft.source,
    text,
    fields: draft.fields.map((f) => ({
      name: f.name,
      from: f.from,
      type: f.spec.type,
      required: 'required' in f.spec && f.spec.required === true,
      spec: f.spec,
      values: f.values,
      nulls: f.nulls,
      distinct: f.distinct,
      enumCandidate: f.enumCandidate,
      note: f.note ?? null,
    })),
    candidateKeys: draft.candidateKeys,
    uniqueKey: draft.uniqueKey ?? null,
    unsure: draft.unsure,
    sample: {
      records: profiled.records,
      format: first.format,
      compression: first.compression,
      files: sampled.map((f) => ({
        file: f.path,
        records: f.records,
        truncated: f.truncated,
        rejectedLines: f.rejected.map((r) => r.line),
      })),
    },
    written: outPath ?? null,
  };
}

const statsRequest = {
  nullMarkers: [...NULL_MARKERS, ...WEAK_NULL_MARKERS],
  trueWords: TRUE_WORDS,
  falseWords: FALSE_WORDS,
  listLimit: DEFAULT_SETTINGS.enumLimit,
};

/** The fields some of whose values look like dates (and are not all numbers): their formats are tried. */
function dateLikeOf(stats: readonly FieldStats[]): string[] {
  return stats.filter((s) => s.dateLike > 0 && s.decimals < s.values).map((s) => s.name);
}

function describe(file: { format: string; compression: string }): string {
  return file.compression === 'gzip' ? `${file.format} (gzip)` : file.format;
}
