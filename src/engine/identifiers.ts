import { StrataError } from '../errors/strata-error.ts';

/**
 * Identifiers that reach SQL are validated first, then quoted. The rule is deliberately narrow —
 * letters, digits and underscores, not starting with a digit, at most 63 characters (PostgreSQL's
 * limit) — so a name valid on one engine is valid on every engine.
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function assertIdentifier(name: string, what = 'identifier'): string {
  if (!isValidIdentifier(name)) {
    throw new StrataError('IDENTIFIER_INVALID', `${what} ${JSON.stringify(name)} is not a valid identifier`, {
      hint: 'Use letters, digits and underscores only, starting with a letter or underscore, at most 63 characters.',
    });
  }
  return name;
}

/** Validates, then double-quotes: the only way an identifier is spliced into SQL. */
export function quoteIdentifier(name: string): string {
  return `"${assertIdentifier(name)}"`;
}
