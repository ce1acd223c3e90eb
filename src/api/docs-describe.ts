import type { CheckRule, FailAbove } from '../config/check-spec.ts';
import type { Contract, FieldSpec, ScalarField } from '../config/contract-schema.ts';
import type { SourceConfig } from '../config/source-schema.ts';
import { formatOf } from '../sources/discover.ts';
import type { DocsSourceField } from '../docs/types.ts';

/**
 * The words the documentation site uses for what a project declares: a check's definition, a
 * contract field's rules, a source's location. Pure, and never showing a secret.
 */

const list = (values: readonly (string | number | boolean)[]) => values.map((v) => String(v)).join(', ');

/** A check's definition in words: `customer_sk is never null`, `order_id is unique`, ... */
export function checkInWords(rule: CheckRule, failAbove?: FailAbove): string {
  const words = ruleInWords(rule);
  if (!failAbove) return words;
  const limit = 'rows' in failAbove ? `${failAbove.rows} rows` : `${failAbove.percent}% of the rows checked`;
  return `${words} (fails above ${limit})`;
}

function ruleInWords(rule: CheckRule): string {
  switch (rule.type) {
    case 'not_null':
      return `${list(rule.columns)} is never null`;
    case 'unique':
      return rule.columns.length === 1
        ? `${rule.columns[0] ?? ''} is unique`
        : `(${list(rule.columns)}) is unique together`;
    case 'accepted_values':
      return `${rule.column ?? 'the value'} is one of ${list(rule.values)}`;
    case 'range': {
      const column = rule.column ?? 'the value';
      if (rule.min !== undefined && rule.max !== undefined)
        return `${column} is between ${rule.min} and ${rule.max}`;
      return rule.min !== undefined
        ? `${column} is at least ${rule.min}`
        : `${column} is at most ${rule.max}`;
    }
    case 'relationships':
      return `every ${rule.column ?? 'value'} is a ${rule.field ?? rule.column ?? 'key'} of ${rule.to}`;
    case 'freshness':
      return `the newest ${rule.column ?? 'load date'} is at most ${rule.maxAge} old`;
    case 'volume':
      return `the rows of a ${rule.column ?? 'load date'} are within ${rule.tolerancePercent}% of the mean of the ${rule.days} dates before`;
    case 'reconciliation':
      return rule.with === 'raw'
        ? 'every record received is staged, quarantined or a duplicate'
        : `the rows per ${rule.column ?? 'load date'} match ${rule.with}${rule.tolerancePercent > 0 ? ` within ${rule.tolerancePercent}%` : ''}`;
    case 'expression':
      return `every row satisfies ${rule.expression}`;
    case 'sql':
      return 'the custom query returns no rows';
    case 'quarantine_share':
      return `at most ${rule.maxPercent}% of a load date's records are quarantined (once ${rule.minQuarantined} are)`;
  }
}

/** The column(s) a check is about, or none (table-level checks). */
export function checkColumns(rule: CheckRule): string[] {
  if (rule.type === 'not_null' || rule.type === 'unique') return rule.columns;
  if ('column' in rule && typeof rule.column === 'string') {
    // freshness, volume and reconciliation name the load date column: they are about the table.
    return ['freshness', 'volume', 'reconciliation'].includes(rule.type) ? [] : [rule.column];
  }
  return [];
}

/** A contract's fields, each with its type and rules in words; an array field's items follow it. */
export function contractFields(contract: Contract): DocsSourceField[] {
  const key = contract.uniqueKey ?? [];
  return Object.entries(contract.fields).flatMap(([name, field]) => {
    const own: DocsSourceField = {
      name,
      type: fieldType(field),
      rules: [
        ...fieldRules(field),
        ...(key.includes(name)
          ? [key.length === 1 ? 'unique key' : `part of the unique key (${key.join(', ')})`]
          : []),
      ],
      description: field.description?.trim() || null,
    };
    if (field.type !== 'array') return [own];
    return [
      own,
      ...Object.entries(field.items).map(([item, spec]) => ({
        name: `${name}[].${item}`,
        type: fieldType(spec),
        rules: fieldRules(spec),
        description: spec.description?.trim() || null,
      })),
    ];
  });
}

function fieldType(field: FieldSpec): string {
  return field.type === 'decimal' ? `decimal(${field.precision}, ${field.scale})` : field.type;
}

function fieldRules(field: FieldSpec | ScalarField): string[] {
  const rules: string[] = [];
  if (field.required) rules.push('required');
  if (field.from) rules.push(`read from "${field.from}"`);
  switch (field.type) {
    case 'string':
      if (field.pattern) rules.push(`matches /${field.pattern}/`);
      break;
    case 'integer':
    case 'number':
    case 'decimal':
      if (field.min !== undefined) rules.push(`>= ${field.min}`);
      if (field.max !== undefined) rules.push(`<= ${field.max}`);
      if (field.type === 'decimal' && field.round) rules.push(`rounded to ${field.scale} places`);
      break;
    case 'date':
    case 'timestamp':
      if (field.formats) rules.push(`format ${field.formats.join(' or ')}`);
      if (field.min !== undefined) rules.push(`>= ${field.min}`);
      if (field.max !== undefined) rules.push(`<= ${field.max}`);
      break;
    case 'enum':
      rules.push(`in (${field.values.join(', ')})${field.caseInsensitive ? ' in any case' : ''}`);
      break;
    case 'boolean':
    case 'array':
      break;
  }
  return rules;
}

/**
 * A source's format: as declared, else as its files' extension says (`sources/discover.ts`), with
 * `(gzip)` for compressed files; an HTTP source's pages are JSON. Null when the pattern does not say.
 */
export function sourceFormat(config: SourceConfig): string | null {
  if (config.http) return 'json';
  const pattern = config.files?.[0];
  if (pattern === undefined) return config.format ?? null;
  try {
    const { format, compression } = formatOf(pattern, config.format);
    return compression === 'gzip' ? `${format} (gzip)` : format;
  } catch {
    return config.format ?? null;
  }
}

/** A source's kind and where it reads from: its file patterns, or its URL without credentials. */
export function sourceLocation(config: SourceConfig): { type: string; location: string } {
  if (config.http) return { type: 'http', location: safeUrl(config.http.url) };
  return { type: 'files', location: (config.files ?? []).join(', ') };
}

/**
 * A URL as shown: without user and password, and with the values of its query string left out
 * (a key written into the URL is a secret too). Headers and `query` are never shown: their values
 * may come from the environment.
 */
export function safeUrl(url: string): string {
  const [base = '', query] = url.split('?', 2);
  const withoutUser = base.replace(/^(https?:\/\/)[^/@]*@/i, '$1');
  if (query === undefined) return withoutUser;
  const names = query
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0] ?? ''}=…`);
  return `${withoutUser}?${names.join('&')}`;
}
