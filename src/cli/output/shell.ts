/** Quotes a word for a POSIX shell only when it needs it, for commands printed as suggestions. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
