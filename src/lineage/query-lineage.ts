/**
 * The walk over a parsed query: what each output column of a SELECT, a set operation, a CTE or a
 * subquery is computed from. Queries and expressions recurse into each other (a scalar subquery
 * in a select list, a derived table in FROM), so both live here.
 */
import { isAggregateCall } from './aggregates.ts';
import {
  type Derived,
  type OutColumn,
  baseColumn,
  compose,
  transformed,
  unionOf,
  unknownColumn,
} from './derived.ts';
import {
  type Ident,
  type SqlDialect,
  DIALECT_RULES,
  asNode,
  ident,
  identKey,
  identOutput,
  isRecord,
  list,
  nodeOf,
  renderNode,
} from './sql-ast.ts';
import type { LineageRelation } from './types.ts';

/** What a query returns: its columns, and why the list is incomplete when it is. */
export interface QueryColumns {
  columns: OutColumn[];
  /** Set when some columns are not known (a `*` over a relation whose columns are not known). */
  incomplete: string | null;
}

export interface WalkContext {
  dialect: SqlDialect;
  relations: readonly LineageRelation[];
}

/** A relation of a FROM clause, by the name it is qualified with. */
interface Source {
  /** Its alias, or its table name; null for an unaliased subquery (it cannot be qualified). */
  key: string | null;
  /** How messages name it: "`staging.orders`", "CTE `line_rows`". */
  label: string;
  columns: OutColumn[];
  incomplete: string | null;
}

/** What `*` returns: the FROM clause's columns in order, or a gap where a relation's are unknown. */
type StarEntry = { column: OutColumn } | { gap: string };

interface Scope {
  context: WalkContext;
  ctes: ReadonlyMap<string, QueryColumns>;
  sources: Source[];
  /** USING columns, merged: an unqualified name refers to the merged column, not to either side. */
  merged: Map<string, OutColumn>;
  star: StarEntry[];
  /** Earlier aliases of the select list (DuckDB lets later expressions use them). */
  aliases: Map<string, Derived>;
  lambdas: ReadonlySet<string>;
  /** The WINDOW clause's named windows, which `OVER w` refers to. */
  windows: Map<string, unknown>;
  outer: Scope | null;
}

function newScope(context: WalkContext, ctes: ReadonlyMap<string, QueryColumns>, outer: Scope | null): Scope {
  return {
    context,
    ctes,
    sources: [],
    merged: new Map(),
    star: [],
    aliases: new Map(),
    lambdas: new Set(),
    windows: new Map(),
    outer,
  };
}

const quoted = (text: string) => `\`${text}\``;

/** The columns of any query node: SELECT, set operation, parenthesised query, VALUES. */
export function queryColumns(
  value: unknown,
  ctes: ReadonlyMap<string, QueryColumns>,
  outer: Scope | null,
  context: WalkContext,
): QueryColumns {
  const node = asNode(value);
  if (!node) return { columns: [], incomplete: 'a query the parser did not expose' };
  switch (node.kind) {
    case 'select':
      return selectColumns(node.body, ctes, outer, context);
    case 'union':
    case 'intersect':
    case 'except': {
      const inner = withClause(node.body.with, ctes, outer, context);
      const left = queryColumns(node.body.left, inner, outer, context);
      const right = queryColumns(node.body.right, inner, outer, context);
      return setOperation(node.kind, node.body, left, right, context.dialect);
    }
    case 'subquery':
    case 'paren': {
      const inner = withClause(node.body.with, ctes, outer, context);
      return queryColumns(node.body.this, inner, outer, context);
    }
    case 'values':
      return valuesColumns(node.body, ctes, outer, context);
    default:
      return {
        columns: [],
        incomplete: `a ${node.kind.replaceAll('_', ' ')} query, which the lineage does not read`,
      };
  }
}

/** The CTEs a WITH clause adds to those already visible, each seeing the ones before it. */
function withClause(
  value: unknown,
  ctes: ReadonlyMap<string, QueryColumns>,
  outer: Scope | null,
  context: WalkContext,
): ReadonlyMap<string, QueryColumns> {
  if (!isRecord(value)) return ctes;
  const visible = new Map(ctes);
  for (const cte of list(value.ctes)) {
    if (!isRecord(cte)) continue;
    const name = ident(cte.alias);
    if (!name) continue;
    const key = identKey(name, context.dialect);
    const rename = list(cte.columns).map(ident);
    let result: QueryColumns;
    if (value.recursive === true) {
      // A recursive CTE reads itself: start from its first branch (the anchor), then read the whole
      // body twice with the previous result bound to its name, which reaches what the recursive
      // branch adds at each step.
      const body = asNode(cte.this);
      const anchor = body && body.kind === 'union' ? body.body.left : cte.this;
      visible.set(key, renamed(queryColumns(anchor, visible, outer, context), rename, context.dialect));
      for (let pass = 0; pass < 2; pass++) {
        visible.set(key, renamed(queryColumns(cte.this, visible, outer, context), rename, context.dialect));
      }
      result = visible.get(key) as QueryColumns;
    } else {
      result = renamed(queryColumns(cte.this, visible, outer, context), rename, context.dialect);
    }
    visible.set(key, result);
  }
  return visible;
}

/** A column list given after a name (`cte(a, b)`, `AS s(a, b)`) renames the first columns. */
function renamed(query: QueryColumns, names: readonly (Ident | null)[], dialect: SqlDialect): QueryColumns {
  if (names.length === 0) return query;
  const columns = query.columns.map((column, index) => {
    const name = names[index];
    return name ? { name: identOutput(name, dialect), derived: column.derived } : column;
  });
  return { columns, incomplete: query.incomplete };
}

function setOperation(
  kind: string,
  body: Record<string, unknown>,
  left: QueryColumns,
  right: QueryColumns,
  dialect: SqlDialect,
): QueryColumns {
  // EXCEPT returns the left rows; INTERSECT rows equal in both: the left branch's columns say it.
  if (kind !== 'union') return left;
  if (body.by_name === true) return unionByName(left, right, dialect);
  const incomplete = left.incomplete ?? right.incomplete;
  if (incomplete) {
    const reason = `a column of a UNION whose branches' columns are not all known (${incomplete}), so its position cannot be matched`;
    return {
      columns: left.columns.map((column) => ({ name: column.name, derived: unknownColumn(reason) })),
      incomplete,
    };
  }
  if (left.columns.length !== right.columns.length) {
    const reason = `the branches of a UNION return ${left.columns.length} and ${right.columns.length} columns`;
    return {
      columns: left.columns.map((column) => ({ name: column.name, derived: unknownColumn(reason) })),
      incomplete: null,
    };
  }
  const columns = left.columns.map((column, index) => ({
    name: column.name,
    derived: unionOf([column.derived, (right.columns[index] as OutColumn).derived]),
  }));
  return { columns, incomplete: null };
}

function unionByName(left: QueryColumns, right: QueryColumns, dialect: SqlDialect): QueryColumns {
  const key = (name: string) => identKey({ name, quoted: true }, dialect);
  const byName = new Map<string, { name: string; branches: Derived[] }>();
  for (const column of [...left.columns, ...right.columns]) {
    const entry = byName.get(key(column.name));
    if (entry) entry.branches.push(column.derived);
    else byName.set(key(column.name), { name: column.name, branches: [column.derived] });
  }
  const columns = [...byName.values()].map((entry) => ({
    name: entry.name,
    derived: unionOf(entry.branches),
  }));
  return { columns, incomplete: left.incomplete ?? right.incomplete };
}

function valuesColumns(
  body: Record<string, unknown>,
  ctes: ReadonlyMap<string, QueryColumns>,
  outer: Scope | null,
  context: WalkContext,
): QueryColumns {
  const scope = newScope(context, ctes, outer);
  const rows = list(body.expressions).map((row) => {
    const tuple =
      isRecord(row) && Array.isArray(row.expressions)
        ? row.expressions
        : (nodeOf(row, 'tuple')?.expressions ?? [row]);
    return list(tuple).map((cell) => expressionLineage(cell, scope));
  });
  const width = rows[0]?.length ?? 0;
  const columns: OutColumn[] = [];
  for (let index = 0; index < width; index++) {
    // The names VALUES gives its columns when no alias list renames them.
    const name = DIALECT_RULES[context.dialect].valuesColumn(index);
    columns.push({
      name,
      derived: unionOf(rows.map((row) => row[index] ?? unknownColumn('a short VALUES row'))),
    });
  }
  return { columns, incomplete: null };
}

function selectColumns(
  body: Record<string, unknown>,
  ctes: ReadonlyMap<string, QueryColumns>,
  outer: Scope | null,
  context: WalkContext,
): QueryColumns {
  const scope = newScope(context, withClause(body.with, ctes, outer, context), outer);
  const from = isRecord(body.from) ? list(body.from.expressions) : [];
  addJoined(scope, from, list(body.joins));
  for (const window of list(body.windows)) {
    const name = isRecord(window) ? ident(window.name) : null;
    if (name && isRecord(window)) scope.windows.set(identKey(name, context.dialect), window.spec);
  }
  const columns: OutColumn[] = [];
  const incomplete: string[] = [];
  for (const item of list(body.expressions)) {
    const expanded = selectItem(item, scope);
    columns.push(...expanded.columns);
    if (expanded.incomplete) incomplete.push(expanded.incomplete);
  }
  return { columns, incomplete: incomplete.length > 0 ? [...new Set(incomplete)].join('; ') : null };
}

/**
 * The entries of a FROM clause and its joins, in order. A parenthesised join without an alias,
 * `(a JOIN b USING (id))`, adds its relations as if written without the parentheses.
 */
function addJoined(scope: Scope, from: readonly unknown[], joins: readonly unknown[]): void {
  const add = (value: unknown, join: Record<string, unknown> | null) => {
    const nested = nodeOf(value, 'joined_table');
    if (nested && !ident(nested.alias) && join === null) {
      addJoined(scope, [nested.left], list(nested.joins));
      return;
    }
    addSource(scope, fromSource(value, scope), join);
  };
  for (const item of from) add(item, null);
  for (const join of joins) if (isRecord(join)) add(join.this, join);
}

/** Node kinds in FROM that return columns the walk does not work out, as messages name them. */
const OPAQUE_FROM: Record<string, string> = {
  pivot: 'a PIVOT',
  unpivot: 'an UNPIVOT',
  joined_table: 'a parenthesised join with an alias',
  match_recognize: 'a MATCH_RECOGNIZE',
};

/** One entry of a FROM clause: a table, a CTE, a derived table, a table function. */
function fromSource(value: unknown, scope: Scope): Source {
  const { dialect } = scope.context;
  const node = asNode(value);
  if (!node) return opaqueSource(null, 'a FROM entry the parser did not expose');
  const alias = ident(node.body.alias);
  const rename = list(node.body.column_aliases).map(ident);
  const keyOf = (fallback: Ident | null) => {
    const name = alias ?? fallback;
    return name ? identKey(name, dialect) : null;
  };
  switch (node.kind) {
    case 'table': {
      const name = ident(node.body.name);
      const schema = ident(node.body.schema);
      const catalog = ident(node.body.catalog);
      if (!name) return opaqueSource(keyOf(null), 'a table the parser did not name');
      const written = [catalog, schema, name].flatMap((part) => (part ? [part.name] : [])).join('.');
      const cte = !schema && !catalog ? scope.ctes.get(identKey(name, dialect)) : undefined;
      if (cte) {
        const query = renamed(cte, rename, dialect);
        return {
          key: keyOf(name),
          label: `CTE ${quoted(name.name)}`,
          columns: query.columns,
          incomplete: query.incomplete,
        };
      }
      const relation = schema && !catalog ? findRelation(scope.context, schema, name) : undefined;
      if (!relation) {
        return opaqueSource(
          keyOf(name),
          `${quoted(written)} is neither a CTE of the query nor a table the model reads through ref()`,
          quoted(written),
        );
      }
      if (relation.columnsUnknown)
        return opaqueSource(keyOf(name), relation.columnsUnknown, quoted(relation.node));
      const columns = relation.columns.map((column) => ({
        name: column,
        derived: baseColumn(relation.node, column),
      }));
      const query = renamed({ columns, incomplete: null }, rename, dialect);
      return { key: keyOf(name), label: quoted(relation.node), columns: query.columns, incomplete: null };
    }
    case 'subquery': {
      const query = renamed(queryColumns(node.body.this, scope.ctes, scope, scope.context), rename, dialect);
      const label = alias ? `subquery ${quoted(alias.name)}` : 'a subquery';
      return { key: keyOf(null), label, columns: query.columns, incomplete: query.incomplete };
    }
    case 'alias': {
      // A table function with an alias: `generate_series(...) AS g(day)`, `unnest(x) AS u(item)`.
      const inner = asNode(node.body.this);
      if (inner && (inner.kind === 'subquery' || inner.kind === 'table')) {
        const source = fromSource(node.body.this, scope);
        const query = renamed({ columns: source.columns, incomplete: source.incomplete }, rename, dialect);
        return { ...source, key: keyOf(null), columns: query.columns, incomplete: query.incomplete };
      }
      return tableFunction(node.body.this, keyOf(null), rename, scope);
    }
    default:
      return tableFunction(value, null, [], scope);
  }
}

/** A table function's columns are known only when an alias list names them; each reads its arguments. */
function tableFunction(
  value: unknown,
  key: string | null,
  names: readonly (Ident | null)[],
  scope: Scope,
): Source {
  const node = asNode(value);
  const opaque = node ? OPAQUE_FROM[node.kind] : undefined;
  if (opaque)
    return opaqueSource(key, `the columns of ${opaque}, which the lineage does not work out`, opaque);
  const fn = node ? (typeof node.body.name === 'string' ? node.body.name : node.kind) : 'table function';
  const label = `table function ${quoted(fn)}`;
  if (names.length === 0 || names.some((name) => name === null)) {
    return opaqueSource(
      key,
      `the columns of ${label}, which the query does not name (add a column alias list)`,
      label,
    );
  }
  // Each row a table function returns is computed from its arguments: never a constant.
  const derived = compose('transform', [expressionLineage(value, scope)], { fromRows: true });
  const columns = names.map((name) => ({ name: identOutput(name as Ident, scope.context.dialect), derived }));
  return { key, label, columns, incomplete: null };
}

function opaqueSource(key: string | null, reason: string, label = 'a FROM entry'): Source {
  return { key, label, columns: [], incomplete: reason };
}

/** The relation the compiled SQL names `schema.name` (ref() always writes both). */
function findRelation(context: WalkContext, schema: Ident, name: Ident): LineageRelation | undefined {
  const unquote = (text: string) => text.replace(/^"(.*)"$/, '$1');
  return context.relations.find(
    (relation) =>
      identKey({ name: unquote(relation.schema), quoted: true }, context.dialect) ===
        identKey(schema, context.dialect) &&
      identKey({ name: unquote(relation.name), quoted: true }, context.dialect) ===
        identKey(name, context.dialect),
  );
}

/** Adds a FROM entry to the scope: how `*` lists it and, for USING and NATURAL joins, the merged columns. */
function addSource(scope: Scope, source: Source, join: Record<string, unknown> | null): void {
  const { dialect } = scope.context;
  const kind = join && typeof join.kind === 'string' ? join.kind : 'Inner';
  scope.sources.push(source);
  // A semi or anti join filters the left side; its right side returns nothing.
  if (/Semi|Anti/.test(kind)) return;
  const entries: StarEntry[] = source.columns.map((column) => ({ column }));
  if (source.incomplete) entries.push({ gap: source.incomplete });
  let using = join
    ? list(join.using)
        .map(ident)
        .filter((name): name is Ident => name !== null)
    : [];
  if (kind.startsWith('Natural')) {
    if (source.incomplete || scope.star.some((entry) => 'gap' in entry)) {
      scope.star.push(...entries, { gap: `the columns a NATURAL join matches on, with ${source.label}` });
      return;
    }
    const right = new Set(
      source.columns.map((column) => identKey({ name: column.name, quoted: true }, dialect)),
    );
    using = scope.star.flatMap((entry) =>
      'column' in entry && right.has(identKey({ name: entry.column.name, quoted: true }, dialect))
        ? [{ name: entry.column.name, quoted: true }]
        : [],
    );
  }
  if (using.length === 0) {
    scope.star.push(...entries);
    return;
  }
  const side = kind.replace('Natural', '') || 'Inner';
  const mergedColumns: OutColumn[] = [];
  for (const name of using) {
    const key = identKey(name, dialect);
    const leftColumn = unqualified(name, { ...scope, sources: scope.sources.slice(0, -1), outer: null });
    const rightColumn = source.columns.find((column) => columnKey(column, dialect) === key);
    const right = rightColumn
      ? rightColumn.derived
      : unknownColumn(`${quoted(name.name)} of ${source.label}, which has no such known column`);
    // A FULL join's merged column is COALESCE(left, right); the others keep the kept side's value.
    const derived =
      side === 'Full' || side === 'Outer'
        ? compose('transform', [leftColumn, right])
        : side === 'Right'
          ? right
          : leftColumn;
    const merged = { name: identOutput(name, dialect), derived };
    scope.merged.set(key, merged);
    mergedColumns.push(merged);
  }
  const usingKeys = new Set(using.map((name) => identKey(name, dialect)));
  const rightRest = entries.filter(
    (entry) => !('column' in entry && usingKeys.has(columnKey(entry.column, dialect))),
  );
  if (DIALECT_RULES[dialect].usingColumnsFirst) {
    // PostgreSQL lists the USING columns first, then the other columns of each side.
    const leftRest = scope.star.filter(
      (entry) => !('column' in entry && usingKeys.has(columnKey(entry.column, dialect))),
    );
    scope.star = [...mergedColumns.map((column) => ({ column })), ...leftRest, ...rightRest];
  } else {
    // DuckDB keeps the left side's order, the USING columns where the left side has them.
    scope.star = scope.star.map((entry) =>
      'column' in entry && usingKeys.has(columnKey(entry.column, dialect))
        ? { column: scope.merged.get(columnKey(entry.column, dialect)) as OutColumn }
        : entry,
    );
    scope.star.push(...rightRest);
  }
}

function columnKey(column: OutColumn, dialect: SqlDialect): string {
  return identKey({ name: column.name, quoted: true }, dialect);
}

/** One entry of a select list, as the output columns it makes. */
function selectItem(value: unknown, scope: Scope): QueryColumns {
  const { dialect } = scope.context;
  const node = asNode(value);
  if (node?.kind === 'star') return starColumns(node.body, scope);
  if (
    node?.kind === 'function' &&
    typeof node.body.name === 'string' &&
    node.body.name.toLowerCase() === 'columns'
  ) {
    return { columns: [], incomplete: 'a COLUMNS(...) expression, which the lineage does not expand' };
  }
  if (node?.kind === 'alias') {
    const name = ident(node.body.alias);
    const derived = expressionLineage(node.body.this, scope);
    if (!name) return { columns: [], incomplete: 'an alias the parser did not name' };
    scope.aliases.set(identKey(name, dialect), derived);
    return { columns: [{ name: identOutput(name, dialect), derived }], incomplete: null };
  }
  return {
    columns: [{ name: unnamedOutput(value, dialect), derived: expressionLineage(value, scope) }],
    incomplete: null,
  };
}

/**
 * The name the engine gives an expression without an alias. A column keeps its name; PostgreSQL
 * names a call after its function and anything else `?column?`; DuckDB names it by its own
 * rendering of the expression, which the parser's rendering only approximates.
 */
function unnamedOutput(value: unknown, dialect: SqlDialect): string {
  const column = nodeOf(value, 'column');
  const name = column ? ident(column.name) : null;
  if (name) return identOutput(name, dialect);
  if (DIALECT_RULES[dialect].namesCallsByFunction) {
    const node = asNode(value);
    if (node && (node.kind === 'cast' || node.kind === 'paren'))
      return unnamedOutput(node.body.this, dialect);
    if (node?.kind === 'case') return 'case';
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(renderNode(value, dialect) ?? '');
    return call ? (call[1] as string).toLowerCase() : '?column?';
  }
  return renderNode(value, dialect) ?? '?column?';
}

function starColumns(body: Record<string, unknown>, scope: Scope): QueryColumns {
  const { dialect } = scope.context;
  const table = ident(body.table);
  let entries: StarEntry[];
  if (table) {
    const source = scope.sources.find((candidate) => candidate.key === identKey(table, dialect));
    if (!source)
      return {
        columns: [],
        incomplete: `${quoted(`${table.name}.*`)}: no relation ${quoted(table.name)} in the query`,
      };
    entries = source.columns.map((column) => ({ column }));
    if (source.incomplete) entries.push({ gap: source.incomplete });
  } else {
    entries = scope.star;
  }
  const except = new Set(
    list(body.except)
      .map(ident)
      .flatMap((name) => (name ? [identKey(name, dialect)] : [])),
  );
  const replace = new Map<string, OutColumn>();
  for (const item of list(body.replace)) {
    const alias = isRecord(item) ? (nodeOf(item, 'alias') ?? item) : null;
    const name = alias ? ident(alias.alias) : null;
    if (alias && name)
      replace.set(identKey(name, dialect), {
        name: identOutput(name, dialect),
        derived: expressionLineage(alias.this, scope),
      });
  }
  const columns: OutColumn[] = [];
  const gaps: string[] = [];
  for (const entry of entries) {
    if ('gap' in entry) {
      gaps.push(entry.gap);
      continue;
    }
    const key = columnKey(entry.column, dialect);
    if (except.has(key)) continue;
    columns.push(replace.get(key) ?? entry.column);
  }
  if (list(body.rename).length > 0) gaps.push('a `* RENAME (...)`, which the lineage does not read');
  const star = table ? `${table.name}.*` : '*';
  return {
    columns,
    incomplete: gaps.length > 0 ? `${quoted(star)} cannot be listed: ${[...new Set(gaps)].join('; ')}` : null,
  };
}

/** What one expression is computed from, composed through the columns it reads. */
export function expressionLineage(value: unknown, scope: Scope): Derived {
  const walk: Walk = { refs: [], unresolved: [], aggregate: false, fromRows: false };
  walkExpression(value, scope, walk);
  const self = isCopy(value) ? 'copy' : walk.aggregate ? 'aggregate' : 'transform';
  return compose(self, walk.refs, { fromRows: walk.fromRows, unresolved: walk.unresolved });
}

/**
 * A column as it is, or only cast (`x::int`, `CAST(x AS DECIMAL)`), or in parentheses, or a scalar
 * subquery (which is what the column it returns is).
 */
function isCopy(value: unknown): boolean {
  const node = asNode(value);
  if (!node) return false;
  if (node.kind === 'column') return true;
  if (node.kind === 'subquery' && asNode(node.body.this) !== null) return true;
  if (['cast', 'try_cast', 'safe_cast', 'paren', 'collation'].includes(node.kind))
    return isCopy(node.body.this);
  return false;
}

interface Walk {
  refs: Derived[];
  unresolved: string[];
  aggregate: boolean;
  fromRows: boolean;
}

const QUERY_KINDS = new Set(['select', 'union', 'intersect', 'except', 'values']);

function walkExpression(value: unknown, scope: Scope, walk: Walk): void {
  if (Array.isArray(value)) {
    for (const item of value) walkExpression(item, scope, walk);
    return;
  }
  const node = asNode(value);
  if (!node) {
    if (isRecord(value)) for (const child of Object.values(value)) walkExpression(child, scope, walk);
    return;
  }
  const { kind, body } = node;
  if (kind === 'column' && ident(body.name)) {
    walk.refs.push(columnReference(body, scope));
    return;
  }
  if (kind === 'window_function') {
    // The window's own aggregate (`sum(x) OVER (...)`) is not a GROUP BY aggregate: a transform.
    walk.fromRows = true;
    const inner = asNode(body.this);
    walkExpression(inner && isAggregateCall(inner.kind, inner.body) ? inner.body : body.this, scope, walk);
    for (const [key, child] of Object.entries(body)) if (key !== 'this') walkExpression(child, scope, walk);
    const named = isRecord(body.over) ? ident(body.over.window_name) : null;
    const window = named ? namedWindow(identKey(named, scope.context.dialect), scope) : undefined;
    if (window !== undefined) walkExpression(window, scope, walk);
    return;
  }
  if (isAggregateCall(kind, body)) {
    walk.aggregate = true;
    walkExpression(body, scope, walk);
    return;
  }
  if (QUERY_KINDS.has(kind) || (kind === 'subquery' && asNode(body.this) !== null)) {
    // A scalar subquery, or the query of IN / EXISTS: the columns it returns.
    const query = queryColumns(value, scope.ctes, scope, scope.context);
    walk.refs.push(...query.columns.map((column) => column.derived));
    if (query.incomplete) walk.unresolved.push(query.incomplete);
    return;
  }
  if (kind === 'lambda') {
    const params = list(body.parameters)
      .map(ident)
      .flatMap((name) => (name ? [identKey(name, scope.context.dialect)] : []));
    walkExpression(body.body, { ...scope, lambdas: new Set([...scope.lambdas, ...params]) }, walk);
    return;
  }
  walkExpression(body, scope, walk);
}

function namedWindow(key: string, scope: Scope): unknown {
  for (let current: Scope | null = scope; current; current = current.outer) {
    if (current.windows.has(key)) return current.windows.get(key);
  }
  return undefined;
}

/** `t.x` or `x`, looked up in the FROM clause, then as a struct field, then in enclosing queries. */
function columnReference(body: Record<string, unknown>, scope: Scope): Derived {
  const name = ident(body.name) as Ident;
  const table = ident(body.table);
  return table ? qualified(table, name, scope) : unqualified(name, scope);
}

function qualified(table: Ident, name: Ident, scope: Scope): Derived {
  const { dialect } = scope.context;
  const written = quoted(`${table.name}.${name.name}`);
  const source = scope.sources.find((candidate) => candidate.key === identKey(table, dialect));
  if (source) {
    const column = source.columns.find(
      (candidate) => columnKey(candidate, dialect) === identKey(name, dialect),
    );
    if (column) return column.derived;
    if (source.incomplete)
      return unknownColumn(
        `${written} comes from ${source.label}, whose columns are not known: ${source.incomplete}`,
      );
    return unknownColumn(`${written}: ${source.label} has no column ${quoted(name.name)}`);
  }
  // `s.field` where s is a column of a struct type (DuckDB).
  const struct = lookupUnqualified(table, scope);
  if (struct) return transformed(struct);
  if (scope.outer) return qualified(table, name, scope.outer);
  return unknownColumn(`${written}: no relation ${quoted(table.name)} in the query`);
}

function unqualified(name: Ident, scope: Scope): Derived {
  const { dialect } = scope.context;
  if (scope.lambdas.has(identKey(name, dialect)))
    return { kind: 'constant', inputs: new Map(), unresolved: [] };
  const found = lookupUnqualified(name, scope);
  if (found) return found;
  const matches = matchingSources(name, scope);
  if (matches.length > 1) {
    const labels = matches.map((source) => source.label).join(' and ');
    return unknownColumn(
      `${quoted(name.name)} is a column of both ${labels}; without a table qualifier it is ambiguous`,
    );
  }
  const unknown = scope.sources.filter((source) => source.incomplete);
  if (unknown.length > 0) {
    const labels = unknown.map((source) => source.label).join(', ');
    const reasons = [...new Set(unknown.map((source) => source.incomplete))].join('; ');
    return unknownColumn(
      `${quoted(name.name)} is not a known column; it may come from ${labels}, whose columns are not known: ${reasons}`,
    );
  }
  if (scope.outer) return unqualified(name, scope.outer);
  return unknownColumn(`${quoted(name.name)} is not a column of any relation the query reads`);
}

/** An unqualified name that resolves in this scope without doubt, or null. */
function lookupUnqualified(name: Ident, scope: Scope): Derived | null {
  const key = identKey(name, scope.context.dialect);
  const merged = scope.merged.get(key);
  if (merged) return merged.derived;
  const matches = matchingSources(name, scope);
  if (matches.length === 1) {
    const column = (matches[0] as Source).columns.find(
      (candidate) => columnKey(candidate, scope.context.dialect) === key,
    );
    if (column) return column.derived;
  }
  if (matches.length === 0 && !scope.sources.some((source) => source.incomplete)) {
    const alias = scope.aliases.get(key);
    if (alias) return alias;
  }
  return null;
}

function matchingSources(name: Ident, scope: Scope): Source[] {
  const key = identKey(name, scope.context.dialect);
  return scope.sources.filter((source) =>
    source.columns.some((column) => columnKey(column, scope.context.dialect) === key),
  );
}
