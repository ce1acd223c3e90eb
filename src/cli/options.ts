import { InvalidArgumentError, Option } from 'commander';

/** Option parser for counts: a whole number of at least 1. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('Must be a whole number of at least 1.');
  }
  return n;
}

/** Option parser for whole numbers from 0 up (seeds, ports, thread counts). */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('Must be a whole number of at least 0.');
  }
  return n;
}

/** Option parser for rates and scales: a finite number of at least 0. */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('Must be a number of at least 0.');
  }
  return n;
}

/** `--format text|json` (default text): how a command writes its result on stdout. */
export function textOrJsonFormat(description = 'format of the summary on stdout'): Option {
  return new Option('--format <format>', description).choices(['text', 'json']).default('text');
}
