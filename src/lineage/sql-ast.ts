/**
 * The one file that talks to the SQL parser (`@polyglot-sql/sdk`, a Rust port of sqlglot compiled
 * to WebAssembly). Its AST is plain JSON: every node is an object with a single key naming its
 * kind (`{ column: {...} }`, `{ sum: {...} }`), so the deriver reads it as `unknown` through the
 * narrow helpers here rather than through the package's generated types, which are huge and change
 * between versions.
 */
import { Dialect, generate, parse } from '@polyglot-sql/sdk';

export type SqlDialect = 'duckdb' | 'postgres';

/**
 * How each SQL dialect names and matches what the lineage follows. The walk reads these flags
 * and never asks which dialect it is in.
 */
interface DialectRules {
  parser: Dialect;
  /** Quoted identifiers match exactly (PostgreSQL); otherwise every identifier matches case-insensitively (DuckDB). */
  quotedIsExact: boolean;
  /** Unquoted identifiers are folded to lower case (PostgreSQL); DuckDB keeps them as written. */
  foldsUnquoted: boolean;
  /** `*` over a USING join lists the USING columns first (PostgreSQL); DuckDB keeps the left side's order. */
  usingColumnsFirst: boolean;
  /** An unaliased call is named after its function (PostgreSQL); DuckDB names it by its rendering. */
  namesCallsByFunction: boolean;
  /** The name VALUES gives its column at `index` (0-based). */
  valuesColumn: (index: number) => string;
}

export const DIALECT_RULES: Record<SqlDialect, DialectRules> = {
  duckdb: {
    parser: Dialect.DuckDB,
    quotedIsExact: false,
    foldsUnquoted: false,
    usingColumnsFirst: false,
    namesCallsByFunction: false,
    valuesColumn: (index) => `col${index}`,
  },
  postgres: {
    parser: Dialect.PostgreSQL,
    quotedIsExact: true,
    foldsUnquoted: true,
    usingColumnsFirst: true,
    namesCallsByFunction: true,
    valuesColumn: (index) => `column${index + 1}`,
  },
};

/** A parsed node: its kind and payload. */
export interface AstNode {
  kind: string;
  body: Record<string, unknown>;
}

export type ParseOutcome = { ok: true; statements: unknown[] } | { ok: false; message: string };

export function parseSql(sql: string, dialect: SqlDialect): ParseOutcome {
  const result = parse(sql, DIALECT_RULES[dialect].parser);
  if (result.success) return { ok: true, statements: result.ast as unknown[] };
  const where = result.errorLine ? ` (line ${result.errorLine}, column ${result.errorColumn ?? '?'})` : '';
  return { ok: false, message: `${result.error ?? 'the SQL could not be parsed'}${where}` };
}

/** The SQL the parser writes back for a node, in the dialect (for naming unnamed expressions). */
export function renderNode(node: unknown, dialect: SqlDialect): string | null {
  const result = generate([node], DIALECT_RULES[dialect].parser);
  return result.success ? (result.sql?.[0] ?? null) : null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A node is an object with exactly one key whose value is an object (`{ "null": {} }` included). */
export function asNode(value: unknown): AstNode | null {
  if (!isRecord(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const kind = keys[0] as string;
  const body = value[kind];
  return isRecord(body) ? { kind, body } : null;
}

export function nodeOf(value: unknown, kind: string): Record<string, unknown> | null {
  const node = asNode(value);
  return node && node.kind === kind ? node.body : null;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** An identifier as written: `{ name, quoted }`. */
export interface Ident {
  name: string;
  quoted: boolean;
}

export function ident(value: unknown): Ident | null {
  if (!isRecord(value) || typeof value.name !== 'string') return null;
  return { name: value.name, quoted: value.quoted === true };
}

/**
 * The key an identifier is compared by. DuckDB matches every identifier case-insensitively;
 * PostgreSQL folds unquoted identifiers to lower case and matches quoted ones exactly.
 */
export function identKey(id: Ident, dialect: SqlDialect): string {
  if (DIALECT_RULES[dialect].quotedIsExact && id.quoted) return id.name;
  return id.name.toLowerCase();
}

/** The name an identifier gives an output column: PostgreSQL folds unquoted names to lower case. */
export function identOutput(id: Ident, dialect: SqlDialect): string {
  return DIALECT_RULES[dialect].foldsUnquoted && !id.quoted ? id.name.toLowerCase() : id.name;
}
