import type { DateCandidate, DateMatches } from '../engine/file-profile.ts';

/**
 * The strptime formats `strata infer` tries on a field, in order of preference when several fit
 * the same values: year first, then day first before month first (`1/12/2010` is read as 1
 * December when nothing in the sample says otherwise, and reported as unsure). Each carries the
 * pattern a value must match whole, digit counts as PostgreSQL's reading of the format has them
 * (engine/postgres/strptime.ts), so a format chosen here reads the same values on both engines.
 */
const DATES = [
  '%Y-%m-%d',
  '%Y/%m/%d',
  '%Y.%m.%d',
  '%d/%m/%Y',
  '%m/%d/%Y',
  '%d.%m.%Y',
  '%m.%d.%Y',
  '%d-%m-%Y',
  '%m-%d-%Y',
  '%d/%m/%y',
  '%m/%d/%y',
  '%d.%m.%y',
  '%m.%d.%y',
  '%d-%m-%y',
  '%m-%d-%y',
  '%d %b %Y',
  '%d-%b-%Y',
  '%d-%b-%y',
  '%b %d %Y',
  '%b %d, %Y',
  '%d %B %Y',
  '%B %d %Y',
  '%B %d, %Y',
];

const TIMES = ['', ' %H:%M', ' %H:%M:%S', ' %H:%M:%S.%g', ' %H:%M:%S.%f', ' %I:%M %p', ' %I:%M:%S %p'];

/** ISO 8601 times after a `T`, with a literal Z for UTC: only after a year-first date. */
const ISO_TIMES = [
  'T%H:%M',
  'T%H:%M:%S',
  'T%H:%M:%S.%g',
  'T%H:%M:%S.%f',
  'T%H:%MZ',
  'T%H:%M:%SZ',
  'T%H:%M:%S.%gZ',
  'T%H:%M:%S.%fZ',
];

const SPECIFIER_PATTERNS: Record<string, string> = {
  Y: '[0-9]{4}',
  y: '[0-9]{2}',
  m: '[0-9]{1,2}',
  d: '[0-9]{1,2}',
  H: '[0-9]{1,2}',
  I: '[0-9]{1,2}',
  M: '[0-9]{1,2}',
  S: '[0-9]{1,2}',
  f: '[0-9]{1,6}',
  g: '[0-9]{1,3}',
  p: '[AaPp][Mm]',
  b: '[A-Za-z]{3}',
  B: '[A-Za-z]{3,9}',
};

/** The whole-match pattern of a strptime format built from the specifiers above. */
export function formatPattern(format: string): string {
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string;
    if (char === '%') {
      const specifier = SPECIFIER_PATTERNS[format[i + 1] ?? ''];
      if (!specifier) throw new Error(`no pattern for %${format[i + 1] ?? ''} in ${format}`);
      pattern += specifier;
      i++;
    } else {
      pattern += char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
    }
  }
  return pattern;
}

export const DATE_CANDIDATES: readonly DateCandidate[] = [
  ...DATES.flatMap((date) => TIMES.map((time) => date + time)),
  ...ISO_TIMES.map((time) => `%Y-%m-%d${time}`),
].map((format) => ({ format, pattern: formatPattern(format) }));

/** The same format with day and month swapped (`%d/%m/%Y` ↔ `%m/%d/%Y`), when it has both. */
export function swappedOrder(format: string): string | undefined {
  if (!format.includes('%d') || !format.includes('%m')) return undefined;
  return format.replace(/%d|%m/g, (s) => (s === '%d' ? '%m' : '%d'));
}

export interface DateChoice {
  /** Formats that together read every covered value, in the order the contract should try them. */
  formats: string[];
  /** Values some chosen format reads, and values none does. */
  covered: number;
  uncovered: number;
  /** A value no format reads. */
  uncoveredExample: string | undefined;
  /** Covered values with a time of day other than midnight. */
  timed: number;
  /** Chosen formats whose day/month swap reads every value they read: the order is a guess. */
  ambiguous: { format: string; alternative: string }[];
  /** Both orders were needed: some values are day first and others month first (or the data is mixed up). */
  bothOrders: boolean;
}

/**
 * The formats that read a field's values, chosen greedily: the format reading most of the values
 * not yet read, until none reads more (ties go to the earlier candidate). `matches` groups the
 * values by which candidates read them (DateMatches.mask, one character per candidate).
 */
export function chooseDateFormats(
  matches: readonly DateMatches[],
  candidates: readonly DateCandidate[],
): DateChoice {
  const fits = (m: DateMatches, i: number) => m.mask[i] === '1';
  let remaining = matches.filter((m) => m.mask.includes('1'));
  const chosen: number[] = [];
  while (remaining.length > 0) {
    let best = -1;
    let bestCount = 0;
    for (let i = 0; i < candidates.length; i++) {
      const count = remaining.reduce((sum, m) => sum + (fits(m, i) ? m.count : 0), 0);
      if (count > bestCount) {
        best = i;
        bestCount = count;
      }
    }
    if (best < 0) break;
    chosen.push(best);
    remaining = remaining.filter((m) => !fits(m, best));
  }
  const covered = matches.filter((m) => chosen.some((i) => fits(m, i)));
  const uncovered = matches.filter((m) => !chosen.some((i) => fits(m, i)));
  const formats = chosen.map((i) => (candidates[i] as DateCandidate).format);
  const ambiguous: DateChoice['ambiguous'] = [];
  let bothOrders = false;
  for (const i of chosen) {
    const format = (candidates[i] as DateCandidate).format;
    const alternative = swappedOrder(format);
    const j = alternative === undefined ? -1 : candidates.findIndex((c) => c.format === alternative);
    if (j < 0 || alternative === undefined) continue;
    if (chosen.includes(j)) {
      bothOrders = true;
      continue;
    }
    if (covered.every((m) => !fits(m, i) || fits(m, j))) ambiguous.push({ format, alternative });
  }
  return {
    formats,
    covered: covered.reduce((sum, m) => sum + m.count, 0),
    uncovered: uncovered.reduce((sum, m) => sum + m.count, 0),
    uncoveredExample: uncovered[0]?.example,
    timed: covered.reduce((sum, m) => sum + m.timed, 0),
    ambiguous,
    bothOrders,
  };
}
