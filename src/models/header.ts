import { type Document, LineCounter, Scalar, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import { checkEntrySchema } from '../config/check-spec.ts';
import { issueMessage } from '../config/issue-message.ts';
import { StrataError } from '../errors/strata-error.ts';
import { MATERIALIZATIONS, type ModelConfig } from './types.ts';

/**
 * A model file may open with a metadata header in a block comment, as YAML:
 *
 *   /*---
 *   materialized: incremental
 *   load_date_column: load_date
 *   ---*\/
 *   select ...
 *
 * or, incremental by key, the grain a run replaces and a SELECT of the keys its dates touched:
 *
 *   /*---
 *   materialized: incremental
 *   unique_key: sale_date
 *   touched: |
 *     select order_date as sale_date from {{ ref('stg_orders') }}
 *     where load_date between {{ date_from }} and {{ date_to }}
 *   ---*\/
 */
const OPEN = /^\uFEFF?\s*\/\*---[ \t]*\r?\n/;
const CLOSE = /^---\*\/[ \t]*$/m;

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be an identifier (letters, digits, _)');
const identifierList = z.union([identifier.transform((v) => [v]), z.array(identifier).min(1)]);
const headerSchema = z.strictObject({
  materialized: z.enum(MATERIALIZATIONS).default('view'),
  schema: identifier.optional(),
  description: z.string().optional(),
  unique_key: identifierList.optional(),
  load_date_column: identifier.optional(),
  touched: z.string().optional(),
  tracked_columns: identifierList.optional(),
  valid_from_column: identifier.optional(),
  surrogate_key: identifier.optional(),
  partition_by: z.enum(['month']).optional(),
  distribution_column: identifier.optional(),
  columns: z
    .record(
      identifier,
      z.union([
        z.string().transform((description) => ({ description })),
        z.strictObject({ description: z.string().optional(), checks: z.array(checkEntrySchema).optional() }),
      ]),
    )
    .optional(),
  checks: z.array(checkEntrySchema).optional(),
  tags: z.array(z.string()).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  timeout_seconds: z.number().positive().optional(),
});

export interface SplitHeader {
  /** The YAML text, or undefined when the file has no header. */
  yaml?: string;
  /** 1-based line of the first YAML line. */
  yamlLine: number;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
}

export function splitHeader(text: string, file: string): SplitHeader {
  const open = OPEN.exec(text);
  if (!open) return { yamlLine: 1, body: text, bodyLine: 1 };
  const rest = text.slice(open[0].length);
  const close = CLOSE.exec(rest);
  const openLine = countLines(open[0]) + 1;
  if (!close) {
    throw new StrataError('HEADER_UNTERMINATED', 'The metadata header opened with /*--- is never closed', {
      file,
      line: openLine - 1,
      hint: 'End the header with a line holding only ---*/',
    });
  }
  const yaml = rest.slice(0, close.index);
  const afterClose = rest.slice(close.index + close[0].length).replace(/^\r?\n/, '');
  const bodyLine = openLine + countLines(rest.slice(0, close.index + close[0].length)) + 1;
  return { yaml, yamlLine: openLine, body: afterClose, bodyLine };
}

/** Parses and validates a header, returning every problem found (not just the first). */
export function parseHeader(
  yamlText: string | undefined,
  yamlLine: number,
  file: string,
): { config?: ModelConfig; problems: StrataError[] } {
  if (yamlText === undefined || yamlText.trim() === '')
    return { config: toConfig(headerSchema.parse({})), problems: [] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number) => yamlLine + lineCounter.linePos(offset).line - 1;
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map(
        (e) =>
          new StrataError('HEADER_INVALID', `header is not valid YAML: ${e.message.split('\n')[0]}`, {
            file,
            line: lineOf(e.pos[0]),
          }),
      ),
    };
  }
  // A header holding only comments is an empty document: every key takes its default.
  if (doc.contents === null) return { config: toConfig(headerSchema.parse({})), problems: [] };
  if (!isMap(doc.contents)) {
    return {
      problems: [
        new StrataError('HEADER_INVALID', 'header must be a YAML mapping of key: value', {
          file,
          line: yamlLine,
        }),
      ],
    };
  }
  const parsed = headerSchema.safeParse(doc.toJS());
  if (parsed.success) return { config: toConfig(parsed.data, touchedLine(doc, lineOf)), problems: [] };
  return {
    // Each unknown key is its own problem, at its own line.
    problems: parsed.error.issues.flatMap((issue) => {
      const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      return unknownKeys.map((key) => {
        const path = key === undefined ? issue.path : [...issue.path, key];
        const offset = findNode(doc.contents, path)?.range?.[0];
        const field = path.map(String).join('.');
        const message =
          key === undefined ? `${field}: ${issueMessage(issue)}` : `unknown header key "${key}"`;
        return new StrataError('HEADER_INVALID', message, {
          file,
          line: offset === undefined ? yamlLine : lineOf(offset),
          field,
          hint: key === undefined ? undefined : `Known keys: ${Object.keys(headerSchema.shape).join(', ')}.`,
        });
      });
    }),
  };
}

/** The deepest node of `path` found: a mapping's key, or a sequence's item. */
function findNode(contents: unknown, path: PropertyKey[]): { range?: [number, number] | null } | undefined {
  let current: unknown = contents;
  let found: { range?: [number, number] | null } | undefined;
  for (const part of path) {
    if (isMap(current)) {
      const pair = current.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (!pair) return found;
      found = pair.key as { range?: [number, number] };
      current = pair.value;
    } else if (isSeq(current) && typeof part === 'number') {
      const item = current.items[part] as { range?: [number, number] | null } | undefined;
      if (!item) return found;
      found = item;
      current = item;
    } else {
      return found;
    }
  }
  return found;
}

/**
 * The line the `touched` SELECT's text starts on, so template problems in it point into the header:
 * a block scalar (`touched: |`) starts on the line after its key, a plain or quoted one on it.
 */
function touchedLine(doc: Document, lineOf: (offset: number) => number): number {
  const value = (doc.contents && isMap(doc.contents) ? doc.contents.get('touched', true) : undefined) as
    Scalar | undefined;
  const offset = value?.range?.[0] ?? 0;
  const block =
    isScalar(value) && (value.type === Scalar.BLOCK_LITERAL || value.type === Scalar.BLOCK_FOLDED);
  return lineOf(offset) + (block ? 1 : 0);
}

function toConfig(header: z.output<typeof headerSchema>, touchedAt = 1): ModelConfig {
  return {
    materialized: header.materialized,
    schema: header.schema,
    description: header.description,
    uniqueKey: header.unique_key ?? [],
    loadDateColumn: header.load_date_column,
    ...(header.touched === undefined ? {} : { touched: { sql: header.touched, line: touchedAt } }),
    trackedColumns: header.tracked_columns ?? [],
    validFromColumn: header.valid_from_column,
    surrogateKey: header.surrogate_key,
    partitionBy: header.partition_by,
    distributionColumn: header.distribution_column,
    columns: header.columns ?? {},
    checks: header.checks ?? [],
    tags: header.tags ?? [],
    retries: header.retries,
    timeoutSeconds: header.timeout_seconds,
  };
}

/** Keys a materialisation cannot do without, checked after the header itself is valid. */
export function requirementProblems(config: ModelConfig, file: string, headerLine: number): StrataError[] {
  const problems: StrataError[] = [];
  if (config.partitionBy && config.materialized !== 'incremental') {
    problems.push(
      new StrataError('MATERIALIZATION_REQUIREMENT', `partition_by needs materialized: incremental`, {
        file,
        line: headerLine,
        field: 'partition_by',
        hint: 'Partitions follow the load_date_column of an incremental model (a fact table loaded by date).',
      }),
    );
  }
  if (config.touched && config.materialized !== 'incremental') {
    problems.push(
      new StrataError('MATERIALIZATION_REQUIREMENT', `touched needs materialized: incremental`, {
        file,
        line: config.touched.line,
        field: 'touched',
        hint: 'touched names the keys an incremental-by-key run replaces; add materialized: incremental and unique_key.',
      }),
    );
  }
  if (config.distributionColumn && config.materialized === 'view') {
    problems.push(
      new StrataError(
        'MATERIALIZATION_REQUIREMENT',
        `distribution_column needs a table, not materialized: view`,
        {
          file,
          line: headerLine,
          field: 'distribution_column',
          hint: 'Distribute a fact table (table, incremental, upsert or scd2); a view reads what its tables hold.',
        },
      ),
    );
  }
  return [...problems, ...materializationProblems(config, file, headerLine)];
}

function materializationProblems(config: ModelConfig, file: string, headerLine: number): StrataError[] {
  const need = (what: string, why: string) =>
    new StrataError('MATERIALIZATION_REQUIREMENT', `materialized: ${config.materialized} needs ${what}`, {
      file,
      line: headerLine,
      field: what,
      hint: why,
    });
  switch (config.materialized) {
    case 'incremental':
      return incrementalProblems(config, file, headerLine, need);
    case 'upsert':
      return config.uniqueKey.length ? [] : [need('unique_key', 'Name the column(s) that identify a row.')];
    case 'scd2':
      return config.uniqueKey.length
        ? []
        : [need('unique_key', 'Name the natural key whose versions are tracked.')];
    default:
      return [];
  }
}

/**
 * Incremental comes in two forms: by load date (`load_date_column`: a run replaces its dates) and
 * by key (`unique_key` + `touched`: a run replaces the keys its dates touched). Exactly one.
 */
function incrementalProblems(
  config: ModelConfig,
  file: string,
  headerLine: number,
  need: (what: string, why: string) => StrataError,
): StrataError[] {
  const { loadDateColumn, touched, uniqueKey, partitionBy } = config;
  if (touched && loadDateColumn) {
    return [
      new StrataError(
        'MATERIALIZATION_REQUIREMENT',
        'materialized: incremental takes load_date_column or touched, not both',
        {
          file,
          line: touched.line,
          field: 'touched',
          hint: 'Keep load_date_column for a table loaded by date (a run replaces its dates), or unique_key + touched for one whose rows a run replaces by key.',
        },
      ),
    ];
  }
  if (touched) {
    const problems: StrataError[] = [];
    if (uniqueKey.length === 0)
      problems.push(
        need('unique_key', 'Name the column(s) whose rows a run replaces: what touched returns.'),
      );
    if (touched.sql.trim() === '') {
      problems.push(
        new StrataError('MATERIALIZATION_REQUIREMENT', 'touched is empty', {
          file,
          line: touched.line,
          field: 'touched',
          hint: 'Write a SELECT returning the unique_key columns of the rows the run’s dates touched.',
        }),
      );
    }
    if (partitionBy) {
      problems.push(
        new StrataError('MATERIALIZATION_REQUIREMENT', 'partition_by needs load_date_column, not touched', {
          file,
          line: headerLine,
          field: 'partition_by',
          hint: 'Partitions follow the load_date_column of a table loaded by date.',
        }),
      );
    }
    return problems;
  }
  if (loadDateColumn) return [];
  if (uniqueKey.length > 0) {
    return [
      need(
        'touched',
        'With unique_key, add touched: a SELECT (of ref, date_from, date_to) returning the keys the run’s dates touched; or use load_date_column.',
      ),
    ];
  }
  return [
    need(
      'load_date_column',
      'Name the column holding each row’s load date (a run replaces its dates), or give unique_key and touched (a run replaces the keys its dates touched).',
    ),
  ];
}

function countLines(text: string): number {
  return text.split('\n').length - 1;
}
