import type { InputChoices } from '../dashboards/resolve-inputs.ts';
import type { DashboardInput, DashboardPage } from '../dashboards/types.ts';
import { pagedQuery, renderQuery } from '../dashboards/render-query.ts';
import type { ServedProject } from './dashboard-site.ts';
import { relationResolver, runStatement } from './dashboard-sql.ts';

/** A dropdown offers at most this many choices (a page listing more wants a Table). */
const MAX_CHOICES = 500;

/**
 * Reads what the data offers each input (a date range's bounds, a dropdown's choices), running
 * the inputs' queries; `only` limits it to some inputs (those a request did not give a value).
 */
export async function readInputChoices(
  served: ServedProject,
  page: DashboardPage,
  only: (input: DashboardInput) => boolean = () => true,
): Promise<Map<string, InputChoices>> {
  const choices = new Map<string, InputChoices>();
  for (const input of page.inputs) {
    if (!only(input)) continue;
    const query = input.data === undefined ? undefined : page.queries.find((q) => q.name === input.data);
    if (!query) {
      if (input.kind === 'date_range') choices.set(input.name, { kind: 'date_range', min: null, max: null });
      continue;
    }
    const statement = renderQuery(query, {
      dialect: served.engine.dialect,
      resolve: relationResolver(served),
      inputs: new Map(),
    });
    // Bounds need one row, a dropdown at most MAX_CHOICES: the engine stops there.
    const rows = input.kind === 'date_range' ? 1 : MAX_CHOICES;
    const bounded = pagedQuery(statement, served.engine.dialect, { limit: rows, offset: 0 });
    const result = await runStatement(served, page, query.name, bounded);
    if (input.kind === 'date_range') {
      const row = result.rows[0];
      choices.set(input.name, {
        kind: 'date_range',
        min: dateText(row?.[input.min ?? '']),
        max: dateText(row?.[input.max ?? '']),
      });
    } else {
      const options = new Set<string>();
      for (const row of result.rows) {
        const value = row[input.value];
        if (value !== null && value !== undefined) options.add(String(value));
        if (options.size >= MAX_CHOICES) break;
      }
      choices.set(input.name, { kind: 'dropdown', options: [...options] });
    }
  }
  return choices;
}

/** A bound as YYYY-MM-DD, whether the engine gives a date or a timestamp. */
function dateText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = value instanceof Date ? value.toISOString() : String(value);
  const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
  return date ?? null;
}
