import { isValidIdentifier } from '../engine/identifiers.ts';
import { StrataError } from '../errors/strata-error.ts';
import { parseHeader, requirementProblems, splitHeader } from './header.ts';
import { parseTemplate } from './template.ts';
import type { ModelNode } from './types.ts';

export interface ModelSource {
  /** Path relative to the project root (used in every message). */
  file: string;
  /** Path relative to the models folder: its first folder is the model's default schema. */
  pathInModels: string;
  text: string;
}

/** Parses one model file; problems are returned, not thrown, so a project reports them all at once. */
export function parseModel(
  source: ModelSource,
  defaultSchema: string,
): { model?: ModelNode; problems: StrataError[] } {
  const { file } = source;
  const name = baseName(source.pathInModels);
  const problems: StrataError[] = [];
  if (!isValidIdentifier(name)) {
    problems.push(
      new StrataError('MODEL_NAME_INVALID', `model file name "${name}" is not a valid identifier`, {
        file,
        hint: 'Rename the file to letters, digits and underscores, e.g. stg_orders.sql.',
      }),
    );
  }
  let split;
  try {
    split = splitHeader(source.text, file);
  } catch (error) {
    return { problems: [...problems, error as StrataError] };
  }
  const header = parseHeader(split.yaml, split.yamlLine, file);
  problems.push(...header.problems);
  if (header.config)
    problems.push(...requirementProblems(header.config, file, Math.max(1, split.yamlLine - 1)));
  const touchedSql = header.config?.touched;
  const template = parseTemplate(split.body, split.bodyLine, file, touchedSql ? 'allowed' : 'undeclared');
  problems.push(...template.problems);
  // The touched SELECT's refs are edges of the DAG like the body's: the keys are read from them.
  const touched = touchedSql ? parseTemplate(touchedSql.sql, touchedSql.line, file, 'inside') : undefined;
  problems.push(...(touched?.problems ?? []));
  if (split.body.trim() === '') {
    problems.push(
      new StrataError('HEADER_INVALID', 'the model has no SQL body', {
        file,
        line: split.bodyLine,
        hint: 'Write one SELECT statement after the header.',
      }),
    );
  }
  if (!header.config || problems.length > 0) return { problems };
  const folder = source.pathInModels.split('/').slice(0, -1)[0];
  const schema = header.config.schema ?? (folder && isValidIdentifier(folder) ? folder : defaultSchema);
  return {
    model: {
      kind: 'model',
      name,
      target: { schema, name },
      file,
      config: header.config,
      segments: template.segments,
      refs: [...template.refs, ...(touched?.refs ?? [])],
      bodyLine: split.bodyLine,
      ...(touched ? { touched: touched.segments } : {}),
    },
    problems,
  };
}

export function baseName(path: string): string {
  const file = path.split('/').at(-1) ?? path;
  return file.replace(/\.[^.]+$/, '');
}
