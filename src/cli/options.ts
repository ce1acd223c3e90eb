import { InvalidArgumentError } from 'commander';

/** Option parser for counts: a whole number of at least 1. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('Must be a whole number of at least 1.');
  }
  return n;
}
