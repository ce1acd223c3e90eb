import type { ContractInput } from '../config/contract-schema.ts';
import type { SourceConfigInput } from '../config/source-schema.ts';
import type {
  DateCandidate,
  DateMatches,
  FieldStats,
  SampleCsvDialect,
  SampledFile,
} from '../engine/file-profile.ts';
import { chooseDateFormats } from './date-formats.ts';
import { fieldNames, looksLikeId } from './names.ts';

/** A draft field's declaration, as a contract takes it. */
export type FieldInput = ContractInput['fields'][string];
/** The declaration of an array's item (a scalar field). */
type ScalarInput = Exclude<FieldInput, { type: 'array' }>;

/** Texts that mean null wherever they appear (declared contract-wide when seen). */
export const NULL_MARKERS = ['NULL', 'null', 'Null', 'N/A', 'n/a', '#N/A', '\\N', 'NaN', 'nan'];
/** Texts that mean null in a numeric, boolean or date field, and may be real values in a text field. */
export const WEAK_NULL_MARKERS = ['NA', 'na', 'None', 'none', '-'];
/** The boolean words a contract's `boolean` reads by default (contract-schema.ts), lower case. */
export const TRUE_WORDS = ['true', 't', 'yes', 'y'];
export const FALSE_WORDS = ['false', 'f', 'no', 'n'];

export interface InferSettings {
  /** A text field with at most this many distinct values (each seen at least twice on average) is an enum candidate. */
  enumLimit: number;
  /** Fewer records than this make the sample too small to judge keys, enums and required. */
  smallSample: number;
}

export const DEFAULT_SETTINGS: InferSettings = { enumLimit: 10, smallSample: 30 };

export type UnsureKind =
  | 'date_order'
  | 'mixed_types'
  | 'all_null'
  | 'small_sample'
  | 'partial_sample'
  | 'malformed_lines'
  | 'csv_dialect'
  | 'load_date'
  | 'nested'
  | 'no_records';

/** Something the draft guessed: the user should look at it. */
export interface Unsure {
  kind: UnsureKind;
  /** The draft's field, when it is about one. */
  field?: string;
  message: string;
}

export interface DraftField {
  /** The contract's name (snake_case). */
  name: string;
  /** The name in the files. */
  from: string;
  spec: FieldInput;
  /** A remark printed beside the field in the draft. */
  note?: string;
  /** Records with a value. */
  values: number;
  /** Records without: empty, blank or absent, and those holding each null marker seen. */
  nulls: { empty: number; markers: Record<string, number> };
  distinct: number;
  /** Distinct values when few (an enum candidate's values), else null. */
  enumCandidate: string[] | null;
  /** Whether the field's values could identify a record (not JSON arrays or objects). */
  keyable: boolean;
}

/** Each field's declaration from its statistics and, for fields that look like dates, the formats that read them. */
export function draftFields(
  records: number,
  stats: readonly FieldStats[],
  dates: ReadonlyMap<string, readonly DateMatches[]>,
  candidates: readonly DateCandidate[],
  settings: InferSettings = DEFAULT_SETTINGS,
): { fields: DraftField[]; unsure: Unsure[] } {
  const names = fieldNames(stats.map((s) => s.name));
  const unsure: Unsure[] = [];
  const fields = stats.map((s, i) => {
    const name = names[i] as string;
    const decided = decideType(name, s, dates.get(s.name) ?? [], candidates);
    const isText = decided.spec.type === 'string';
    const weakSeen = WEAK_NULL_MARKERS.filter((m) => (s.markers[m] ?? 0) > 0);
    const weak = weakSeen.reduce((sum, m) => sum + (s.markers[m] ?? 0), 0);
    // In a text field a weak marker (NA, -) may be a value: it stays one.
    const values = s.values + (isText ? weak : 0);
    let spec: FieldInput = decided.spec;
    const enumValues = isText ? enumCandidate(s, records, settings) : null;
    if (enumValues) spec = { type: 'enum', values: [...enumValues, ...weakSeen].sort() };
    // A text field that nearly was another type but has few values is an enum: nothing to report.
    unsure.push(...decided.unsure.filter((u) => !(enumValues && u.kind === 'mixed_types')));
    if (!isText && weakSeen.length > 0) spec = { ...spec, nullValues: weakSeen } as FieldInput;
    const required = records > 0 && values === records;
    const from = s.name === name ? {} : { from: s.name };
    const declared = {
      type: spec.type,
      ...from,
      ...rest(spec),
      ...(required ? { required: true } : {}),
    } as FieldInput;
    const markers = Object.fromEntries(
      [...NULL_MARKERS, ...(isText ? [] : WEAK_NULL_MARKERS)]
        .filter((m) => (s.markers[m] ?? 0) > 0)
        .map((m) => [m, s.markers[m] ?? 0]),
    );
    const marked = Object.values(markers).reduce((sum, n) => sum + n, 0);
    return {
      name,
      from: s.name,
      spec: declared,
      ...noteOf(enumValues ? 'the values seen in the sample' : decided.note, records - values, records),
      values,
      nulls: { empty: records - values - marked, markers },
      distinct: s.distinct,
      enumCandidate:
        s.distinctValues && s.distinctValues.length <= settings.enumLimit ? s.distinctValues : null,
      keyable: s.objects + s.arrays === 0,
    };
  });
  return { fields, unsure };
}

/** A field's remark: what decided its type, and how many records have no value. */
function noteOf(decided: string | undefined, missing: number, records: number): { note?: string } {
  const parts = [
    decided,
    missing > 0 && missing < records ? `${missing} of ${records} null or empty` : undefined,
  ];
  const note = parts.filter((p) => p !== undefined).join('; ');
  return note ? { note } : {};
}

function rest(spec: FieldInput): Record<string, unknown> {
  const { type: _type, ...others } = spec;
  return others;
}

interface Decision {
  spec: FieldInput;
  note?: string;
  unsure: Unsure[];
}

/** The type of one field: the narrowest that reads every value seen, else text (and why, when it nearly was another). */
export function decideType(
  field: string,
  s: FieldStats,
  dates: readonly DateMatches[],
  candidates: readonly DateCandidate[],
): Decision {
  const v = s.values;
  const text = (unsure: Unsure[] = [], note?: string): Decision => ({
    spec: { type: 'string' },
    unsure,
    ...(note ? { note } : {}),
  });
  if (v === 0) {
    return text([
      {
        kind: 'all_null',
        field,
        message: `${field}: empty or null in every record of the sample; typed as string until values show its type`,
      },
    ]);
  }
  if (s.objects + s.arrays > 0) {
    const what = s.arrays > 0 ? 'JSON arrays' : 'JSON objects';
    return text(
      [
        {
          kind: 'nested',
          field,
          message: `${field}: holds ${what}; kept as their JSON text${s.arrays > 0 ? " (declare type: 'array' with items to stage the elements of an array of objects)" : ''}`,
        },
      ],
      `${what} as text`,
    );
  }
  if (s.integers === v) {
    if (s.leadingZeros > 0) {
      return text(
        [],
        `text: ${s.leadingZeros} value(s) have leading zeros (e.g. ids, postal codes) that a number would lose`,
      );
    }
    const values = s.distinctValues ?? [];
    if (values.length === 2 && values.includes('0') && values.includes('1')) {
      return { spec: { type: 'boolean' }, note: 'only 0 and 1 seen', unsure: [] };
    }
    if (s.bigIntegers > 0) {
      if (s.maxIntegerDigits > 38) return text([], 'whole numbers too long for any numeric type');
      return {
        spec: { type: 'decimal', precision: 38, scale: 0 },
        note: 'whole numbers beyond 64 bits',
        unsure: [],
      };
    }
    return { spec: { type: 'integer' }, unsure: [] };
  }
  if (s.decimals === v) {
    const scale = s.maxScale;
    const precision = Math.max(18, s.maxIntegerDigits + scale);
    if (precision > 38)
      return { spec: { type: 'number' }, note: 'too many digits for a decimal', unsure: [] };
    return {
      spec: { type: 'decimal', precision, scale },
      note: `up to ${s.maxIntegerDigits} integer digit(s) and ${scale} place(s) seen`,
      unsure: [],
    };
  }
  if (s.decimals + s.exponents === v)
    return { spec: { type: 'number' }, note: 'numbers with exponents', unsure: [] };
  const lowered = new Set((s.distinctValues ?? []).map((x) => x.toLowerCase()));
  if (s.trues + s.falses === v && s.distinctValues !== null && lowered.size <= 2) {
    return { spec: { type: 'boolean' }, unsure: [] };
  }
  const choice = dates.length > 0 ? chooseDateFormats(dates, candidates) : undefined;
  if (choice && choice.covered === v && choice.formats.length > 0) {
    const type = choice.timed > 0 ? 'timestamp' : 'date';
    const unsure: Unsure[] = [];
    for (const { format, alternative } of choice.ambiguous) {
      unsure.push({
        kind: 'date_order',
        field,
        message: `${field}: day and month are both 12 or less in every value read as ${format} (e.g. '${dates[0]?.example ?? ''}'), so their order is a guess: day first; use '${alternative}' if the month comes first`,
      });
    }
    if (choice.bothOrders) {
      unsure.push({
        kind: 'date_order',
        field,
        message: `${field}: some values are day first and others month first (formats ${choice.formats.join(', ')}); a value that fits both is read with the first`,
      });
    }
    const timeFormats = choice.formats.some((f) => /%[HIMS]/.test(f));
    const note =
      type === 'date' && timeFormats
        ? 'every time of day seen is midnight: typed as a date'
        : choice.ambiguous.length > 0
          ? `day first is a guess: see below`
          : undefined;
    return { spec: { type, formats: choice.formats }, unsure, ...(note ? { note } : {}) };
  }
  // Text. Say so when most values were of another type.
  const share = (n: number) => n / v >= 0.9;
  const kinds: [string, number][] = [
    ['integer', s.leadingZeros === 0 ? s.integers : 0],
    ['decimal', s.decimals],
    ['date', choice?.covered ?? 0],
    ['boolean', s.trues + s.falses],
  ];
  const near = kinds.filter(([, n]) => n < v && share(n)).sort((a, b) => b[1] - a[1])[0];
  if (near) {
    const [kind, n] = near;
    const words = new Set([...TRUE_WORDS, ...FALSE_WORDS]);
    const example =
      kind === 'date'
        ? choice?.uncoveredExample
        : kind === 'boolean'
          ? s.distinctValues?.find((x) => !words.has(x.toLowerCase()))
          : (s.exampleText ?? undefined);
    return text([
      {
        kind: 'mixed_types',
        field,
        message: `${field}: ${n} of ${v} values are ${kind === 'integer' ? 'integers' : kind === 'decimal' ? 'numbers' : `${kind}s`}${kind === 'date' && choice ? ` (${choice.formats.join(', ')})` : ''} but ${v - n} are not${example !== undefined ? ` (e.g. '${example}')` : ''}; typed as string — declare ${kind === 'decimal' ? 'decimal' : kind} to quarantine the others`,
      },
    ]);
  }
  return text();
}

function enumCandidate(s: FieldStats, records: number, settings: InferSettings): string[] | null {
  if (!s.distinctValues || records < settings.smallSample) return null;
  const n = s.distinctValues.length;
  if (n === 0 || n > settings.enumLimit || s.values < 2 * n || s.maxLength > 40) return null;
  if (s.distinct === s.values) return null;
  return s.distinctValues;
}

/** Fields that are unique and never null in the sample, of a type a key can be (integer, text). */
export function singleKeyCandidates(records: number, fields: readonly DraftField[]): DraftField[] {
  if (records < 2) return [];
  return fields.filter(
    (f) =>
      f.keyable &&
      f.values === records &&
      f.distinct === records &&
      (f.spec.type === 'integer' || f.spec.type === 'string' || f.spec.type === 'decimal') &&
      !(f.spec.type === 'decimal' && (f.spec.scale ?? 2) > 0),
  );
}

/** Pairs of id-like, never-null fields to test when no single field is a key. */
export function keyPairsToTest(records: number, fields: readonly DraftField[]): [DraftField, DraftField][] {
  if (records < 2) return [];
  const ids = fields
    .filter(
      (f) =>
        f.values === records && looksLikeId(f.name) && ['integer', 'string', 'enum'].includes(f.spec.type),
    )
    .slice(0, 6);
  const pairs: [DraftField, DraftField][] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) pairs.push([ids[i] as DraftField, ids[j] as DraftField]);
  }
  return pairs;
}

/** The key the draft declares: an id-like candidate first, else the first one in file order. */
export function chooseKey(candidates: readonly (readonly DraftField[])[]): string[] | undefined {
  const idLike = candidates.find((key) => key.every((f) => looksLikeId(f.name)));
  const key = idLike ?? candidates[0];
  return key?.map((f) => f.name);
}

export interface DraftInput {
  name: string;
  /** The files as the source's `files` should name them (relative to the project). */
  files: readonly string[];
  /** YYYY-MM-DD of the run, for files whose paths hold no date. */
  today: string;
  records: number;
  sampled: readonly SampledFile[];
  csv: SampleCsvDialect | undefined;
  fields: readonly DraftField[];
  fieldUnsure: readonly Unsure[];
  /** Candidate keys, best first (single fields, then pairs). */
  keys: readonly (readonly DraftField[])[];
  settings?: InferSettings;
}

export interface Draft {
  name: string;
  source: SourceConfigInput;
  fields: DraftField[];
  candidateKeys: string[][];
  uniqueKey: string[] | undefined;
  /** Remarks printed beside the draft's lines: per field name, and for the source's own keys. */
  notes: { fields: Record<string, string>; loadDate?: string; uniqueKey?: string; csv?: string };
  unsure: Unsure[];
}

const DATE_IN_PATH = /\d{4}-\d{2}-\d{2}/;

/** The draft source: files, load date, CSV dialect and the contract, with what it is unsure of. */
export function draftSource(input: DraftInput): Draft {
  const settings = input.settings ?? DEFAULT_SETTINGS;
  const unsure: Unsure[] = [];
  const notes: Draft['notes'] = { fields: {} };
  if (input.records === 0) {
    unsure.push({
      kind: 'no_records',
      message: 'the files hold no records: every field they name is typed as string',
    });
  } else if (input.records < settings.smallSample) {
    unsure.push({
      kind: 'small_sample',
      message: `the sample holds only ${input.records} record(s): keys, enums and required fields are judged on too few values`,
    });
  }
  const truncated = input.sampled.filter((f) => f.truncated);
  if (truncated.length > 0) {
    unsure.push({
      kind: 'partial_sample',
      message: `only the first ${input.records} records were read (${truncated.map((f) => f.path).join(', ')} hold${truncated.length === 1 ? 's' : ''} more): a value, null or duplicate after them is not seen, and enums list only the values seen (--sample N reads more)`,
    });
  }
  for (const file of input.sampled) {
    if (file.rejected.length === 0) continue;
    const lines = file.rejected.map((r) => r.line);
    unsure.push({
      kind: 'malformed_lines',
      message: `${file.path}: ${lines.length} line(s) are not records (${file.rejected[0]?.reason ?? ''}; lines ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}): staging quarantines them as malformed — quote values that hold the delimiter`,
    });
  }
  if (input.csv && !input.csv.sniffed) {
    unsure.push({
      kind: 'csv_dialect',
      message: `DuckDB's sniffer could not tell the CSV dialect; the delimiter ${JSON.stringify(input.csv.delimiter)} is the one the header line holds most of`,
    });
  }
  unsure.push(...input.fieldUnsure);

  const source: SourceConfigInput = {
    files: input.files.length === 1 ? (input.files[0] as string) : [...input.files],
  } as SourceConfigInput;
  if (!input.files.every((f) => DATE_IN_PATH.test(f))) {
    source.loadDate = { value: input.today };
    notes.loadDate = 'no YYYY-MM-DD in the file path: every file loads as of this date';
    unsure.push({
      kind: 'load_date',
      message: `no date (YYYY-MM-DD) in the path of ${input.files.filter((f) => !DATE_IN_PATH.test(f)).join(', ')}: loadDate is set to ${input.today}; put the date in the file names, or set loadDate.pattern`,
    });
  }
  if (input.csv && (input.csv.delimiter !== ',' || !input.csv.header)) {
    source.csv = {
      ...(input.csv.delimiter !== ',' ? { delimiter: input.csv.delimiter } : {}),
      ...(input.csv.header ? {} : { header: false }),
    };
  }
  const contractNulls = NULL_MARKERS.filter((m) => input.fields.some((f) => (f.nulls.markers[m] ?? 0) > 0));
  const uniqueKey = chooseKey(input.keys);
  const candidateKeys = input.keys.map((key) => key.map((f) => f.name));
  if (uniqueKey) {
    const others = candidateKeys.filter((k) => k.join() !== uniqueKey.join()).map((k) => k.join(' + '));
    notes.uniqueKey = `unique and never empty in the sample${others.length ? `; also: ${others.slice(0, 5).join(', ')}` : ''}`;
  }
  const fields: Record<string, FieldInput> = {};
  for (const field of input.fields) {
    fields[field.name] = field.spec;
    if (field.note) notes.fields[field.name] = field.note;
  }
  source.contract = {
    ...(uniqueKey ? { uniqueKey } : {}),
    ...(contractNulls.length ? { nullValues: contractNulls } : {}),
    fields,
  };
  return {
    name: input.name,
    source,
    fields: [...input.fields],
    candidateKeys,
    uniqueKey,
    notes,
    unsure,
  };
}

/**
 * A field whose every value is a JSON array of objects, declared as an array with the fields of its
 * elements (`items`, each scalar: an element's own arrays and objects stay JSON text). What the
 * draft is unsure of in the elements is named `<field>.<item>`.
 */
export function arrayField(
  field: DraftField,
  elements: number,
  items: { fields: readonly DraftField[]; unsure: readonly Unsure[] },
): { field: DraftField; unsure: Unsure[] } {
  const declared: Record<string, ScalarInput> = {};
  for (const item of items.fields) declared[item.name] = item.spec as ScalarInput;
  const { required } = field.spec as { required?: boolean };
  const spec = {
    type: 'array',
    ...(field.from === field.name ? {} : { from: field.from }),
    ...(required ? { required: true } : {}),
    items: declared,
  } as FieldInput;
  const notes = items.fields.filter((f) => f.note).map((f) => `${f.name}: ${f.note}`);
  return {
    field: {
      ...field,
      spec,
      note: `${elements} element(s) in the sample${notes.length ? `; ${notes.join('; ')}` : ''}`,
    },
    unsure: items.unsure.map((u) => ({
      ...u,
      ...(u.field ? { field: `${field.name}.${u.field}` } : {}),
      message: `${field.name}.${u.message}`,
    })),
  };
}
