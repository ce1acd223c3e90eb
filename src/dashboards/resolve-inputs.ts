import { StrataError } from '../errors/strata-error.ts';
import { addDays, isIsoDate } from '../time/dates.ts';
import type { InputValue } from './render-query.ts';
import type { DashboardInput, DateRangeInput, DropdownInput } from './types.ts';

/** What the data offers an input: a date range's bounds, a dropdown's choices. */
export type InputChoices =
  { kind: 'date_range'; min: string | null; max: string | null } | { kind: 'dropdown'; options: string[] };

/** The span of `default="all"` when the data gives no lower bound. */
const FALLBACK_DAYS = 90;

/** The longest text a dropdown value may be (longer is no choice of any page). */
const MAX_CHOICE_LENGTH = 1000;

/**
 * The value of every input for one request: the request's parameters (`period_from`,
 * `period_to`, `channel`) when given and valid, else each input's default. Throws
 * DASHBOARD_BAD_INPUT naming the parameter and what it should be.
 */
export function resolveInputs(
  inputs: readonly DashboardInput[],
  params: URLSearchParams,
  choices: ReadonlyMap<string, InputChoices>,
  today: string,
): Map<string, InputValue> {
  const values = new Map<string, InputValue>();
  for (const input of inputs) {
    const choice = choices.get(input.name);
    values.set(
      input.name,
      input.kind === 'date_range'
        ? dateRangeValue(input, params, choice?.kind === 'date_range' ? choice : undefined, today)
        : dropdownValue(input, params, choice?.kind === 'dropdown' ? choice : undefined),
    );
  }
  return values;
}

function dateRangeValue(
  input: DateRangeInput,
  params: URLSearchParams,
  bounds: { min: string | null; max: string | null } | undefined,
  today: string,
): InputValue {
  const given = (suffix: 'from' | 'to') => {
    const name = `${input.name}_${suffix}`;
    const value = params.get(name);
    if (value === null || value === '') return undefined;
    return checkedDateParam(name, value);
  };
  // Without a `from`, the range is the default span (or all the data) ending at its `to`.
  const to = given('to') ?? bounds?.max ?? today;
  const lower = bounds?.min ?? null;
  const span = input.defaultDays === 'all' ? null : input.defaultDays;
  const from =
    given('from') ??
    (span === null ? (lower ?? addDays(to, 1 - FALLBACK_DAYS)) : maxDate(lower, addDays(to, 1 - span)));
  if (from > to) {
    throw new StrataError(
      'DASHBOARD_BAD_INPUT',
      `${input.name}_from (${from}) is after ${input.name}_to (${to})`,
      {
        field: `${input.name}_from`,
        hint: 'Give a range whose start is on or before its end.',
      },
    );
  }
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  const previousTo = addDays(from, -1);
  return {
    kind: 'date_range',
    from,
    to,
    previous_from: addDays(previousTo, 1 - days),
    previous_to: previousTo,
  };
}

function dropdownValue(
  input: DropdownInput,
  params: URLSearchParams,
  choices: { options: string[] } | undefined,
): InputValue {
  const value = params.get(input.name);
  if (value === null || value === '') {
    if (input.all !== undefined) return { kind: 'dropdown', value: null };
    return { kind: 'dropdown', value: choices?.options[0] ?? null };
  }
  if (value.length > MAX_CHOICE_LENGTH) {
    throw new StrataError(
      'DASHBOARD_BAD_INPUT',
      `${input.name} is longer than any choice (${value.length} characters)`,
      {
        field: input.name,
      },
    );
  }
  if (choices && !choices.options.includes(value)) {
    throw new StrataError('DASHBOARD_BAD_INPUT', `${input.name} "${clip(value)}" is not one of its choices`, {
      field: input.name,
      hint: `Choices: ${choices.options.slice(0, 10).join(', ')}${choices.options.length > 10 ? ', ...' : ''}.`,
    });
  }
  return { kind: 'dropdown', value };
}

function maxDate(a: string | null, b: string): string {
  return a !== null && a > b ? a : b;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** A request parameter that must be a date: the value, or DASHBOARD_BAD_INPUT naming it. */
export function checkedDateParam(name: string, value: string): string {
  if (!isIsoDate(value)) {
    throw new StrataError(
      'DASHBOARD_BAD_INPUT',
      `${name} must be a date written YYYY-MM-DD, got "${clip(value)}"`,
      {
        field: name,
        hint: `Pass e.g. ${name}=2025-01-31.`,
      },
    );
  }
  return value;
}
