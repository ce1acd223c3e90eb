/**
 * Numbers as a component's `format` attribute asks: `number` (default), `integer`, `currency`,
 * `percent` (a ratio: 0.25 → 25%) or `days`, with Intl.NumberFormat in the browser's locale.
 */
export type Format = 'number' | 'integer' | 'currency' | 'percent' | 'days';

const FORMATS: readonly Format[] = ['number', 'integer', 'currency', 'percent', 'days'];

/** The currency of `format="currency"`: the API names none yet, and the packs' data is in USD. */
export const CURRENCY = 'USD';

export function parseFormat(value: string | true | undefined): Format {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value)
    ? (value as Format)
    : 'number';
}

/** A value of a result as a number: numbers, and text that is one (a DECIMAL sent as text). */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

const cache = new Map<string, Intl.NumberFormat>();

function formatter(key: string, options: Intl.NumberFormatOptions, locale?: string): Intl.NumberFormat {
  const id = `${locale ?? ''}|${key}`;
  let found = cache.get(id);
  if (!found) {
    found = new Intl.NumberFormat(locale, options);
    cache.set(id, found);
  }
  return found;
}

function options(format: Format, compact: boolean): Intl.NumberFormatOptions {
  const notation: Intl.NumberFormatOptions = compact ? { notation: 'compact', maximumFractionDigits: 1 } : {};
  switch (format) {
    case 'integer':
      return { maximumFractionDigits: 0, ...notation };
    case 'currency':
      return {
        style: 'currency',
        currency: CURRENCY,
        ...(compact ? notation : { minimumFractionDigits: 0, maximumFractionDigits: 2 }),
      };
    case 'percent':
      return { style: 'percent', maximumFractionDigits: 1 };
    case 'days':
      return { style: 'unit', unit: 'day', unitDisplay: 'long', maximumFractionDigits: 1, ...notation };
    case 'number':
      return { maximumFractionDigits: 2, ...notation };
  }
}

/** A value for reading (a KPI, a tooltip, a table cell): "—" for null, text as it is. */
export function formatValue(value: unknown, format: Format = 'number', locale?: string): string {
  if (value === null || value === undefined) return '—';
  const number = toNumber(value);
  if (number === null) return String(value);
  // Cents matter on small amounts only: $388,415 reads better than $388,415.43.
  const key = format === 'currency' && Math.abs(number) >= 1000 ? 'currency:whole' : format;
  const chosen =
    key === 'currency:whole'
      ? { ...options(format, false), maximumFractionDigits: 0 }
      : options(format, false);
  return formatter(key, chosen, locale).format(number);
}

/** A value on an axis: short (1.2K, $3.4M, 25%). */
export function formatAxis(value: unknown, format: Format = 'number', locale?: string): string {
  const number = toNumber(value);
  if (number === null) return value === null || value === undefined ? '' : String(value);
  return formatter(`${format}:compact`, options(format, true), locale).format(number);
}

/** The change from `previous` to `current` as a ratio, or null when there is none to compute. */
export function change(current: unknown, previous: unknown): number | null {
  const now = toNumber(current);
  const before = toNumber(previous);
  if (now === null || before === null || before === 0) return null;
  return (now - before) / Math.abs(before);
}

/** A change as signed text: "+12.3%", "−4%", "0%". */
export function formatChange(ratio: number, locale?: string): string {
  return formatter(
    'change',
    { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' },
    locale,
  ).format(ratio);
}

/** A number of a table, as its column's type has it: DECIMAL(p,s) with its s decimals, integers whole. */
export function formatNumber(value: unknown, type: string, locale?: string): string {
  const number = toNumber(value);
  if (number === null) return formatValue(value, 'number', locale);
  const scale = /DECIMAL\(\s*\d+\s*,\s*(\d+)\s*\)/i.exec(type)?.[1];
  if (scale !== undefined) {
    const digits = Math.min(Number(scale), 6);
    return formatter(
      `decimal:${digits}`,
      { minimumFractionDigits: digits, maximumFractionDigits: digits },
      locale,
    ).format(number);
  }
  return formatValue(number, /INT/i.test(type) ? 'integer' : 'number', locale);
}
