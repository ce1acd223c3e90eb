/**
 * Dates as integers: an "epoch day" is days since 1970-01-01 (UTC), a timestamp is seconds since
 * the epoch. Formatting goes through caches so no Date object is built per record.
 */
import { StrataError } from '../errors/strata-error.ts';

export const SECONDS_PER_DAY = 86_400;

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

export function pad2(n: number): string {
  return PAD2[n] as string;
}

/** 'YYYY-MM-DD' → epoch day; throws DATE_INVALID for anything else (including 2025-02-30). */
export function parseDay(text: string, option = 'start'): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) {
    const [, y, m, d] = match;
    const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
    const back = new Date(ms);
    if (
      back.getUTCFullYear() === Number(y) &&
      back.getUTCMonth() === Number(m) - 1 &&
      back.getUTCDate() === Number(d)
    ) {
      return Math.round(ms / 86_400_000);
    }
  }
  throw new StrataError('DATE_INVALID', `--${option} must be a date written YYYY-MM-DD, got '${text}'`, {
    field: option,
    hint: 'For example --start 2025-01-01.',
  });
}

const dayCache = new Map<number, string>();
let lastDay = NaN;
let lastDayText = '';

/** Epoch day → 'YYYY-MM-DD'. */
export function dayString(day: number): string {
  if (day === lastDay) return lastDayText;
  let s = dayCache.get(day);
  if (s === undefined) {
    s = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayCache.size > 20_000) dayCache.clear();
    dayCache.set(day, s);
  }
  lastDay = day;
  lastDayText = s;
  return s;
}

// Dense arrays ('' = not yet built): a holey array makes every lookup slow.
const isoTimes: string[] = Array.from({ length: SECONDS_PER_DAY }, () => '');
const spaceTimes: string[] = Array.from({ length: SECONDS_PER_DAY }, () => '');

function timeOfDay(second: number): string {
  const h = Math.floor(second / 3600);
  const m = Math.floor((second - h * 3600) / 60);
  const s = second - h * 3600 - m * 60;
  return [PAD2[h], ':', PAD2[m], ':', PAD2[s]].join('');
}

/** Second of the day → 'T09:12:33Z' (cached, flat). */
export function isoTimeOfDay(second: number): string {
  let text = isoTimes[second] as string;
  if (text === '') isoTimes[second] = text = ['T', timeOfDay(second), 'Z'].join('');
  return text;
}

/** Second of the day → ' 09:12:33' (cached, flat). */
export function spaceTimeOfDay(second: number): string {
  let text = spaceTimes[second] as string;
  if (text === '') spaceTimes[second] = text = [' ', timeOfDay(second)].join('');
  return text;
}

/** Seconds → '2025-03-14T09:12:33Z'. */
export function isoTimestamp(seconds: number): string {
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  let rest = seconds - day * SECONDS_PER_DAY;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = Math.floor(rest - m * 60);
  return `${dayString(day)}T${PAD2[h]}:${PAD2[m]}:${PAD2[s]}Z`;
}

/** Seconds → '2025-03-14 09:12:33' (the spreadsheet-style timestamp some CSV exports use). */
export function spaceTimestamp(seconds: number): string {
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  let rest = seconds - day * SECONDS_PER_DAY;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = Math.floor(rest - m * 60);
  return `${dayString(day)} ${PAD2[h]}:${PAD2[m]}:${PAD2[s]}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const dow = dayOfWeek(day);
  return dow === 0 || dow === 6;
}

export function yearOf(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

/** Month number since year 0 (year × 12 + month index), for monthly buckets. */
export function monthIndex(day: number): number {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export function dayOfMonth(day: number): number {
  return new Date(day * 86_400_000).getUTCDate();
}

export function firstDayOfMonthIndex(month: number): number {
  return Math.round(Date.UTC(Math.floor(month / 12), month % 12, 1) / 86_400_000);
}

/** The same day of month `months` later, clamped to the month's length (billing anniversaries). */
export function addMonths(day: number, months: number, anchorDayOfMonth: number): number {
  const d = new Date(day * 86_400_000);
  const target = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Math.round(Date.UTC(year, month, Math.min(anchorDayOfMonth, last)) / 86_400_000);
}

/** Black Friday: the day after the fourth Thursday of November. */
export function blackFriday(year: number): number {
  const nov1 = Math.round(Date.UTC(year, 10, 1) / 86_400_000);
  const firstThursday = nov1 + ((4 - dayOfWeek(nov1) + 7) % 7);
  return firstThursday + 21 + 1;
}

/** E-commerce weekly shape (Sunday first): shoppers buy more at the weekend. */
export const ECOMMERCE_WEEKLY: readonly number[] = [1.22, 0.97, 0.93, 0.93, 0.95, 1.0, 1.16];
/** B2B product usage: weekdays busy, weekends quiet. */
export const SAAS_WEEKLY: readonly number[] = [0.3, 1.05, 1.1, 1.1, 1.08, 0.95, 0.28];

/** Holiday multiplier for e-commerce demand (Black Friday week, Christmas, Boxing Day, ...). */
export function holidayFactor(day: number): number {
  const year = yearOf(day);
  const bf = blackFriday(year);
  const offset = day - bf;
  if (offset === 0) return 2.8;
  if (offset === -1) return 1.3; // Thanksgiving
  if (offset === 1 || offset === 2) return 1.8;
  if (offset === 3) return 2.3; // Cyber Monday
  if (offset > 3 && offset <= 10) return 1.25;
  const d = new Date(day * 86_400_000);
  if (d.getUTCMonth() === 11) {
    const dom = d.getUTCDate();
    if (dom <= 20) return 1.2 + dom * 0.012;
    if (dom <= 23) return 1.25;
    if (dom === 24) return 0.7;
    if (dom === 25) return 0.45;
    if (dom === 26) return 1.4;
    return 1.1;
  }
  if (d.getUTCMonth() === 0 && d.getUTCDate() <= 7) return 1.15; // January sales
  return 1;
}

/** Yearly wave: quiet in early summer, busy towards December. */
function yearlyWave(day: number): number {
  const year = yearOf(day);
  const doy = day - Math.round(Date.UTC(year, 0, 1) / 86_400_000);
  return 1 + 0.12 * Math.cos((2 * Math.PI * (doy - 350)) / 365);
}

const normalisers = new Map<number, number>();

/** Mean of the unnormalised factor over a calendar year, so that a year averages to 1. */
function yearNormaliser(year: number): number {
  let n = normalisers.get(year);
  if (n === undefined) {
    const first = Math.round(Date.UTC(year, 0, 1) / 86_400_000);
    const last = Math.round(Date.UTC(year + 1, 0, 1) / 86_400_000);
    let sum = 0;
    for (let d = first; d < last; d++) sum += rawEcommerceFactor(d);
    n = sum / (last - first);
    normalisers.set(year, n);
  }
  return n;
}

function rawEcommerceFactor(day: number): number {
  return (ECOMMERCE_WEEKLY[dayOfWeek(day)] as number) * yearlyWave(day) * holidayFactor(day);
}

/** E-commerce demand on a day relative to the year's average day (weekly × yearly × holidays). */
export function ecommerceSeasonality(day: number): number {
  return rawEcommerceFactor(day) / yearNormaliser(yearOf(day));
}

/** Signups and usage of a B2B product: weekly shape and a quiet Christmas fortnight. */
export function saasSeasonality(day: number): number {
  const d = new Date(day * 86_400_000);
  const holiday =
    (d.getUTCMonth() === 11 && d.getUTCDate() >= 22) || (d.getUTCMonth() === 0 && d.getUTCDate() <= 2)
      ? 0.55
      : 1;
  return (SAAS_WEEKLY[dayOfWeek(day)] as number) * holiday;
}

/** Share of a day's activity per hour (UTC): a night trough, lunch and evening peaks. */
export const HOURLY_ECOMMERCE: readonly number[] = [
  1.2, 0.8, 0.5, 0.35, 0.3, 0.35, 0.6, 1.2, 2.2, 3.2, 3.8, 4.3, 4.9, 4.9, 4.4, 4.2, 4.3, 4.6, 5.2, 6.0, 6.6,
  6.3, 4.6, 2.6,
];
export const HOURLY_SAAS: readonly number[] = [
  0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.4, 3.2, 5.8, 7.4, 7.8, 7.4, 6.0, 6.8, 7.4, 7.2, 6.4, 4.8, 3.0, 2.0, 1.5,
  1.1, 0.8, 0.5,
];

/**
 * Maps a uniform in [0,1) to a second of the day following an hourly profile, monotonically — so
 * sorted uniforms become sorted times.
 */
export class IntradayProfile {
  private readonly cumulative: Float64Array;

  constructor(hourly: readonly number[]) {
    this.cumulative = new Float64Array(25);
    let total = 0;
    for (const w of hourly) total += w;
    let acc = 0;
    for (let h = 0; h < 24; h++) {
      acc += (hourly[h] as number) / total;
      this.cumulative[h + 1] = acc;
    }
    this.cumulative[24] = 1;
  }

  secondOfDay(u: number): number {
    let h = 0;
    while (h < 23 && u >= (this.cumulative[h + 1] as number)) h++;
    const lo = this.cumulative[h] as number;
    const hi = this.cumulative[h + 1] as number;
    const within = hi > lo ? (u - lo) / (hi - lo) : 0;
    return Math.min(SECONDS_PER_DAY - 1, Math.floor(h * 3600 + within * 3600));
  }
}
