import { StrataError } from '../errors/strata-error.ts';
import type { DashboardPage } from './types.ts';

/** The page's cross-references: components → queries, queries → inputs, inputs → queries. */
export function validatePage(page: DashboardPage): StrataError[] {
  const problems: StrataError[] = [];
  const at = (line: number) => ({ file: page.file, line });
  const queries = new Map(page.queries.map((q) => [q.name, q]));
  const inputs = new Map(page.inputs.map((i) => [i.name, i]));

  duplicates(page.queries).forEach(({ name, line }) =>
    problems.push(new StrataError('DASHBOARD_INVALID', `a second query named ${name}`, at(line))),
  );
  duplicates(page.inputs).forEach(({ name, line }) =>
    problems.push(new StrataError('DASHBOARD_INVALID', `a second input named ${name}`, at(line))),
  );

  for (const block of page.blocks) {
    if (block.kind !== 'component' || block.component.data === undefined) continue;
    if (!queries.has(block.component.data)) {
      problems.push(
        new StrataError(
          'DASHBOARD_UNKNOWN_QUERY',
          `<${block.component.name}> reads the query ${block.component.data}, which the page does not define`,
          { ...at(block.line), hint: hintNames('Queries of this page', [...queries.keys()]) },
        ),
      );
    }
  }

  for (const query of page.queries) {
    for (const segment of query.segments) {
      if (segment.kind !== 'input') continue;
      const input = inputs.get(segment.input);
      const written = `{{ inputs.${segment.input}${segment.part ? `.${segment.part}` : ''} }}`;
      if (!input) {
        problems.push(
          new StrataError(
            'DASHBOARD_UNKNOWN_INPUT',
            `the query ${query.name} uses ${written}, but the page has no input ${segment.input}`,
            {
              ...at(segment.line),
              hint: hintNames('Inputs of this page', [...inputs.keys()]),
            },
          ),
        );
      } else if (input.kind === 'date_range' && !segment.part) {
        problems.push(
          new StrataError('DASHBOARD_UNKNOWN_INPUT', `${written} is a date range: name its bound`, {
            ...at(segment.line),
            hint: `Write {{ inputs.${input.name}.from }} or .to (.previous_from, .previous_to for the period before).`,
          }),
        );
      } else if (input.kind === 'dropdown' && segment.part) {
        problems.push(
          new StrataError('DASHBOARD_UNKNOWN_INPUT', `${written}: a dropdown has one value`, {
            ...at(segment.line),
            hint: `Write {{ inputs.${input.name} }}.`,
          }),
        );
      }
    }
  }

  // An input's choices are read before any input has a value.
  for (const input of page.inputs) {
    const query = input.data === undefined ? undefined : queries.get(input.data);
    if (query?.segments.some((s) => s.kind === 'input')) {
      problems.push(
        new StrataError(
          'DASHBOARD_INVALID',
          `the input ${input.name} reads the query ${query.name}, which itself uses inputs`,
          {
            ...at(input.line),
            hint: "An input's choices or bounds come from a query without {{ inputs.* }}.",
          },
        ),
      );
    }
  }
  return problems;
}

function duplicates<T extends { name: string; line: number }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(item.name) ? true : (seen.add(item.name), false)));
}

function hintNames(what: string, names: readonly string[]): string {
  return names.length === 0 ? `${what}: none.` : `${what}: ${names.join(', ')}.`;
}

/** Refs to models and seeds the project does not have, each with its line. */
export function unknownRefs(page: DashboardPage, known: (name: string) => boolean): StrataError[] {
  return page.queries.flatMap((query) =>
    query.segments.flatMap((segment) =>
      segment.kind === 'ref' && !known(segment.name)
        ? [
            new StrataError(
              'DASHBOARD_UNKNOWN_REF',
              `the query ${query.name} refers to ref('${segment.name}'), which names no model or seed`,
              {
                file: page.file,
                line: segment.line,
                hint: 'Refer to a model or seed of the project by its name.',
              },
            ),
          ]
        : [],
    ),
  );
}
