import type { TableRef } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { Graph } from '../models/graph.ts';
import { parseTemplate } from '../models/template.ts';
import type { ProjectNode } from '../models/types.ts';
import type { CheckRule, CheckSpec } from '../config/check-spec.ts';
import { DEFAULT_QUARANTINE_GATE, type SourceConfig } from '../config/source-schema.ts';
import type { CheckDefinition } from './types.ts';

interface Declared {
  spec: CheckSpec;
  /** The table checked: a node, or a table a source provides. */
  target: string;
  /** The column the entry sits under, when it does. */
  column?: string;
  file: string;
}

/**
 * Every check of a project — from model headers (table and column level), sources and the
 * config's `checks` — resolved against the DAG. Problems are collected, not thrown one by one.
 */
export function collectChecks(
  graph: Graph,
  configChecks: Record<string, CheckSpec[]>,
  configFile: string,
): { checks: CheckDefinition[]; problems: StrataError[] } {
  const declared: Declared[] = [];
  for (const node of graph.nodes.values()) declared.push(...declaredOn(node, configFile));
  for (const [target, specs] of Object.entries(configChecks)) {
    for (const spec of specs) declared.push({ spec, target, file: configFile });
  }

  const problems: StrataError[] = [];
  const checks: CheckDefinition[] = [];
  const ids = new Set<string>();
  const unknownTargets = new Set<string>();
  for (const entry of declared) {
    const table = graph.tables.get(entry.target);
    if (!table) {
      if (unknownTargets.has(entry.target)) continue;
      unknownTargets.add(entry.target);
      problems.push(
        new StrataError(
          'CHECK_INVALID',
          `checks on "${entry.target}": no model, seed or source has that name`,
          {
            file: entry.file,
            model: entry.target,
            hint: 'Key `checks` in strata.config.ts by the name of a model, seed or source.',
          },
        ),
      );
      continue;
    }
    for (const definition of resolve(entry, table, graph, problems)) {
      if (ids.has(definition.id)) {
        problems.push(
          new StrataError('CHECK_INVALID', `check ${definition.id} is declared twice`, {
            file: entry.file,
            model: entry.target,
            hint: 'Remove one, or tell them apart with `name:`.',
          }),
        );
        continue;
      }
      ids.add(definition.id);
      checks.push(definition);
    }
  }
  return { checks, problems };
}

function declaredOn(node: ProjectNode, configFile: string): Declared[] {
  if (node.kind === 'source') {
    const specs = [...node.config.contract.checks, ...node.config.checks, ...quarantineGate(node.config)];
    return specs.map((spec) => ({ spec, target: node.name, file: configFile }));
  }
  if (node.kind !== 'model') return [];
  const onColumns = Object.entries(node.config.columns).flatMap(([column, doc]) =>
    (doc.checks ?? []).map((spec) => ({ spec, target: node.name, column, file: node.file })),
  );
  const onTable = node.config.checks.map((spec) => ({ spec, target: node.name, file: node.file }));
  return [...onColumns, ...onTable];
}

/**
 * The built-in gate of every source on its ledger (`<source>:quarantine_share`): a load date whose
 * quarantined share of the records received exceeds the source's `quarantine.maxShare` (5% unless
 * configured), with at least `minQuarantined` (10) quarantined, fails it; `quarantine: false`
 * turns it off.
 */
function quarantineGate(config: SourceConfig): CheckSpec[] {
  const gate = config.quarantine ?? DEFAULT_QUARANTINE_GATE;
  if (gate === false) return [];
  return [
    {
      type: 'quarantine_share',
      maxPercent: gate.maxPercent,
      minQuarantined: gate.minQuarantined,
      severity: gate.severity,
      name: QUARANTINE_SHARE,
    },
  ];
}

/** The name of every source's quarantine gate: its check id is `<source>:quarantine_share`. */
export const QUARANTINE_SHARE = 'quarantine_share';

/** One declared entry → its definitions (not_null on several columns is one check per column). */
function resolve(
  entry: Declared,
  table: { node: string; target: TableRef },
  graph: Graph,
  problems: StrataError[],
): CheckDefinition[] {
  const { spec, target } = entry;
  const node = graph.nodes.get(table.node) as ProjectNode;
  const problem = (message: string, hint: string) => {
    problems.push(
      new StrataError('CHECK_INVALID', `check ${spec.type} on ${target}: ${message}`, {
        file: entry.file,
        model: target,
        hint,
      }),
    );
    return [];
  };
  const loadDateColumn = partitionColumnOf(node, target);
  if (spec.scope === 'partition' && !loadDateColumn) {
    return problem(
      'scope: partition, but the table has no load-date column',
      'Only incremental models (load_date_column) and sources are partitioned by load date; use scope: all.',
    );
  }
  const base = {
    target,
    table: table.target,
    node: table.node,
    severity: spec.severity,
    ...(spec.failAbove ? { failAbove: spec.failAbove } : {}),
    ...(spec.scope !== 'all' && loadDateColumn ? { partitionColumn: loadDateColumn } : {}),
    file: entry.file,
  };
  const column = ('column' in spec ? spec.column : undefined) ?? entry.column;
  const needColumn = (rule: CheckRule) =>
    problem(
      `${rule.type} needs a column`,
      `Put it under columns: { <column>: { checks: [...] } }, or give column:.`,
    );
  const define = (rule: CheckRule, reads: string[] = [], extra: Partial<CheckDefinition> = {}) => ({
    ...base,
    id: `${target}:${spec.name ?? describe(rule)}`,
    rule,
    reads,
    ...extra,
  });

  switch (spec.type) {
    case 'not_null': {
      const columns = spec.columns.length ? spec.columns : entry.column ? [entry.column] : [];
      if (columns.length === 0) return needColumn(spec);
      if (spec.name && columns.length > 1) {
        return problem(
          'name: applies to one check; this not_null covers several columns',
          'Split it per column.',
        );
      }
      return columns.map((c) => define({ type: 'not_null', columns: [c] }));
    }
    case 'unique': {
      const columns = spec.columns.length ? spec.columns : entry.column ? [entry.column] : [];
      if (columns.length === 0) return needColumn(spec);
      return [define({ type: 'unique', columns })];
    }
    case 'accepted_values':
      return column ? [define({ type: 'accepted_values', column, values: spec.values })] : needColumn(spec);
    case 'range':
      return column
        ? [define({ type: 'range', column, ...pick(spec, 'min'), ...pick(spec, 'max') })]
        : needColumn(spec);
    case 'relationships': {
      if (!column) return needColumn(spec);
      const parent = graph.tables.get(spec.to);
      if (!parent)
        return problem(`to: ${spec.to} names no model, seed or source`, 'Name the table the keys point to.');
      return [
        define({ type: 'relationships', column, to: spec.to, field: spec.field ?? column }, [parent.node]),
      ];
    }
    case 'freshness': {
      const col = column ?? loadDateColumn;
      if (!col) return needColumn(spec);
      // Freshness is about the newest row, whatever dates the run loaded.
      const { partitionColumn: _unscoped, ...unscoped } = define({
        type: 'freshness',
        column: col,
        maxAge: spec.maxAge,
        maxAgeMs: spec.maxAgeMs,
      });
      return [unscoped];
    }
    case 'volume': {
      const col = column ?? loadDateColumn;
      if (!col) return needColumn(spec);
      return [
        define({ type: 'volume', column: col, tolerancePercent: spec.tolerancePercent, days: spec.days }),
      ];
    }
    case 'reconciliation': {
      if (spec.with === 'raw') {
        if (node.kind !== 'source' || target !== node.name) {
          return problem('with: raw checks a source against its raw layer', 'Declare it on a source.');
        }
        return [define({ type: 'reconciliation', with: 'raw', tolerancePercent: spec.tolerancePercent })];
      }
      const other = graph.tables.get(spec.with);
      if (!other)
        return problem(
          `with: ${spec.with} names no model, seed or source`,
          'Name the table to count against.',
        );
      const col = column ?? loadDateColumn;
      const withColumn =
        spec.withColumn ?? partitionColumnOf(graph.nodes.get(other.node) as ProjectNode, spec.with) ?? col;
      return [
        define(
          {
            type: 'reconciliation',
            with: spec.with,
            tolerancePercent: spec.tolerancePercent,
            ...(col ? { column: col } : {}),
            ...(col && withColumn ? { withColumn } : {}),
          },
          [other.node],
        ),
      ];
    }
    case 'quarantine_share':
      return [
        define({
          type: 'quarantine_share',
          maxPercent: spec.maxPercent,
          minQuarantined: spec.minQuarantined,
        }),
      ];
    case 'expression':
      return [define({ type: 'expression', expression: spec.expression })];
    case 'sql': {
      const parsed = parseTemplate(spec.sql, 1, entry.file);
      problems.push(...parsed.problems);
      const reads: string[] = [];
      for (const ref of parsed.refs) {
        const referenced = graph.tables.get(ref.name);
        if (!referenced) {
          problem(`ref('${ref.name}') names no model, seed or source`, 'Fix the name in the check’s SQL.');
        } else if (referenced.node !== table.node) reads.push(referenced.node);
      }
      if (parsed.problems.length > 0) return [];
      return [define({ type: 'sql', sql: spec.sql }, [...new Set(reads)], { segments: parsed.segments })];
    }
  }
}

/** The load-date column of a table: an incremental model's, or `load_date` of a source's tables. */
function partitionColumnOf(node: ProjectNode, table: string): string | undefined {
  if (node.kind === 'source')
    return node.name === table || node.provides.some((p) => p.name === table) ? 'load_date' : undefined;
  if (node.kind === 'model' && node.config.materialized === 'incremental') return node.config.loadDateColumn;
  return undefined;
}

/** The readable half of a check's id. */
export function describe(rule: CheckRule): string {
  switch (rule.type) {
    case 'not_null':
    case 'unique':
      return `${rule.type}(${rule.columns.join(', ')})`;
    case 'relationships':
      return `relationships(${rule.column} → ${rule.to}.${rule.field ?? rule.column})`;
    case 'reconciliation':
      return `reconciliation(${rule.with})`;
    case 'quarantine_share':
      return `quarantine_share(${rule.maxPercent}%)`;
    case 'expression':
      return `expression(${abbreviate(rule.expression)})`;
    case 'sql':
      return `sql(${abbreviate(rule.sql)})`;
    default:
      return `${rule.type}(${rule.column ?? ''})`;
  }
}

function abbreviate(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function pick<T extends object, K extends keyof T>(object: T, key: K): Partial<Pick<T, K>> {
  return object[key] === undefined ? {} : ({ [key]: object[key] } as Partial<Pick<T, K>>);
}
